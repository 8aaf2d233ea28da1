import Metrics

/// `takumi_redis_commands_total{command,status}`, `takumi_redis_command_seconds{command}`,
/// `takumi_redis_connects_total{status}` and `takumi_redis_up` (1 reachable, 0 in an outage).
struct RedisMetrics: Sendable {
    let factory: any MetricsFactory

    /// Command words with their own label; anything sent through
    /// ``RedisClient/send(_:)`` is counted as `other`, so callers cannot
    /// grow the label set without bound.
    static let namedCommands: Set<String> = [
        "PING", "GET", "SET", "GETDEL", "DEL", "UNLINK", "INCR", "PEXPIRE", "PTTL", "EVAL", "EVALSHA", "MULTI",
    ]

    func command(_ name: String, status: String, seconds: Double) {
        let label = Self.namedCommands.contains(name) ? name.lowercased() : "other"
        Counter(label: "takumi_redis_commands_total", dimensions: [("command", label), ("status", status)], factory: factory)
            .increment()
        Timer(label: "takumi_redis_command_seconds", dimensions: [("command", label)], factory: factory)
            .recordNanoseconds(Int64(seconds * 1e9))
    }

    func connect(ok: Bool) {
        Counter(label: "takumi_redis_connects_total", dimensions: [("status", ok ? "ok" : "error")], factory: factory).increment()
    }

    func up(_ up: Bool) {
        Gauge(label: "takumi_redis_up", factory: factory).record(up ? 1 : 0)
    }

    static func status(of error: any Error) -> String {
        switch error {
        case RedisError.server: "error"
        case RedisError.timeout: "timeout"
        case RedisError.unavailable, RedisError.authenticationFailed, RedisError.shutDown: "unavailable"
        case RedisError.connectionClosed, RedisError.protocolViolation: "closed"
        case is CancellationError: "cancelled"
        default: "other"
        }
    }
}
