import Foundation
import Synchronization
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Metrics
import NIOCore
import Prometheus
import TakumiRedis
import TakumiServer
import TakumiStore
import Testing
import TestSupport

/// Per-client budgets: in-process, and in a real Redis shared by two
/// application instances; Redis down → requests pass (fail open), counted.
@Suite("Rate limits", .serialized)
struct RateLimitTests {
    /// An application over an empty SQLite store with a budget of `limit` per minute.
    static func withApp(
        limit: Int, limiter: any RateLimiter, registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("takumi-ratelimit-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await TakumiDatabase.withDatabase(url: nil, sqlitePath: path, logger: ServerRig.quietLogger) { store in
            let factory = PrometheusMetricsFactory(registry: registry)
            let monitor = HealthMonitor(
                probes: .init(
                    chain: "dev", database: { try await store.check() }, rpcHead: { throw ServerTestError("no chain in the rate-limit tests") },
                    indexer: nil, checkpoint: { nil }, pausedContracts: { [:] }
                ),
                logger: ServerRig.quietLogger, metricsFactory: factory
            )
            var configuration = ServerConfiguration(chain: "dev", finalityDepth: 5)
            configuration.rateLimitPerIP = limit
            // An hour: a loaded CI machine must not see a window reset between two requests.
            configuration.rateLimitWindow = .seconds(3600)
            var dependencies = ServerDependencies(
                store: store, manifest: try AuthRig.manifest(), monitor: monitor, metrics: MetricsRegistry(registry: registry), metricsFactory: factory
            )
            dependencies.rateLimiter = limiter
            try await buildApplication(configuration, dependencies, logger: ServerRig.quietLogger).test(.router) { client in try await body(client) }
        }
    }

    static func header(_ response: TestResponse, _ name: String) -> String? {
        HTTPField.Name(name).flatMap { response.headers[$0] }
    }

    @Test("the budget's last request passes with RateLimit headers; the next is 429 problem+json with Retry-After; /health is never limited")
    func inProcess() async throws {
        try await Self.withApp(limit: 5, limiter: InMemoryRateLimiter()) { client in
            for index in 1...5 {
                try await client.execute(uri: "/api/v1/stats", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(Self.header(response, "RateLimit-Limit") == "5")
                    #expect(Self.header(response, "RateLimit-Remaining") == String(5 - index))
                }
            }
            try await client.execute(uri: "/api/v1/stats", method: .get) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(Int(Self.header(response, "Retry-After") ?? "") ?? 0 > 0)
                #expect(Self.header(response, "RateLimit-Remaining") == "0")
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(body?["type"] as? String == Problem.typeBase + "rate-limited")
            }
            for _ in 0..<10 {
                try await client.execute(uri: "/health", method: .get) { response in #expect(response.status == .ok) }
            }
            // An unknown API key is refused, not given a budget of its own.
            try await client.execute(uri: "/api/v1/stats", method: .get, headers: [HTTPField.Name("X-API-Key")!: "tk_not-a-key"]) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }

    @Test("a Redis budget is shared by two application instances")
    func sharedInRedis() async throws {
        let (host, port) = try TestServices.redisEndpoint()
        // A long command timeout: on a loaded machine a slow reply must not turn
        // into a fail-open pass (that path has its own test below).
        var configuration = RedisClient.Configuration(url: RedisURL(host: host, port: port))
        configuration.commandTimeout = .seconds(60)
        configuration.connectTimeout = .seconds(60)
        let redis = RedisClient(configuration: configuration, logger: ServerRig.quietLogger)
        // Each run its own keys: the budget key is the client IP, so flush what a previous run left.
        _ = try await redis.del(["takumi:ratelimit:ip:unknown"])
        let limiter = RedisRateLimiter(redis: redis, logger: ServerRig.quietLogger)
        var statuses: [HTTPResponse.Status] = []
        for _ in 0..<2 {
            let seen = LockedStatuses()
            try await Self.withApp(limit: 6, limiter: limiter) { client in
                for _ in 0..<4 {
                    try await client.execute(uri: "/api/v1/stats", method: .get) { seen.append($0.status) }
                }
            }
            statuses += seen.all
        }
        #expect(statuses.filter { $0 == .ok }.count == 6, "\(statuses)")
        #expect(statuses.filter { $0 == .tooManyRequests }.count == 2)
        _ = try await redis.del(["takumi:ratelimit:ip:unknown"])
        await redis.shutdown()
    }

    @Test("Redis unreachable: requests pass (fail open) and takumi_rate_limit_fail_open_total counts them")
    func failOpen() async throws {
        var configuration = RedisClient.Configuration(url: RedisURL(host: "127.0.0.1", port: 1))
        configuration.commandTimeout = .milliseconds(300)
        let redis = RedisClient(configuration: configuration, logger: ServerRig.quietLogger)
        let registry = PrometheusCollectorRegistry()
        let limiter = RedisRateLimiter(redis: redis, logger: ServerRig.quietLogger, metricsFactory: PrometheusMetricsFactory(registry: registry))
        try await Self.withApp(limit: 1, limiter: limiter, registry: registry) { client in
            for _ in 0..<3 {
                try await client.execute(uri: "/api/v1/stats", method: .get) { response in #expect(response.status == .ok) }
            }
        }
        var bytes: [UInt8] = []
        registry.emit(into: &bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("takumi_rate_limit_fail_open_total 3"), "\(text)")
        await redis.shutdown()
    }
}

/// Statuses collected inside a @Sendable test closure.
final class LockedStatuses: Sendable {
    private let statuses = Mutex<[HTTPResponse.Status]>([])
    func append(_ status: HTTPResponse.Status) { statuses.withLock { $0.append(status) } }
    var all: [HTTPResponse.Status] { statuses.withLock { $0 } }
}
