import Ethereum
import Logging
import Synchronization
import TakumiRedis

/// Sign-In with Ethereum nonces in Redis, shared by every `takumi serve`
/// replica behind a load balancer: the wallet may fetch its nonce from one
/// process and post the signed message to another.
///
/// Each nonce is one key, `<prefix><nonce>`, written with `SET … PX ttl NX`
/// holding `issued`. Consuming it is one Lua script, atomic in Redis: the
/// value turns to `used` (its TTL kept, `KEEPTTL`) only if it was `issued`,
/// so of two replicas racing with the same message exactly one wins, and a
/// replay until the original expiry is told apart from an unknown nonce.
/// Redis drops the key at expiry; nothing needs sweeping.
///
/// When Redis does not answer, every call throws
/// ``NonceStoreError/unavailable(_:)``: the API answers 503 rather than
/// issuing a nonce no other replica could check. The outage is logged once
/// when it starts and once when it ends, never per request.
///
/// ```swift
/// let nonces = RedisNonceStore(redis: redis, logger: Logger(label: "takumi.nonces"))
/// let nonce = try await nonces.issue(ttl: .seconds(300))
/// try await nonces.consume(nonce)   // true on whichever replica sees the signed message first, then false everywhere
/// ```
public final class RedisNonceStore: NonceStore {
    public static let defaultKeyPrefix = "takumi:siwe:nonce:"

    let redis: RedisClient
    let keyPrefix: String
    let logger: Logger
    private let failing = Mutex(false)

    static let issuedValue = "issued"
    static let usedValue = "used"
    /// KEYS[1]: the nonce's key. 1 if it was issued and is now used, 0 otherwise.
    static let consumeScript = """
        if redis.call('GET', KEYS[1]) == 'issued' then
            redis.call('SET', KEYS[1], 'used', 'KEEPTTL')
            return 1
        end
        return 0
        """
    /// Our nonces are 32 hex digits; EIP-4361 allows any 8+ alphanumerics,
    /// so a message may carry something longer. Anything over this is not
    /// ours and is refused without a round trip (and without a huge key).
    static let maxNonceLength = 128

    /// `keyPrefix` separates deployments (or tests) sharing one Redis.
    public init(redis: RedisClient, keyPrefix: String = RedisNonceStore.defaultKeyPrefix, logger: Logger) {
        self.redis = redis
        self.keyPrefix = keyPrefix
        self.logger = logger
    }

    public func issue(ttl: Duration) async throws -> String {
        try await guarded {
            // 128 random bits: a collision is not expected, but NX makes one
            // harmless (never two wallets on one nonce), and a retry cheap.
            for _ in 0..<3 {
                let nonce = Hex.encode(Secrets.randomBytes(16), prefixed: false)
                if try await redis.set(keyPrefix + nonce, to: Self.issuedValue, expiration: .after(ttl), condition: .ifNotExists) {
                    return nonce
                }
            }
            throw NonceStoreError.unavailable("three fresh nonces in a row already existed in Redis")
        }
    }

    public func consume(_ nonce: String) async throws -> Bool {
        guard Self.isPlausible(nonce) else { return false }
        return try await guarded {
            let reply = try await redis.eval(Self.consumeScript, keys: [keyPrefix + nonce])
            guard case let .integer(consumed) = reply else {
                throw RedisError.unexpectedReply(command: "EVAL", reply: reply.description)
            }
            return consumed == 1
        }
    }

    public func wasConsumed(_ nonce: String) async throws -> Bool {
        guard Self.isPlausible(nonce) else { return false }
        return try await guarded { try await redis.get(keyPrefix + nonce) == Self.usedValue }
    }

    static func isPlausible(_ nonce: String) -> Bool {
        (1...maxNonceLength).contains(nonce.utf8.count)
    }

    /// Runs `body`, turning every failure into ``NonceStoreError/unavailable(_:)``
    /// and logging the start and the end of an outage once each.
    private func guarded<T: Sendable>(_ body: () async throws -> T) async throws(NonceStoreError) -> T {
        do {
            let value = try await body()
            if failing.withLock({ state in defer { state = false }; return state }) {
                logger.notice("sign-in nonces back on Redis")
            }
            return value
        } catch {
            let reason = (error as? NonceStoreError).map { "\($0)" } ?? "\(error)"
            if !failing.withLock({ state in defer { state = true }; return state }) {
                logger.warning("sign-in nonces unavailable: Redis does not answer", metadata: ["error": "\(reason)"])
            }
            if let error = error as? NonceStoreError { throw error }
            throw .unavailable(reason)
        }
    }
}
