import NIOCore

/// How long a key set with ``RedisClient/set(_:to:expiration:condition:)`` lives.
public enum RedisExpiration: Sendable, Hashable {
    /// `EX`: whole seconds.
    case seconds(Int64)
    /// `PX`: milliseconds.
    case milliseconds(Int64)

    /// A duration as `PX`, rounded down to the millisecond (at least 1 ms).
    public static func after(_ duration: Duration) -> RedisExpiration {
        .milliseconds(max(1, duration.milliseconds))
    }

    var arguments: [String] {
        switch self {
        case let .seconds(seconds): ["EX", String(seconds)]
        case let .milliseconds(milliseconds): ["PX", String(milliseconds)]
        }
    }
}

/// When ``RedisClient/set(_:to:expiration:condition:)`` writes.
public enum RedisSetCondition: Sendable, Hashable {
    case always
    /// `NX`: only a new key (claims, nonces).
    case ifNotExists
    /// `XX`: only an existing key.
    case ifExists
}

/// What `PTTL` says about a key.
public enum RedisTTL: Sendable, Hashable {
    /// The key does not exist (-2).
    case missing
    /// The key exists and never expires (-1).
    case persistent
    case expiresIn(Duration)
}

/// The commands the API needs, typed. Anything else: ``RedisClient/send(_:)``.
extension RedisClient {
    /// `PING`: the round-trip time of one command, for health checks.
    @discardableResult
    public func ping() async throws -> Duration {
        let started = ContinuousClock.now
        let reply = try await execute([ByteBuffer(string: "PING")])
        guard reply == .simpleString("PONG") else { throw RedisError.unexpectedReply(command: "PING", reply: reply.description) }
        return ContinuousClock.now - started
    }

    /// `GET` as text; nil if the key does not exist.
    public func get(_ key: String) async throws -> String? {
        try await getBytes(key).map { String(buffer: $0) }
    }

    /// `GET` as bytes; nil if the key does not exist.
    public func getBytes(_ key: String) async throws -> ByteBuffer? {
        try Self.optionalBulk(await execute([ByteBuffer(string: "GET"), ByteBuffer(string: key)]), command: "GET")
    }

    /// `SET key value [EX s | PX ms] [NX | XX]`. Returns false when the
    /// condition kept the value from being written (the key existed for
    /// ``RedisSetCondition/ifNotExists``, or did not for ``RedisSetCondition/ifExists``).
    ///
    /// ```swift
    /// let fresh = try await redis.set("siwe:nonce:\(nonce)", to: address, expiration: .seconds(300), condition: .ifNotExists)
    /// ```
    @discardableResult
    public func set(
        _ key: String, to value: String, expiration: RedisExpiration? = nil, condition: RedisSetCondition = .always
    ) async throws -> Bool {
        try await set(key, to: ByteBuffer(string: value), expiration: expiration, condition: condition)
    }

    /// ``set(_:to:expiration:condition:)`` with a binary value.
    @discardableResult
    public func set(
        _ key: String, to value: ByteBuffer, expiration: RedisExpiration? = nil, condition: RedisSetCondition = .always
    ) async throws -> Bool {
        var options = expiration?.arguments ?? []
        switch condition {
        case .always: break
        case .ifNotExists: options.append("NX")
        case .ifExists: options.append("XX")
        }
        let reply = try await execute([ByteBuffer(string: "SET"), ByteBuffer(string: key), value] + options.map { ByteBuffer(string: $0) })
        switch reply {
        case .simpleString("OK"): return true
        case .null: return false
        default: throw RedisError.unexpectedReply(command: "SET", reply: reply.description)
        }
    }

    /// `GETDEL`: reads and deletes in one step, so a value (a nonce) can be
    /// consumed exactly once even by concurrent callers. Redis 6.2 or newer.
    public func getdel(_ key: String) async throws -> String? {
        try Self.optionalBulk(await execute([ByteBuffer(string: "GETDEL"), ByteBuffer(string: key)]), command: "GETDEL")
            .map { String(buffer: $0) }
    }

    /// `DEL`: how many of the keys existed.
    @discardableResult
    public func del(_ keys: String...) async throws -> Int {
        try await del(keys)
    }

    /// `DEL`: how many of the keys existed. No keys: 0, without a round trip.
    @discardableResult
    public func del(_ keys: [String]) async throws -> Int {
        try await count("DEL", keys)
    }

    /// `UNLINK`: `DEL` that frees memory in the background (large cached values).
    @discardableResult
    public func unlink(_ keys: [String]) async throws -> Int {
        try await count("UNLINK", keys)
    }

    /// `INCR`: the value after incrementing (1 for a new key).
    public func incr(_ key: String) async throws -> Int64 {
        let reply = try await execute([ByteBuffer(string: "INCR"), ByteBuffer(string: key)])
        guard case let .integer(value) = reply else { throw RedisError.unexpectedReply(command: "INCR", reply: reply.description) }
        return value
    }

    /// `PEXPIRE`: true if the key exists and its time to live was set.
    @discardableResult
    public func pexpire(_ key: String, after ttl: Duration) async throws -> Bool {
        let reply = try await execute([ByteBuffer(string: "PEXPIRE"), ByteBuffer(string: key), ByteBuffer(string: String(ttl.milliseconds))])
        guard case let .integer(value) = reply else { throw RedisError.unexpectedReply(command: "PEXPIRE", reply: reply.description) }
        return value == 1
    }

    /// `PTTL`: how long the key has left.
    public func pttl(_ key: String) async throws -> RedisTTL {
        let reply = try await execute([ByteBuffer(string: "PTTL"), ByteBuffer(string: key)])
        switch reply {
        case .integer(-2): return .missing
        case .integer(-1): return .persistent
        case let .integer(milliseconds) where milliseconds >= 0: return .expiresIn(.milliseconds(milliseconds))
        default: throw RedisError.unexpectedReply(command: "PTTL", reply: reply.description)
        }
    }

    /// `EVAL`: runs a Lua script atomically. Keys go in `keys` (`KEYS[1]` …)
    /// and everything else in `arguments` (`ARGV[1]` …), as Redis requires.
    ///
    /// ```swift
    /// // A fixed-window rate limit: the count in this window and the window's time left.
    /// let reply = try await redis.eval("""
    ///     local n = redis.call('INCR', KEYS[1])
    ///     if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
    ///     return {n, redis.call('PTTL', KEYS[1])}
    ///     """, keys: ["rl:\(ip)"], arguments: ["60000"])
    /// let count = reply.array?[0].int
    /// ```
    public func eval(_ script: String, keys: [String] = [], arguments: [String] = []) async throws -> RESPValue {
        try await execute((["EVAL", script, String(keys.count)] + keys + arguments).map { ByteBuffer(string: $0) })
    }

    private func count(_ command: String, _ keys: [String]) async throws -> Int {
        guard !keys.isEmpty else { return 0 }
        let reply = try await execute(([command] + keys).map { ByteBuffer(string: $0) })
        guard case let .integer(value) = reply else { throw RedisError.unexpectedReply(command: command, reply: reply.description) }
        return Int(value)
    }

    private static func optionalBulk(_ reply: RESPValue, command: String) throws -> ByteBuffer? {
        switch reply {
        case let .bulkString(bytes): return bytes
        case .null: return nil
        default: throw RedisError.unexpectedReply(command: command, reply: reply.description)
        }
    }
}
