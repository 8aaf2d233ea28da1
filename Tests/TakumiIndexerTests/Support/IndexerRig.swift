import Ethereum
import EthereumRPC
import Foundation
import Logging
import Prometheus
import Synchronization
import Takumi
import TakumiOps
import TakumiStore
import Testing
import TestSupport
@testable import TakumiIndexer

/// The two store backends.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgresql

    var testDescription: String { rawValue }
}

/// One migrated database for one test, with its store running
/// (`withRunningDatabase`, as the `takumi` commands run it): SQLite in a
/// fresh temporary file, PostgreSQL in a fresh database of the test server.
struct TestDatabase: Sendable {
    let backend: Backend
    let postgresURL: PostgresURL?
    let sqlitePath: String
    let store: any DatabaseStore

    var reader: DatabaseReader {
        postgresURL.map(DatabaseReader.postgres) ?? .sqlite(path: sqlitePath)
    }

    static func with<T: Sendable>(_ backend: Backend, _ body: (TestDatabase) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("takumi-itest-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let sqlitePath = folder.appendingPathComponent("takumi.sqlite").path
        switch backend {
        case .sqlite:
            return try await open(backend, url: nil, sqlitePath: sqlitePath, body)
        case .postgresql:
            return try await TestServices.withFreshDatabase { url in
                try await open(backend, url: url, sqlitePath: sqlitePath, body)
            }
        }
    }

    private static func open<T: Sendable>(
        _ backend: Backend, url: PostgresURL?, sqlitePath: String, _ body: (TestDatabase) async throws -> T
    ) async throws -> T {
        let store = try await TakumiDatabase.open(url: url?.urlString, sqlitePath: sqlitePath, logger: Rig.storeLogger)
        return try await withRunningDatabase(store) { store in
            try await store.migrate()
            return try await body(TestDatabase(backend: backend, postgresURL: url, sqlitePath: sqlitePath, store: store))
        }
    }

    /// Another store instance on the same database (another process), running for `body`.
    func withSecondStore<T: Sendable>(_ body: (any DatabaseStore) async throws -> T) async throws -> T {
        let store = try await TakumiDatabase.open(url: postgresURL?.urlString, sqlitePath: sqlitePath, logger: Rig.storeLogger)
        return try await withRunningDatabase(store, body)
    }
}

/// Builds indexers against a test chain and drives them.
enum Rig {
    static let storeLogger: Logger = quietLogger("takumi.store")

    /// `TAKUMI_TEST_LOG=debug|info|…` shows the indexer's own log while debugging a test.
    static func quietLogger(_ label: String) -> Logger {
        guard let level = ProcessInfo.processInfo.environment["TAKUMI_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) else {
            return Logger(label: label) { _ in SwiftLogNoOpLogHandler() }
        }
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }

    /// An endpoint pool over `urls` (default: the chain's node) checking chain id 31337.
    static func pool(_ urls: [String], registry: PrometheusCollectorRegistry) -> EndpointPool {
        var configuration = EndpointPool.Configuration(expectedChainID: TestChain.chainID)
        configuration.baseBackoff = .milliseconds(200)
        configuration.maxBackoff = .seconds(2)
        return EndpointPool(
            urls: urls, configuration: configuration, logger: quietLogger("takumi.rpc"),
            metricsFactory: PrometheusMetricsFactory(registry: registry)
        )
    }

    /// An indexer of `chain`'s deployment with small batches (so a seeded
    /// chain takes many of them), fast polling and a short lease wait.
    static func indexer(
        _ chain: TestChain, store: any IndexerStore, transport: (any RPCTransport)? = nil,
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), batch: UInt64 = 50,
        logger: Logger? = nil, configure: (inout IndexerConfiguration) -> Void = { _ in }
    ) throws -> ChainIndexer {
        let manifest = try #require(chain.manifest, "the test chain has no deployment")
        var configuration = IndexerConfiguration(manifest: manifest)
        configuration.initialBatchSize = batch
        configuration.maximumBatchSize = batch
        configuration.pollInterval = .milliseconds(50)
        configuration.leaseWait = .milliseconds(300)
        configure(&configuration)
        return ChainIndexer(
            configuration: configuration, store: store,
            client: EthereumClient(transport ?? pool([chain.rpcURL], registry: registry)),
            logger: logger ?? quietLogger("takumi.indexer"), metricsFactory: PrometheusMetricsFactory(registry: registry)
        )
    }

    /// Takes the lease and calls `syncOnce` until it reports the head reached;
    /// returns how many batches that took.
    @discardableResult
    static func indexToHead(_ indexer: ChainIndexer, store: any IndexerStore) async throws -> Int {
        let lease = try await store.acquireLease(chain: indexer.configuration.chain, wait: .seconds(10))
        do {
            var steps = 0
            // The loop's pipeline: each step may hand over the next batch, fetched while it wrote.
            var outcome = try await indexer.step(lease, prefetched: nil)
            while !outcome.caughtUp {
                outcome = try await indexer.step(lease, prefetched: outcome.prefetched)
                steps += 1
                if steps > 10_000 { throw ReaderError("indexing did not reach the head in 10,000 batches") }
            }
            await lease.release()
            return steps
        } catch {
            await lease.release()
            throw error
        }
    }

    /// A fresh index of `chain` (as it is now) into a new database of `backend`: the reference dump.
    static func freshDump(
        of chain: TestChain, backend: Backend, transport: (any RPCTransport)? = nil, events: Bool = true
    ) async throws -> DatabaseDump {
        try await TestDatabase.with(backend) { database in
            let indexer = try indexer(chain, store: database.store, transport: transport, batch: 500)
            try await indexToHead(indexer, store: database.store)
            return try await database.reader.dump(chain: indexer.configuration.chain, events: events)
        }
    }

    /// The value of a counter or gauge sample `name{labels}` in the registry's text output.
    static func sample(_ registry: PrometheusCollectorRegistry, _ name: String, labels: String) -> Double? {
        let prefix = "\(name){\(labels)} "
        for line in registry.emitToString().split(separator: "\n") where line.hasPrefix(prefix) {
            return Double(line.dropFirst(prefix.count))
        }
        return nil
    }
}

/// `ChainIndexer.run()` in a task, as `takumi indexer run` runs it.
final class RunningIndexer: Sendable {
    let indexer: ChainIndexer
    let task: Task<Void, any Error>
    private let ended: Ended

    /// How `run()` ended, once it has.
    final class Ended: Sendable {
        let result = Mutex<Result<Void, any Error>?>(nil)
    }

    init(_ indexer: ChainIndexer) {
        self.indexer = indexer
        let ended = Ended()
        self.ended = ended
        task = Task {
            do {
                try await indexer.run()
                ended.result.withLock { $0 = .success(()) }
            } catch {
                ended.result.withLock { $0 = .failure(error) }
                throw error
            }
        }
    }

    var status: IndexerStatus { indexer.status }

    /// Waits until the indexer reports `block` committed; fails at once if `run()` ended.
    func waitSynced(to block: UInt64, timeout: Duration = .seconds(60)) async throws {
        try await eventually("indexer synced to block \(block) (status: \(status))", timeout: timeout) {
            switch self.ended.result.withLock({ $0 }) {
            case .failure(let error)?: throw ReaderError("run() ended with \(error) while waiting for block \(block)")
            case .success?: throw ReaderError("run() returned while waiting for block \(block)")
            case nil: return self.status.syncedBlock == block
            }
        }
    }

    /// Cancels `run()` and returns how it ended (nil: cleanly).
    @discardableResult
    func stop() async -> (any Error)? {
        task.cancel()
        do {
            try await task.value
            return nil
        } catch {
            return error
        }
    }

    /// Waits for `run()` to end by itself and returns its error (nil: it ended cleanly).
    func outcome(timeout: Duration) async throws -> (any Error)? {
        try await withThrowingTaskGroup(of: (any Error)?.self) { group in
            group.addTask {
                do { try await self.task.value; return nil } catch { return error }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw ReaderError("run() did not end within \(timeout) (status: \(self.status))")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }
}

/// Polls `condition` until it holds, failing after `timeout`.
func eventually(
    _ what: @autoclosure () -> String, timeout: Duration = .seconds(30), poll: Duration = .milliseconds(20),
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: poll)
    }
    if try await condition() { return }
    throw ReaderError("timed out after \(timeout) waiting for: \(what())")
}

/// A transport that reports the head as at most `cap` (eth_blockNumber),
/// so an indexer stops at block `cap`: a reference index of the past.
struct CappedHeadTransport: RPCTransport {
    let inner: any RPCTransport
    let cap: UInt64

    func send(_ request: RPCRequest) async throws(RPCError) -> JSONValue {
        let value = try await inner.send(request)
        if request.method == "eth_blockNumber", let text = value.stringValue, text.hasPrefix("0x"),
           let head = UInt64(text.dropFirst(2), radix: 16) {
            return .string(Hex.encodeQuantity(min(head, cap)))
        }
        return value
    }

    func send(batch requests: [RPCRequest]) async throws(RPCError) -> [Result<JSONValue, RPCError>] {
        try await inner.send(batch: requests)
    }
}

/// A transport that can hold the next `eth_getLogs` until the test opens the
/// gate: the indexer is then between its reconcile and its batch commit, at
/// a known instant.
struct GatedLogsTransport: RPCTransport {
    let inner: any RPCTransport
    let gate: Gate

    final class Gate: Sendable {
        struct State {
            var armed = false
            var held: CheckedContinuation<Void, Never>?
        }
        let state = Mutex(State())

        /// The next eth_getLogs will wait.
        func arm() { state.withLock { $0.armed = true } }

        var isHolding: Bool { state.withLock { $0.held != nil } }

        func open() {
            let held = state.withLock { state -> CheckedContinuation<Void, Never>? in
                state.armed = false
                defer { state.held = nil }
                return state.held
            }
            held?.resume()
        }

        func pass() async {
            await withCheckedContinuation { continuation in
                let wait = state.withLock { state -> Bool in
                    guard state.armed, state.held == nil else { return false }
                    state.held = continuation
                    return true
                }
                if !wait { continuation.resume() }
            }
        }
    }

    func send(_ request: RPCRequest) async throws(RPCError) -> JSONValue {
        if request.method == "eth_getLogs" { await gate.pass() }
        return try await inner.send(request)
    }

    func send(batch requests: [RPCRequest]) async throws(RPCError) -> [Result<JSONValue, RPCError>] {
        try await inner.send(batch: requests)
    }
}
