import ArgumentParser
import EthereumRPC
import Foundation
import Logging
import ServiceLifecycle
import Takumi
import TakumiIndexer
import TakumiOps
import TakumiServer
import TakumiStore

/// `takumi indexer run|status|resync`.
struct IndexerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "indexer",
        abstract: "Run, inspect or resync the chain indexer.",
        subcommands: [Run.self, Status.self, Resync.self]
    )

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Index the deployment's contracts into the database until SIGTERM/SIGINT (waits for the leader lease)."
        )
        @OptionGroup var options: ConfigurationOptions
        @Option(
            name: .customLong("metrics-port"),
            help: "Serve Prometheus metrics at http://HOST:PORT/metrics (0 = a free port, logged). For running without `takumi serve`."
        )
        var metricsPort: Int?
        @Option(name: .customLong("metrics-host"), help: "Address the metrics server binds to.")
        var metricsHost = "127.0.0.1"

        func validate() throws {
            if let metricsPort, !(0...65_535).contains(metricsPort) {
                throw ValidationError("--metrics-port must be between 0 and 65535, got \(metricsPort)")
            }
        }

        func run() async throws {
            let config = try options.loadAndBootstrapLogging()
            // Before anything creates a metric: the pool and the indexer report here.
            let metrics = MetricsRegistry.bootstrap()
            let logger = Logger(label: "takumi.indexer")
            let context = try operationsContext(config, logger: logger)
            let pool = try badConfiguration { try context.makePool() }
            // Migrate on a store of its own: a PostgreSQL client runs once, and
            // the long-running one below belongs to the service group.
            try await withRunningDatabase(try await openStore(config)) { store in try await store.migrate() }
            let store = try await openStore(config)
            let client = EthereumClient(pool)
            let detector = try badConfiguration { try context.exploitDetector(store: store, client: client) }
            let indexer = ChainIndexer(configuration: context.indexerConfiguration(), store: store, client: client, logger: logger, detector: detector)
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
                .init(service: DatabaseService(store)),
                .init(service: indexer, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup),
            ]
            if let metricsPort {
                let server = MetricsServer(host: metricsHost, port: metricsPort, metrics: metrics, logger: Logger(label: "takumi.metrics"))
                // A metrics server that cannot bind (port taken) stops the process: better
                // than indexing unobserved while the operator believes it is scraped.
                services.append(.init(service: server, failureTerminationBehavior: .gracefullyShutdownGroup))
            }
            let group = ServiceGroup(
                configuration: .init(
                    services: services,
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger
                )
            )
            do {
                try await group.run()
            } catch let error as IndexerError {
                throw CommandFailure.failed(error.description)
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Head, synced block, lag, finality, last error, active endpoint.")
        @OptionGroup var options: ConfigurationOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let config = try options.loadAndBootstrapLogging()
            let logger = Logger(label: "takumi.indexer")
            let context = try operationsContext(config, logger: logger)
            let indexerConfiguration = context.indexerConfiguration()
            let pool = try badConfiguration { try context.makePool() }
            let store = try await openStore(config)
            let state = try await withRunningDatabase(store) { store in try await store.state(chain: indexerConfiguration.chain) }
            var head: UInt64?
            var headError: String?
            do { head = try await EthereumClient(pool).blockNumber() } catch { headError = "\(error)" }
            let endpoint = await pool.activeEndpoint
            let synced = state?.lastSyncedBlock
            let lag = head.flatMap { head in synced.map { head > $0 ? head - $0 : 0 } }
            let fields: [(String, String)] = [
                ("chain", indexerConfiguration.chain), ("head", head.map(String.init) ?? "unknown"),
                ("synced", synced.map(String.init) ?? "never"), ("lag", lag.map(String.init) ?? "unknown"),
                ("finality", String(indexerConfiguration.finalityDepth)),
                ("last_error", state?.lastError ?? headError ?? "none"), ("endpoint", endpoint ?? "none available"),
                ("updated_at", state.map { ISO8601DateFormatter().string(from: $0.updatedAt) } ?? "never"),
            ]
            if json {
                let object = Dictionary(uniqueKeysWithValues: fields)
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                for (name, value) in fields { print("\(name.padding(toLength: 11, withPad: " ", startingAt: 0)) \(value)") }
            }
            if headError != nil { throw ExitCode(TakumiExit.failure.rawValue) }
        }
    }

    struct Resync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Roll every projection back to a block and re-index from the next one (the runbook's manual resync, without SQL).",
            discussion: "Takes the indexer's leader lease: stop `takumi serve`/`takumi indexer run` first (or they hold it), then start them again."
        )
        @OptionGroup var options: ConfigurationOptions
        @Option(name: .customLong("from-block"), help: "the last block to keep; indexing resumes at the next one") var fromBlock: UInt64
        @Flag(help: "Do not ask for confirmation.") var yes = false
        @Option(help: "Seconds to wait for the leader lease.") var wait: Int = 10

        func run() async throws {
            let config = try options.loadAndBootstrapLogging()
            let logger = Logger(label: "takumi.indexer")
            let context = try operationsContext(config, logger: logger)
            let pool = try badConfiguration { try context.makePool() }
            if !yes {
                print("Roll \(context.manifest.network) projections back to block \(fromBlock) and re-index from \(fromBlock + 1)? [y/N] ", terminator: "")
                guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                    throw CommandFailure.failed("not confirmed; nothing changed")
                }
            }
            let store = try await openStore(config)
            let block = fromBlock
            let waitSeconds = wait
            let result = try await withRunningDatabase(store) { store in
                try await store.migrate()
                let indexer = ChainIndexer(configuration: context.indexerConfiguration(), store: store, client: EthereumClient(pool), logger: logger)
                do {
                    return try await indexer.resync(from: block, leaseWait: .seconds(waitSeconds))
                } catch StoreError.leaseTimeout {
                    throw CommandFailure.failed("another indexer holds the lease: stop `takumi serve`/`takumi indexer run` and try again")
                } catch let error as IndexerError {
                    if case .invalidResyncBlock = error { throw CommandFailure.badInput(error.description) }
                    throw CommandFailure.failed(error.description)
                }
            }
            print("checkpoint moved from \(result.undoneFrom.map(String.init) ?? "none") to \(result.checkpoint); projections rolled back; indexing resumes at \(result.checkpoint + 1)")
        }
    }
}

func operationsContext(_ config: TakumiConfiguration, logger: Logger) throws -> OperationsContext {
    try badConfiguration { try OperationsContext(configuration: config, logger: logger) }
}

/// Configuration problems and bad arguments are bad input (exit 2); an
/// operation that ran and failed stays a failure (exit 1).
func badConfiguration<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as OperationsError {
        switch error {
        case .badConfiguration, .badInput: throw CommandFailure.badInput(error.description)
        case .failed: throw CommandFailure.failed(error.description)
        }
    }
}
