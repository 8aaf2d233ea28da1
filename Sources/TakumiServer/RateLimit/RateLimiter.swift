import Foundation
import Logging
import Metrics
import Synchronization
import TakumiRedis

/// The outcome of counting one request against a client's budget.
public struct RateLimitDecision: Sendable, Equatable {
    public var allowed: Bool
    public var limit: Int
    public var remaining: Int
    /// Seconds until the window resets.
    public var resetSeconds: Int
}

/// Fixed-window request counting per client key (an IP or an API key).
public protocol RateLimiter: Sendable {
    func hit(_ key: String, limit: Int, window: Duration) async -> RateLimitDecision
}

/// In-process windows, for a single process without `REDIS_URL`. Expired
/// windows are swept as new ones open, so memory follows the active clients.
public final class InMemoryRateLimiter: RateLimiter {
    private struct Window {
        var count: Int
        var resetsAt: ContinuousClock.Instant
    }

    private let windows = Mutex<[String: Window]>([:])
    private let clock = ContinuousClock()

    public init() {}

    public func hit(_ key: String, limit: Int, window: Duration) async -> RateLimitDecision {
        let now = clock.now
        return windows.withLock { windows in
            if windows.count > 10_000 { windows = windows.filter { $0.value.resetsAt > now } }
            var current = windows[key].flatMap { $0.resetsAt > now ? $0 : nil } ?? Window(count: 0, resetsAt: now + window)
            current.count += 1
            windows[key] = current
            let reset = max(0, Int((current.resetsAt - now).components.seconds) + 1)
            return RateLimitDecision(allowed: current.count <= limit, limit: limit, remaining: max(0, limit - current.count), resetSeconds: reset)
        }
    }
}

/// Windows in Redis, shared by every API process: `INCR` plus `PEXPIRE` on
/// the window's first request, atomically in one script. When Redis cannot
/// answer, requests are let through (fail open: an outage of the limiter
/// must not become an outage of the API), counted in
/// `takumi_rate_limit_fail_open_total`, and logged once per outage.
public final class RedisRateLimiter: RateLimiter {
    let redis: RedisClient
    let logger: Logger
    let failOpen: Counter
    private let failing = Mutex(false)

    static let script = """
        local count = redis.call('INCR', KEYS[1])
        if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return {count, redis.call('PTTL', KEYS[1])}
        """

    public init(redis: RedisClient, logger: Logger, metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.redis = redis
        self.logger = logger
        failOpen = Counter(label: "takumi_rate_limit_fail_open_total", factory: metricsFactory)
    }

    public func hit(_ key: String, limit: Int, window: Duration) async -> RateLimitDecision {
        let milliseconds = window.components.seconds * 1000 + window.components.attoseconds / 1_000_000_000_000_000
        do {
            let reply = try await redis.eval(Self.script, keys: ["takumi:ratelimit:" + key], arguments: [String(milliseconds)])
            guard case let .array(values) = reply, values.count == 2, case let .integer(count) = values[0], case let .integer(ttl) = values[1] else {
                throw RateLimitReplyError(reply: "\(reply)")
            }
            if failing.withLock({ state in defer { state = false }; return state }) {
                logger.notice("rate limiting back on Redis")
            }
            let remaining = max(0, limit - Int(count))
            return RateLimitDecision(allowed: Int(count) <= limit, limit: limit, remaining: remaining, resetSeconds: max(0, Int(ttl) / 1000 + 1))
        } catch {
            failOpen.increment()
            if !failing.withLock({ state in defer { state = true }; return state }) {
                logger.warning("rate limiting fails open: Redis does not answer", metadata: ["error": "\(error)"])
            }
            return RateLimitDecision(allowed: true, limit: limit, remaining: limit, resetSeconds: 0)
        }
    }
}

struct RateLimitReplyError: Error, CustomStringConvertible {
    var reply: String
    var description: String { "unexpected reply from the rate-limit script: \(reply)" }
}
