/// Everything a Redis call can fail with. Descriptions are complete sentences
/// for logs and never contain the password.
///
/// ```swift
/// do {
///     _ = try await redis.incr("counter")
/// } catch RedisError.server(let message) where message.hasPrefix("WRONGTYPE") {
///     // the key holds something else
/// } catch RedisError.unavailable {
///     // Redis is down: degrade (e.g. skip the cache) instead of failing the request
/// }
/// ```
public enum RedisError: Error, Sendable, Hashable {
    /// The server answered with an error reply (`-ERR …`, `-WRONGTYPE …`,
    /// `-NOAUTH …`); the message is the server's, without the leading `-`.
    case server(String)
    /// `AUTH` was rejected on connect (wrong password, unknown user, or a
    /// password given to a server that has none).
    case authenticationFailed(String)
    /// No connection could be made (or the client is backing off after a
    /// failed one); commands fail at once instead of waiting for the server.
    case unavailable(String)
    /// No reply within the command timeout. The command may still have run;
    /// the connection is closed so later commands do not queue behind it.
    case timeout(command: String, after: Duration)
    /// The connection closed while the command was in flight; it may or may not have run.
    case connectionClosed(String)
    /// The server sent bytes that are not RESP, or a reply nobody asked for.
    case protocolViolation(String)
    /// A reply of a type the typed helper does not expect (e.g. a string from `INCR`).
    case unexpectedReply(command: String, reply: String)
    /// ``RedisClient/shutdown()`` was called.
    case shutDown

    /// The first word of a server error (`ERR`, `WRONGTYPE`, `NOSCRIPT`, …), nil for other cases.
    public var serverErrorCode: String? {
        guard case let .server(message) = self else { return nil }
        return String(message.prefix { $0 != " " })
    }
}

extension RedisError {
    /// The description without "Redis unavailable: ", for wrapping in another ``unavailable(_:)``.
    var reason: String {
        if case let .unavailable(reason) = self { return reason }
        return description
    }
}

extension RedisError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .server(message): "Redis error: \(message)"
        case let .authenticationFailed(message): "Redis authentication failed: \(message)"
        case let .unavailable(reason): "Redis unavailable: \(reason)"
        case let .timeout(command, after): "Redis \(command) got no reply within \(after.formattedSeconds)"
        case let .connectionClosed(reason): "Redis connection closed: \(reason)"
        case let .protocolViolation(reason): "Redis protocol violation: \(reason)"
        case let .unexpectedReply(command, reply): "Redis \(command) returned an unexpected reply: \(reply)"
        case .shutDown: "the Redis client is shut down"
        }
    }
}

extension Duration {
    var formattedSeconds: String {
        let (seconds, attoseconds) = components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(Double(milliseconds) / 1000) s"
    }

    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

extension RedisError {
    /// The command was never written: its connection had already closed.
    /// Nothing reached Redis, so sending it again on another connection is
    /// safe for any command, even a non-idempotent one.
    var wasNotSent: Bool {
        if case let .connectionClosed(reason) = self { reason.hasPrefix(RedisConnection.notSentPrefix) } else { false }
    }
}
