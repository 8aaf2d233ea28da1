import Ethereum
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Prometheus
import TakumiRedis
import TakumiServer
import TakumiStore
import Testing
import TestSupport

/// Sign-In with Ethereum nonces in Redis (`REDIS_URL`): what replicas behind
/// a load balancer rely on. Messages are signed by the independent client
/// (`SIWEClient`), as in ``AuthTests``.
@Suite("Redis nonces: shared by replicas, single use, TTL, outage", .serialized)
struct RedisNonceTests {
    static let expiredMessage = "the nonce was not issued by this server or has expired"

    @Test("a nonce from one instance signs in on another, once: the replay is refused on both, and of two racing requests exactly one wins")
    func sharedAcrossInstances() async throws {
        let prefix = TestServices.redisKeyPrefix()
        let redisA = try Self.sharedClient()
        let redisB = try Self.sharedClient()
        defer { Task { await redisA.shutdown(); await redisB.shutdown() } }
        try await AuthRig.withStore(.sqlite) { store in
            let (appA, rigA) = try NonceRig.app(store: store, nonces: RedisNonceStore(redis: redisA, keyPrefix: prefix, logger: ServerRig.quietLogger))
            let (appB, rigB) = try NonceRig.app(store: store, nonces: RedisNonceStore(redis: redisB, keyPrefix: prefix, logger: ServerRig.quietLogger))
            try await appA.test(.router) { a in
                try await appB.test(.router) { b in
                    let key = TestChain.devKeys[6]
                    // Issued by A, verified by B: the replicas share the nonce.
                    let nonce = try #require(try await rigA.call(a, .get, "/api/v1/auth/nonce").json["nonce"] as? String)
                    let signed = try await SIWEClient.sign([AuthRig.request(key: key, nonce: nonce, issuedAt: RFC3339Timestamp(Date()).text)])[0]
                    let first = try await rigB.verify(b, signed)
                    #expect(first.status == .ok, "\(first.text)")
                    #expect(first.json["address"] as? String == key.address.checksummed)
                    // The same message again, on either instance: a replay, not an unknown nonce.
                    rigA.expectAuthFailure(try await rigA.verify(a, signed), reason: "replay")
                    rigB.expectAuthFailure(try await rigB.verify(b, signed), reason: "replay")
                    // In Redis: spent, kept until the nonce's own expiry so replays stay recognisable.
                    #expect(try await redisA.get(prefix + nonce) == "used")
                    guard case let .expiresIn(left) = try await redisA.pttl(prefix + nonce) else {
                        Issue.record("the spent nonce has no TTL")
                        return
                    }
                    #expect(left > .zero && left <= .seconds(300))

                    // One signed message sent to both instances at once: one session, one replay.
                    let raced = try #require(try await rigB.call(b, .get, "/api/v1/auth/nonce").json["nonce"] as? String)
                    let racing = try await SIWEClient.sign([AuthRig.request(key: key, nonce: raced, issuedAt: RFC3339Timestamp(Date()).text)])[0]
                    async let viaA = rigA.verify(a, racing)
                    async let viaB = rigB.verify(b, racing)
                    let statuses = [try await viaA.status, try await viaB.status]
                    #expect(statuses.filter { $0 == .ok }.count == 1, "\(statuses)")
                    #expect(statuses.filter { $0 == .unauthorized }.count == 1, "\(statuses)")
                }
            }
        }
    }

    @Test("a nonce expires in Redis with its TTL: the signed message is then refused as an unknown nonce, and the key is gone")
    func expiry() async throws {
        let prefix = TestServices.redisKeyPrefix()
        let redis = try Self.sharedClient()
        defer { Task { await redis.shutdown() } }
        let nonces = RedisNonceStore(redis: redis, keyPrefix: prefix, logger: ServerRig.quietLogger)

        // The store alone: the key carries the TTL asked for, and is gone after it.
        // The TTL is read on a nonce of 300 s: on a loaded CI machine a short
        // one (3 s) has been seen to expire before the next command arrived.
        let long = try await nonces.issue(ttl: .seconds(300))
        guard case let .expiresIn(left) = try await redis.pttl(prefix + long) else {
            Issue.record("an issued nonce has no TTL")
            return
        }
        #expect(left > .zero && left <= .seconds(300))
        let short = try await nonces.issue(ttl: .seconds(1))
        switch try await redis.pttl(prefix + short) {
        case let .expiresIn(left): #expect(left > .zero && left <= .seconds(1))
        case .missing: break  // already expired: the machine was that slow
        case .persistent: Issue.record("a one-second nonce has no TTL")
        }
        try await Task.sleep(for: .milliseconds(1_500))
        #expect(try await redis.get(prefix + short) == nil)
        #expect(try await !nonces.consume(short), "expired")
        #expect(try await !nonces.wasConsumed(short))
        #expect(try await !nonces.consume("never-issued-0123456789"))
        #expect(try await !nonces.consume(String(repeating: "a", count: 500)), "not one of ours, refused without a round trip")

        // Through the API, with nonces of one second: signed in time, sent too late.
        try await AuthRig.withStore(.sqlite) { store in
            let (app, rig) = try NonceRig.app(store: store, nonces: nonces, nonceTTL: .seconds(1))
            try await app.test(.router) { client in
                let asked = Date()
                let answer = try await rig.call(client, .get, "/api/v1/auth/nonce")
                let answered = Date()
                let nonce = try #require(answer.json["nonce"] as? String)
                let expires = try #require((answer.json["expiresAt"] as? String).flatMap(RFC3339Timestamp.init))
                #expect(expires.date >= asked.addingTimeInterval(1 - 1) && expires.date <= answered.addingTimeInterval(1 + 1))
                let signed = try await SIWEClient.sign([AuthRig.request(key: TestChain.devKeys[5], nonce: nonce, issuedAt: RFC3339Timestamp(Date()).text)])[0]
                try await Task.sleep(for: .milliseconds(1500))
                let late = try await rig.verify(client, signed)
                rig.expectAuthFailure(late, reason: "nonce")
                #expect((late.json["detail"] as? String)?.hasPrefix(Self.expiredMessage) == true)
                #expect(try await redis.get(prefix + nonce) == nil)
            }
        }
    }

    @Test("Redis killed: GET /auth/nonce is 503 dependency-unavailable and verify is 503 (never 500, not an auth failure); both recover when Redis is back")
    func outage() async throws {
        try await OwnRedisServer.with { server in
            var configuration = RedisClient.Configuration(url: RedisURL(host: "127.0.0.1", port: server.port))
            // Long deadlines: with Redis down every attempt fails at once (connection
            // refused), so they cost the outage nothing; with Redis back, a loaded
            // machine's slow connect must not turn into a 503 the test does not expect.
            configuration.commandTimeout = .seconds(30)
            configuration.connectTimeout = .seconds(30)
            configuration.minReconnectDelay = .milliseconds(50)
            configuration.maxReconnectDelay = .milliseconds(300)
            let redis = RedisClient(configuration: configuration, logger: ServerRig.quietLogger)
            defer { Task { await redis.shutdown() } }
            try await AuthRig.withStore(.sqlite) { store in
                let (app, rig) = try NonceRig.app(store: store, nonces: RedisNonceStore(redis: redis, logger: ServerRig.quietLogger))
                try await app.test(.router) { client in
                    let key = TestChain.devKeys[4]
                    let nonce = try #require(try await rig.call(client, .get, "/api/v1/auth/nonce").json["nonce"] as? String)
                    let signed = try await SIWEClient.sign([AuthRig.request(key: key, nonce: nonce, issuedAt: RFC3339Timestamp(Date()).text)])[0]

                    server.kill()
                    // Every request while Redis is down, the first (on a connection that just broke) included.
                    for _ in 0..<3 {
                        let refused = try await rig.call(client, .get, "/api/v1/auth/nonce")
                        Self.expectDependencyUnavailable(refused)
                    }
                    let failuresBefore = rig.failures(nil)
                    let unchecked = try await rig.verify(client, signed)
                    Self.expectDependencyUnavailable(unchecked)
                    #expect(unchecked.json["reason"] == nil)
                    #expect(rig.failures(nil) == failuresBefore, "an outage is not an authentication failure")

                    // Back (empty: no persistence): nonces are issued again, within a few reconnect delays.
                    try await server.start()
                    var recovered: AuthRig.Reply?
                    for _ in 0..<100 {
                        let answer = try await rig.call(client, .get, "/api/v1/auth/nonce")
                        if answer.status == .ok {
                            recovered = answer
                            break
                        }
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    #expect(recovered?.json["nonce"] is String, "no nonce within 10 s of Redis coming back")
                    // The nonce issued before the crash died with Redis's memory: an unknown nonce, said clearly.
                    rig.expectAuthFailure(try await rig.verify(client, signed), reason: "nonce")
                    // A whole sign-in works again.
                    let sessions = try await rig.signIn(client, keys: [key])
                    #expect(try await rig.call(client, .get, "/api/v1/me", token: sessions[0].access).status == .ok)
                }
            }
        }
    }

    static func expectDependencyUnavailable(_ reply: AuthRig.Reply, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reply.status == .serviceUnavailable, "\(reply.status) \(reply.text)", sourceLocation: sourceLocation)
        #expect(reply.headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
        #expect(reply.json["type"] as? String == Problem.typeBase + "dependency-unavailable", "\(reply.text)", sourceLocation: sourceLocation)
        #expect(reply.json["status"] as? Int == 503, sourceLocation: sourceLocation)
        #expect((reply.json["detail"] as? String)?.contains("nonce") == true, sourceLocation: sourceLocation)
        #expect(reply.headers[.retryAfter].flatMap { Int($0) } ?? 0 > 0, sourceLocation: sourceLocation)
    }

    /// A client of the shared test Redis. Long command and connect timeouts: on a
    /// loaded machine a slow reply must not turn into a 503 these tests do not expect.
    static func sharedClient() throws -> RedisClient {
        let (host, port) = try TestServices.redisEndpoint()
        var configuration = RedisClient.Configuration(url: RedisURL(host: host, port: port))
        configuration.commandTimeout = .seconds(60)
        // Connecting too: CI failed twice on the 2-s default (a connect
        // counted as an outage, then commands failed fast during backoff).
        configuration.connectTimeout = .seconds(60)
        return RedisClient(configuration: configuration, logger: ServerRig.quietLogger)
    }
}

/// One application over a given store with a given nonce store (several may
/// share a store, as replicas share a database), and an ``AuthRig`` to talk to it.
enum NonceRig {
    static func app(
        store: any DatabaseStore, nonces: any NonceStore, nonceTTL: Duration = .seconds(300)
    ) throws -> (some ApplicationProtocol, AuthRig) {
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        let monitor = HealthMonitor(
            probes: .init(
                chain: "dev", database: { try await store.check() }, rpcHead: { throw ServerTestError("no chain in the nonce tests") },
                indexer: nil, checkpoint: { nil }, pausedContracts: { [:] }
            ),
            logger: ServerRig.quietLogger, metricsFactory: factory
        )
        let secret = try JWTSecret(AuthRig.secret)
        let auth = AuthConfiguration(
            secret: secret, domain: AuthRig.domain, uri: AuthRig.uri, chainID: TestChain.chainID, admins: [TestChain.devKeys[0].address],
            nonceTTL: nonceTTL
        )
        let dependencies = ServerDependencies(
            store: store, manifest: try AuthRig.manifest(), monitor: monitor, metrics: MetricsRegistry(registry: registry),
            metricsFactory: factory, nonces: nonces
        )
        let app = buildApplication(ServerConfiguration(chain: "dev", finalityDepth: 5, auth: auth), dependencies, logger: ServerRig.quietLogger)
        return (app, AuthRig(store: store, registry: registry, codec: AccessTokenCodec(secret: secret)))
    }
}
