import ArgumentParser
import Ethereum
import EthereumRPC
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Takumi
import TakumiIndexer
import TakumiOps
import TakumiRedis
import TakumiServer
import TakumiStore

/// `takumi serve`: the HTTP API on `PORT`, with the indexer in the same
/// process (under its leader lease) unless `--no-indexer`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API (and the indexer, unless --no-indexer) until SIGTERM/SIGINT."
    )
    @OptionGroup var options: ConfigurationOptions
    @Flag(name: .customLong("no-indexer"), help: "Serve the API only (a replica); another process indexes.")
    var noIndexer = false
    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Option(help: "Port (default: PORT, else 3001; 0 = a free port, logged).") var port: Int?
    @Option(name: .customLong("cors-origin"), help: "An origin allowed by CORS (repeatable).") var corsOrigins: [String] = []
    @Option(name: .customLong("cache-ttl-ms"), help: "Serve GET /api/v1 answers from memory for this many milliseconds (0 = no cache).")
    var cacheTTLMilliseconds = 0

    func validate() throws {
        if let port, !(0...65_535).contains(port) { throw ValidationError("--port must be between 0 and 65535, got \(port)") }
        if !(0...600_000).contains(cacheTTLMilliseconds) { throw ValidationError("--cache-ttl-ms must be between 0 and 600000, got \(cacheTTLMilliseconds)") }
    }

    func run() async throws {
        let config = try options.loadAndBootstrapLogging()
        let metrics = MetricsRegistry.bootstrap()
        let logger = Logger(label: "takumi.serve")
        let context = try operationsContext(config, logger: logger)
        let pool = try badConfiguration { try context.makePool() }
        let client = EthereumClient(pool)
        let indexerConfiguration = context.indexerConfiguration()
        // Migrate on a store of its own: a PostgreSQL client runs once.
        try await withRunningDatabase(try await openStore(config)) { store in try await store.migrate() }
        let store = try await openStore(config)

        let detector = try noIndexer ? nil : badConfiguration { try context.exploitDetector(store: store, client: client) }
        let indexer = noIndexer ? nil : ChainIndexer(
            configuration: indexerConfiguration, store: store, client: client, logger: Logger(label: "takumi.indexer"), detector: detector
        )
        let chain = indexerConfiguration.chain
        let reader = store.reader()
        let databaseProbe: @Sendable () async throws -> DatabaseHealth = { try await store.check() }
        let rpcProbe: @Sendable () async throws -> (head: UInt64, endpoint: String?) = {
            let head = try await client.blockNumber()
            return (head, await pool.activeEndpoint)
        }
        var indexerProbe: (@Sendable () -> IndexerProgress)?
        if let indexer {
            indexerProbe = {
                let status = indexer.status
                return IndexerProgress(
                    head: status.head, syncedBlock: status.syncedBlock, headChangedAt: status.headChangedAt,
                    lastError: status.lastError, isLeader: status.isLeader, stopped: status.stopped
                )
            }
        }
        let checkpointProbe: @Sendable () async throws -> IndexerState? = { try await store.state(chain: chain) }
        let pausedProbe: @Sendable () async throws -> [String: Bool] = { try await reader.pausedContracts(chain: chain) }
        let access = store.access()
        let incidentsProbe: @Sendable () async throws -> [IncidentRecord] = { try await access.openIncidents() }
        let listenPort = port ?? config.port
        var serverConfiguration = ServerConfiguration(
            host: host, port: listenPort, chain: chain, finalityDepth: indexerConfiguration.finalityDepth,
            corsOrigins: corsOrigins, cacheTTL: cacheTTLMilliseconds > 0 ? .milliseconds(cacheTTLMilliseconds) : nil,
            auth: try authConfiguration(config, manifest: context.manifest, port: listenPort, logger: logger)
        )
        serverConfiguration.rateLimitPerIP = config.rateLimitPerMinute
        var rateLimiter: any RateLimiter = InMemoryRateLimiter()
        // Without Redis each process keeps its own nonces: fine for one
        // process; replicas behind a load balancer need REDIS_URL.
        var nonces: any NonceStore = InMemoryNonceStore()
        var redis: RedisClient?
        if let redisURL = config.redisURL {
            let client = try badConfiguration { () throws -> RedisClient in
                do { return try RedisClient(url: redisURL, logger: Logger(label: "takumi.redis")) } catch {
                    throw OperationsError.badConfiguration("REDIS_URL: \(error)")
                }
            }
            redis = client
            rateLimiter = RedisRateLimiter(redis: client, logger: Logger(label: "takumi.ratelimit"))
            nonces = RedisNonceStore(redis: client, logger: Logger(label: "takumi.nonces"))
        }
        var redisProbe: (@Sendable () async throws -> Void)?
        if let redis {
            redisProbe = { _ = try await redis.ping() }
        }
        let probes = HealthMonitor.Probes(
            chain: chain, database: databaseProbe, rpcHead: rpcProbe, indexer: indexerProbe,
            checkpoint: checkpointProbe, pausedContracts: pausedProbe, redis: redisProbe, openIncidents: incidentsProbe
        )
        let monitor = HealthMonitor(probes: probes, logger: Logger(label: "takumi.health"))
        var dependencies = ServerDependencies(store: store, manifest: context.manifest, monitor: monitor, metrics: metrics, nonces: nonces)
        dependencies.rateLimiter = rateLimiter
        let app = buildApplication(
            serverConfiguration, dependencies,
            logger: Logger(label: "takumi.http"),
            onServerRunning: { port in
                logger.notice("takumi serve listening", metadata: [
                    "url": "http://\(host):\(port)", "indexer": "\(indexer == nil ? "off" : "on")", "chain": "\(chain)",
                ])
            }
        )
        // The store outlives the server and the indexer (ServiceGroup stops
        // services in reverse order): in-flight requests finish, the indexer
        // commits or rolls back its batch, then the pool closes.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: DatabaseService(store)),
        ]
        if let redis { services.append(.init(service: redis)) }
        services.append(.init(service: monitor))
        if let indexer {
            // A reorg deeper than finality stops the indexer (logged critical, metric set);
            // the API keeps answering so /health and /status can say so ("down").
            services.append(.init(service: indexer, failureTerminationBehavior: .ignore))
        }
        services.append(.init(service: app, failureTerminationBehavior: .gracefullyShutdownGroup))
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch let error as IndexerError {
            throw CommandFailure.failed(error.description)
        }
    }
}

/// Sign-In with Ethereum for `takumi serve`: the chain id from the manifest,
/// domain and URI from SIWE_DOMAIN/SIWE_URI (default localhost:PORT), admins
/// from ADMIN_ADDRESSES. Without JWT_SECRET (embedded defaults, `make dev`)
/// a random key lives as long as the process: sign-ins end at a restart.
func authConfiguration(_ config: TakumiConfiguration, manifest: DeploymentManifest, port: Int, logger: Logger) throws -> AuthConfiguration {
    let secretText: String
    if let configured = config.jwtSecret {
        secretText = configured
    } else {
        var generator = SystemRandomNumberGenerator()
        secretText = (0..<48).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        logger.warning("JWT_SECRET is not set: access tokens are signed with a random key that ends with this process")
    }
    let secret: JWTSecret
    do { secret = try JWTSecret(secretText) } catch { throw CommandFailure.badInput("JWT_SECRET: \(error)") }
    let domain = config.siweDomain ?? "localhost:\(port)"
    let uri = config.siweURI ?? "http://\(domain)"
    var admins: Set<Address> = []
    for text in config.adminAddresses where !text.isEmpty {
        do { admins.insert(try Address(text)) } catch { throw CommandFailure.badInput("ADMIN_ADDRESSES: \(text): \(error)") }
    }
    return AuthConfiguration(
        secret: secret, domain: domain, uri: uri, chainID: manifest.chainId, scheme: uri.hasPrefix("https") ? "https" : "http", admins: admins
    )
}
