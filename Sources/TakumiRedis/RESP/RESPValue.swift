import NIOCore

/// One reply (or request) in the Redis serialization protocol.
///
/// The client speaks RESP2 (it never sends `HELLO 3`), so servers answer with
/// simple strings, errors, integers, bulk strings and arrays. The RESP3 types a
/// server may still send if someone switches the protocol through ``RedisClient/send(_:)``
/// (null, boolean, double, big number, map, set, verbatim string, blob error)
/// are decoded too; push (`>`) and attribute (`|`) frames are rejected, because
/// they arrive outside the request/response order the connection relies on.
///
/// All nulls (`$-1`, `*-1`, `_`) decode to ``null``.
///
/// ```swift
/// let reply = try await redis.send(["HGETALL", "user:1"])
/// for pair in reply.array ?? [] { print(pair.string ?? "?") }
/// ```
public enum RESPValue: Sendable, Hashable {
    case simpleString(String)
    /// An error inside a reply (e.g. one element of `EXEC`); a top-level error
    /// reply is thrown as ``RedisError/server(_:)`` instead.
    case error(String)
    case integer(Int64)
    case bulkString(ByteBuffer)
    case null
    case array([RESPValue])
    // RESP3
    case boolean(Bool)
    case double(Double)
    /// A RESP3 big number, kept as its decimal text.
    case bigNumber(String)
    /// A RESP3 map, in the server's order.
    case map([Pair])

    public struct Pair: Sendable, Hashable {
        public var key: RESPValue
        public var value: RESPValue

        public init(_ key: RESPValue, _ value: RESPValue) {
            self.key = key
            self.value = value
        }
    }

    /// A bulk string of UTF-8 text: how commands and their arguments are sent.
    public static func bulk(_ text: String) -> RESPValue { .bulkString(ByteBuffer(string: text)) }

    /// The text of a simple or bulk string (invalid UTF-8 is repaired), or an
    /// integer's or double's decimal text; nil for anything else.
    public var string: String? {
        switch self {
        case let .simpleString(text), let .bigNumber(text): text
        case let .bulkString(buffer): String(buffer: buffer)
        case let .integer(value): String(value)
        case let .double(value): String(value)
        default: nil
        }
    }

    /// The bytes of a bulk or simple string.
    public var bytes: ByteBuffer? {
        switch self {
        case let .bulkString(buffer): buffer
        case let .simpleString(text): ByteBuffer(string: text)
        default: nil
        }
    }

    /// An integer, or a string holding one (as `GET` of a counter returns).
    public var int: Int64? {
        switch self {
        case let .integer(value): value
        case let .simpleString(text): Int64(text)
        case let .bulkString(buffer): Int64(String(buffer: buffer))
        default: nil
        }
    }

    /// The elements of an array (RESP3 sets arrive as arrays too).
    public var array: [RESPValue]? {
        if case let .array(elements) = self { return elements }
        return nil
    }

    public var isNull: Bool { self == .null }
}

extension RESPValue: CustomStringConvertible {
    /// A short human-readable form, as `redis-cli` would print it; long bulk
    /// strings are cut so a cached blob does not flood an error message.
    public var description: String {
        switch self {
        case let .simpleString(text): text
        case let .error(message): "(error) \(message)"
        case let .integer(value): "(integer) \(value)"
        case let .bulkString(buffer):
            buffer.readableBytes > 200
                ? "\"\(String(buffer: buffer.getSlice(at: buffer.readerIndex, length: 200) ?? buffer))…\" (\(buffer.readableBytes) bytes)"
                : "\"\(String(buffer: buffer))\""
        case .null: "(nil)"
        case let .array(elements): "[" + elements.map(\.description).joined(separator: ", ") + "]"
        case let .boolean(value): "(boolean) \(value)"
        case let .double(value): "(double) \(value)"
        case let .bigNumber(text): "(big number) \(text)"
        case let .map(pairs): "{" + pairs.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        }
    }
}

extension RESPValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral {
    /// A string literal is a bulk string, as in a command.
    public init(stringLiteral value: String) { self = .bulk(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(arrayLiteral elements: RESPValue...) { self = .array(elements) }
}
