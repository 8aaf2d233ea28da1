import NIOCore

/// Writes ``RESPValue``s as RESP bytes: a NIO `MessageToByteEncoder`.
///
/// Commands go out as arrays of bulk strings (binary-safe); the other types
/// are encoded too, in their RESP2 form where there is one (``RESPValue/null``
/// as `$-1`), so a value round-trips through ``RESPDecoder``.
///
/// ```swift
/// var out = ByteBuffer()
/// try RESPEncoder.encode(["SET", "k", "v"], into: &out)   // *3\r\n$3\r\nSET\r\n…
/// ```
public struct RESPEncoder: MessageToByteEncoder {
    public typealias OutboundIn = RESPValue

    public init() {}

    public func encode(data: RESPValue, out: inout ByteBuffer) throws {
        try Self.encode(data, into: &out)
    }

    /// Appends `value` to `out`. Throws for a simple string, error or big
    /// number containing CR or LF, which RESP cannot carry in a line.
    public static func encode(_ value: RESPValue, into out: inout ByteBuffer) throws(RedisError) {
        switch value {
        case let .simpleString(text): try line("+", text, into: &out)
        case let .error(message): try line("-", message, into: &out)
        case let .integer(number): line(":", number, into: &out)
        case let .bulkString(bytes):
            line("$", Int64(bytes.readableBytes), into: &out)
            out.writeImmutableBuffer(bytes)
            out.writeStaticString("\r\n")
        case .null:
            out.writeStaticString("$-1\r\n")
        case let .array(elements):
            line("*", Int64(elements.count), into: &out)
            for element in elements { try encode(element, into: &out) }
        case let .boolean(flag):
            out.writeStaticString(flag ? "#t\r\n" : "#f\r\n")
        case let .double(number):
            let text = number.isNaN ? "nan" : number == .infinity ? "inf" : number == -.infinity ? "-inf" : "\(number)"
            try line(",", text, into: &out)
        case let .bigNumber(text): try line("(", text, into: &out)
        case let .map(pairs):
            line("%", Int64(pairs.count), into: &out)
            for pair in pairs {
                try encode(pair.key, into: &out)
                try encode(pair.value, into: &out)
            }
        }
    }

    private static func line(_ type: Character, _ text: String, into out: inout ByteBuffer) throws(RedisError) {
        guard !text.utf8.contains(0x0D), !text.utf8.contains(0x0A) else {
            throw .protocolViolation("a RESP line cannot contain CR or LF")
        }
        out.writeString(String(type))
        out.writeString(text)
        out.writeStaticString("\r\n")
    }

    private static func line(_ type: Character, _ number: Int64, into out: inout ByteBuffer) {
        out.writeString(String(type))
        out.writeString(String(number))
        out.writeStaticString("\r\n")
    }
}
