import NIOCore

/// Turns bytes from a Redis server into ``RESPValue``s: a NIO
/// `ByteToMessageDecoder`, so frames split across TCP reads decode once complete.
///
/// Input the protocol does not allow (an unknown type byte, a length that is
/// not a number, a missing CRLF, nesting deeper than ``Limits/maxDepth``, a
/// line or bulk longer than its limit) throws ``RedisError/protocolViolation(_:)``;
/// the connection then fails its in-flight commands and closes. The limits
/// keep a broken or hostile peer from growing the buffer or the stack without bound.
///
/// ```swift
/// try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(RESPDecoder()))
///
/// var bytes = ByteBuffer(string: "*2\r\n:1\r\n$3\r\nabc\r\n")
/// let value = try RESPDecoder().parse(&bytes)   // [(integer) 1, "abc"]
/// ```
public struct RESPDecoder: ByteToMessageDecoder {
    public typealias InboundOut = RESPValue

    public struct Limits: Sendable {
        /// Deepest nesting of arrays and maps; replies of the commands we use nest one or two deep.
        public var maxDepth = 32
        /// Longest simple string, error, number or length line.
        public var maxLineLength = 64 * 1024
        /// Longest bulk string: Redis's own default `proto-max-bulk-len`.
        public var maxBulkLength = 512 * 1024 * 1024
        /// Most elements in one array, set or map.
        public var maxElements = 16 * 1024 * 1024

        public init() {}
    }

    public let limits: Limits

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let value = try parse(&buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(value))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A partial frame at EOF is dropped: the connection handler fails
        // the commands still waiting when the channel goes inactive.
        try decode(context: context, buffer: &buffer)
    }

    /// Reads one complete value from the front of `buffer`. Returns nil and
    /// leaves `buffer` untouched when the value is not complete yet.
    public func parse(_ buffer: inout ByteBuffer) throws(RedisError) -> RESPValue? {
        // Parse from a copy (cheap: ByteBuffer is copy-on-write) so an
        // incomplete frame consumes nothing.
        var cursor = buffer
        guard let value = try value(&cursor, depth: 0) else { return nil }
        buffer.moveReaderIndex(to: cursor.readerIndex)
        return value
    }

    // MARK: Frames

    private func value(_ buffer: inout ByteBuffer, depth: Int) throws(RedisError) -> RESPValue? {
        guard depth <= limits.maxDepth else {
            throw .protocolViolation("nesting deeper than \(limits.maxDepth) levels")
        }
        guard let type = buffer.readInteger(as: UInt8.self) else { return nil }
        switch type {
        case UInt8(ascii: "+"):
            return try line(&buffer).map { .simpleString(String(buffer: $0)) }
        case UInt8(ascii: "-"):
            return try line(&buffer).map { .error(String(buffer: $0)) }
        case UInt8(ascii: ":"):
            return try line(&buffer).map { line throws(RedisError) in .integer(try integer(line, what: "integer")) }
        case UInt8(ascii: "$"):
            return try blob(&buffer).map { $0.map(RESPValue.bulkString) ?? .null }
        case UInt8(ascii: "*"), UInt8(ascii: "~"):
            guard let count = try count(&buffer) else { return nil }
            guard count >= 0 else { return .null }
            var elements: [RESPValue] = []
            // Capacity only up to a small bound: the count is untrusted until the elements arrive.
            elements.reserveCapacity(min(count, 1024))
            for _ in 0..<count {
                guard let element = try value(&buffer, depth: depth + 1) else { return nil }
                elements.append(element)
            }
            return .array(elements)
        case UInt8(ascii: "%"):
            guard let count = try count(&buffer) else { return nil }
            guard count >= 0 else { return .null }
            var pairs: [RESPValue.Pair] = []
            pairs.reserveCapacity(min(count, 1024))
            for _ in 0..<count {
                guard let key = try value(&buffer, depth: depth + 1),
                      let value = try value(&buffer, depth: depth + 1) else { return nil }
                pairs.append(.init(key, value))
            }
            return .map(pairs)
        case UInt8(ascii: "_"):
            guard let line = try line(&buffer) else { return nil }
            guard line.readableBytes == 0 else { throw .protocolViolation("RESP3 null with a payload") }
            return .null
        case UInt8(ascii: "#"):
            guard let line = try line(&buffer) else { return nil }
            switch String(buffer: line) {
            case "t": return .boolean(true)
            case "f": return .boolean(false)
            default: throw .protocolViolation("RESP3 boolean must be t or f")
            }
        case UInt8(ascii: ","):
            guard let line = try line(&buffer) else { return nil }
            return .double(try double(line))
        case UInt8(ascii: "("):
            guard let line = try line(&buffer) else { return nil }
            let text = String(buffer: line)
            let digits = text.hasPrefix("-") || text.hasPrefix("+") ? text.dropFirst() : text[...]
            guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
                throw .protocolViolation("RESP3 big number is not a decimal integer")
            }
            return .bigNumber(text)
        case UInt8(ascii: "="):
            // Verbatim string: a three-letter format ("txt", "mkd") and ":" before the text.
            guard let blob = try blob(&buffer) else { return nil }
            guard var text = blob, text.readableBytes >= 4, text.getInteger(at: text.readerIndex + 3, as: UInt8.self) == UInt8(ascii: ":") else {
                throw .protocolViolation("RESP3 verbatim string without its format prefix")
            }
            text.moveReaderIndex(forwardBy: 4)
            return .bulkString(text)
        case UInt8(ascii: "!"):
            guard let blob = try blob(&buffer) else { return nil }
            return .error(blob.map { String(buffer: $0) } ?? "")
        case UInt8(ascii: ">"):
            throw .protocolViolation("RESP3 push frames are not supported (no HELLO 3, CLIENT TRACKING or SUBSCRIBE on this client)")
        case UInt8(ascii: "|"):
            throw .protocolViolation("RESP3 attribute frames are not supported")
        default:
            throw .protocolViolation("unknown reply type byte 0x\(String(type, radix: 16))")
        }
    }

    /// `$`, `=` and `!` frames: a length line, then that many bytes and CRLF.
    /// `.some(nil)` is the RESP2 null bulk string `$-1`.
    private func blob(_ buffer: inout ByteBuffer) throws(RedisError) -> ByteBuffer?? {
        guard let lengthLine = try line(&buffer) else { return nil }
        let length = try integer(lengthLine, what: "length")
        if length == -1 { return .some(nil) }
        guard length >= 0, length <= limits.maxBulkLength else {
            throw .protocolViolation("bulk length \(length) outside 0...\(limits.maxBulkLength)")
        }
        guard buffer.readableBytes >= Int(length) + 2 else { return nil }
        guard let payload = buffer.readSlice(length: Int(length)) else { return nil }
        guard buffer.readInteger(as: UInt16.self) == 0x0D0A else {
            throw .protocolViolation("bulk string of \(length) bytes not followed by CRLF")
        }
        return .some(payload)
    }

    /// An aggregate's element count; -1 (a RESP2 null array) comes back as -1.
    private func count(_ buffer: inout ByteBuffer) throws(RedisError) -> Int? {
        guard let line = try line(&buffer) else { return nil }
        let count = try integer(line, what: "count")
        guard count >= -1, count <= limits.maxElements else {
            throw .protocolViolation("element count \(count) outside -1...\(limits.maxElements)")
        }
        return Int(count)
    }

    /// The bytes up to the next CRLF, consuming the CRLF; nil if it has not arrived.
    private func line(_ buffer: inout ByteBuffer) throws(RedisError) -> ByteBuffer? {
        let view = buffer.readableBytesView
        guard let cr = view.firstIndex(of: 0x0D) else {
            if view.count > limits.maxLineLength { throw .protocolViolation("line longer than \(limits.maxLineLength) bytes") }
            return nil
        }
        let length = cr - view.startIndex
        guard length <= limits.maxLineLength else { throw .protocolViolation("line longer than \(limits.maxLineLength) bytes") }
        guard view.index(after: cr) < view.endIndex else { return nil }
        guard view[view.index(after: cr)] == 0x0A else { throw .protocolViolation("CR not followed by LF") }
        guard !view[view.startIndex..<cr].contains(0x0A) else { throw .protocolViolation("bare LF inside a line") }
        guard let line = buffer.readSlice(length: length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 2)
        return line
    }

    /// A strict decimal integer: an optional "-" and 1 to 19 digits, no "+" or spaces.
    private func integer(_ line: ByteBuffer, what: String) throws(RedisError) -> Int64 {
        let view = line.readableBytesView
        let digits = view.first == UInt8(ascii: "-") ? view.dropFirst() : view[...]
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let value = Int64(String(buffer: line)) else {
            throw .protocolViolation("\(what) is not a 64-bit decimal integer")
        }
        return value
    }

    private func double(_ line: ByteBuffer) throws(RedisError) -> Double {
        let text = String(buffer: line)
        switch text {
        case "inf": return .infinity
        case "-inf": return -.infinity
        case "nan", "-nan": return .nan
        default:
            // Double(_:) also takes "infinity", hex and spaces; RESP allows only decimal notation.
            guard !text.isEmpty,
                  text.utf8.allSatisfy({ ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || "+-.eE".utf8.contains($0) }),
                  let value = Double(text) else {
                throw .protocolViolation("RESP3 double is not a number")
            }
            return value
        }
    }
}
