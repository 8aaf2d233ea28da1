/// Why a JSON text was refused, and where: the byte offset of the problem.
///
/// ```swift
/// do { _ = try JSONParser.parse(Array("[1,]".utf8)) } catch { print(error) }  // "unexpected character ']' at byte 3"
/// ```
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Byte offset into the input where parsing stopped.
    public let offset: Int
    public let reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "\(reason) at byte \(offset)" }
}

/// A strict RFC 8259 parser from UTF-8 bytes straight to ``JSONValue``.
///
/// It replaces `JSONDecoder().decode(JSONValue.self, …)`, whose value-by-value
/// trial decoding dominated the cost of large `eth_getLogs` responses.
/// Rules, matching Foundation's `JSONSerialization` where the RFC leaves room:
/// any value may be the top level; strings must be valid UTF-8 without raw
/// control characters, and `\u` escapes must pair surrogates; numbers follow
/// the JSON grammar and must fit a `Double` (overflow is refused, underflow
/// rounds to zero); nesting is limited to ``maxDepth``; duplicate object keys
/// keep the last value; a byte-order mark or a UTF-16/32 encoding is refused.
///
/// ```swift
/// let value = try JSONParser.parse(Array(#"{"id":1,"result":"0x10"}"#.utf8))
/// ```
public enum JSONParser {
    /// Arrays and objects nested deeper than this are refused (as `JSONSerialization` does),
    /// so hostile input cannot exhaust the stack.
    public static let maxDepth = 512

    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue {
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            throw JSONParseError(offset: 0, reason: "empty input")
        }
        var parser = Parser(base: base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        return try parser.parseDocument()
    }

    /// Parses any byte collection: contiguous ones (`[UInt8]`, `Data`,
    /// `ByteBufferView`) without copying.
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        let contiguous = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONParseError) -> JSONValue in try parse(UnsafeRawBufferPointer(buffer)) }
        }
        if let contiguous { return try contiguous.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBytes { buffer in
            Result { () throws(JSONParseError) -> JSONValue in try parse(buffer) }
        }.get()
    }

    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(text.utf8)
    }
}

extension JSONValue {
    /// Parses JSON text given as UTF-8 bytes (see ``JSONParser``).
    public init(parsing bytes: some Collection<UInt8>) throws(JSONParseError) {
        self = try JSONParser.parse(bytes)
    }
}

// MARK: - The parser

private enum Byte {
    static let quote: UInt8 = 0x22  // "
    static let backslash: UInt8 = 0x5C  // \
    static let slash: UInt8 = 0x2F  // /
    static let comma: UInt8 = 0x2C  // ,
    static let colon: UInt8 = 0x3A  // :
    static let openBracket: UInt8 = 0x5B  // [
    static let closeBracket: UInt8 = 0x5D  // ]
    static let openBrace: UInt8 = 0x7B  // {
    static let closeBrace: UInt8 = 0x7D  // }
    static let minus: UInt8 = 0x2D  // -
    static let plus: UInt8 = 0x2B  // +
    static let dot: UInt8 = 0x2E  // .
    static let zero: UInt8 = 0x30  // 0
    static let nine: UInt8 = 0x39  // 9
    static let lowerE: UInt8 = 0x65  // e
    static let upperE: UInt8 = 0x45  // E
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let newline: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
}

private struct Parser {
    let base: UnsafePointer<UInt8>
    let count: Int
    var index = 0
    /// Reused for strings with escapes.
    var scratch: [UInt8] = []
    /// Member count of the last object read: objects in a response tend to
    /// share a shape (logs, blocks), so reserving this avoids regrowing.
    var lastObjectCount = 0

    init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard index < count else { throw fail("no value") }
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard index == count else { throw fail("unexpected \(describe(base[index])) after the value") }
        return value
    }

    func fail(_ reason: String, at offset: Int? = nil) -> JSONParseError {
        JSONParseError(offset: offset ?? index, reason: reason)
    }

    func describe(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? "character '\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while index < count {
            switch base[index] {
            case Byte.space, Byte.newline, Byte.carriageReturn, Byte.tab: index += 1
            default: return
            }
        }
    }

    /// `index` is at the first byte of a value (not whitespace, not the end).
    mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        switch base[index] {
        case Byte.quote: return .string(try parseString())
        case Byte.openBrace: return try parseObject(depth: depth + 1)
        case Byte.openBracket: return try parseArray(depth: depth + 1)
        case Byte.minus, Byte.zero...Byte.nine: return .number(try parseNumber())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case let byte: throw fail("unexpected \(describe(byte))")
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let length = literal.utf8CodeUnitCount
        guard count - index >= length, bytesEqual(base + index, literal.utf8Start, length) else {
            throw fail("invalid literal (expected \(literal))")
        }
        index += length
    }

    func bytesEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        for offset in 0..<length where a[offset] != b[offset] { return false }
        return true
    }

    mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= JSONParser.maxDepth else { throw fail("nesting deeper than \(JSONParser.maxDepth)") }
        index += 1  // [
        skipWhitespace()
        guard index < count else { throw fail("unterminated array") }
        if base[index] == Byte.closeBracket {
            index += 1
            return .array([])
        }
        var elements: [JSONValue] = []
        while true {
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard index < count else { throw fail("unterminated array") }
            let byte = base[index]
            index += 1
            if byte == Byte.comma {
                skipWhitespace()
                guard index < count else { throw fail("unterminated array") }
            } else if byte == Byte.closeBracket {
                return .array(elements)
            } else {
                throw fail("expected ',' or ']' but found \(describe(byte))", at: index - 1)
            }
        }
    }

    mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= JSONParser.maxDepth else { throw fail("nesting deeper than \(JSONParser.maxDepth)") }
        index += 1  // {
        skipWhitespace()
        guard index < count else { throw fail("unterminated object") }
        if base[index] == Byte.closeBrace {
            index += 1
            return .object([:])
        }
        var members = [String: JSONValue](minimumCapacity: lastObjectCount)
        while true {
            guard base[index] == Byte.quote else { throw fail("expected a string key but found \(describe(base[index]))") }
            let key = try parseString()
            skipWhitespace()
            guard index < count, base[index] == Byte.colon else {
                throw fail(index < count ? "expected ':' but found \(describe(base[index]))" : "unterminated object")
            }
            index += 1
            skipWhitespace()
            guard index < count else { throw fail("unterminated object") }
            // Duplicate keys: the last one wins, as in JSONSerialization.
            members[key] = try parseValue(depth: depth)
            skipWhitespace()
            guard index < count else { throw fail("unterminated object") }
            let byte = base[index]
            index += 1
            if byte == Byte.comma {
                skipWhitespace()
                guard index < count else { throw fail("unterminated object") }
            } else if byte == Byte.closeBrace {
                lastObjectCount = members.count
                return .object(members)
            } else {
                throw fail("expected ',' or '}' but found \(describe(byte))", at: index - 1)
            }
        }
    }

    // MARK: Strings

    /// `index` is at the opening quote.
    mutating func parseString() throws(JSONParseError) -> String {
        index += 1
        let start = index
        while true {
            // Eight bytes at a time while none is special: '"', '\', a control
            // character or a non-ASCII byte (the common case: hex strings).
            while count - index >= 8 {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                if Self.isPlainASCII(word) { index += 8 } else { break }
            }
            guard index < count else { throw fail("unterminated string", at: start - 1) }
            let byte = base[index]
            if byte == Byte.quote {
                let string = String(decoding: UnsafeBufferPointer(start: base + start, count: index - start), as: UTF8.self)
                index += 1
                return string
            } else if byte == Byte.backslash {
                return try parseEscapedString(from: start)
            } else if byte < 0x20 {
                throw fail("unescaped control character in a string")
            } else if byte < 0x80 {
                index += 1
            } else {
                try skipUTF8Sequence()
            }
        }
    }

    /// True when none of the eight bytes is '"', '\', below 0x20 or above 0x7F.
    @inline(__always)
    static func isPlainASCII(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ (ones &* UInt64(Byte.quote))
        let backslashes = word ^ (ones &* UInt64(Byte.backslash))
        // (x - 0x01…) & ~x & 0x80… is non-zero exactly when some byte of x is zero;
        // with 0x20… it flags a byte below 0x20 (for bytes below 0x80).
        let hasQuote = (quotes &- ones) & ~quotes
        let hasBackslash = (backslashes &- ones) & ~backslashes
        let hasControl = (word &- ones &* 0x20) & ~word
        return (hasQuote | hasBackslash | hasControl | word) & highs == 0
    }

    /// `index` is at a byte ≥ 0x80; checks one UTF-8 sequence (RFC 3629: no
    /// overlongs, no surrogates, nothing above U+10FFFF) and steps over it.
    @inline(__always)
    mutating func skipUTF8Sequence() throws(JSONParseError) {
        let lead = base[index]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: throw fail("invalid UTF-8 in a string")
        }
        guard count - index >= length else { throw fail("invalid UTF-8 in a string") }
        let second = base[index + 1]
        guard second >= low, second <= high else { throw fail("invalid UTF-8 in a string") }
        var offset = 2
        while offset < length {
            guard base[index + offset] & 0xC0 == 0x80 else { throw fail("invalid UTF-8 in a string") }
            offset += 1
        }
        index += length
    }

    /// The slow path: `index` is at the first backslash; the bytes from
    /// `start` to here are already checked.
    mutating func parseEscapedString(from start: Int) throws(JSONParseError) -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: base + start, count: index - start))
        while index < count {
            let byte = base[index]
            if byte == Byte.quote {
                index += 1
                return String(decoding: scratch, as: UTF8.self)
            } else if byte == Byte.backslash {
                try appendEscape()
            } else if byte < 0x20 {
                throw fail("unescaped control character in a string")
            } else if byte < 0x80 {
                scratch.append(byte)
                index += 1
            } else {
                let sequenceStart = index
                try skipUTF8Sequence()
                scratch.append(contentsOf: UnsafeBufferPointer(start: base + sequenceStart, count: index - sequenceStart))
            }
        }
        throw fail("unterminated string", at: start - 1)
    }

    /// `index` is at a backslash.
    mutating func appendEscape() throws(JSONParseError) {
        let escapeStart = index
        guard count - index >= 2 else { throw fail("unterminated string") }
        let byte = base[index + 1]
        index += 2
        switch byte {
        case Byte.quote, Byte.backslash, Byte.slash: scratch.append(byte)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = UInt32(try readHex4())
            if (0xD800..<0xDC00).contains(scalar) {
                guard count - index >= 2, base[index] == Byte.backslash, base[index + 1] == UInt8(ascii: "u") else {
                    throw fail("unpaired UTF-16 surrogate in \\u escape", at: escapeStart)
                }
                index += 2
                let low = UInt32(try readHex4())
                guard (0xDC00..<0xE000).contains(low) else {
                    throw fail("unpaired UTF-16 surrogate in \\u escape", at: escapeStart)
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw fail("unpaired UTF-16 surrogate in \\u escape", at: escapeStart)
            }
            appendUTF8(scalar)
        default:
            throw fail("invalid escape (backslash then \(describe(byte)))", at: escapeStart)
        }
    }

    mutating func readHex4() throws(JSONParseError) -> UInt16 {
        guard count - index >= 4 else { throw fail("truncated \\u escape") }
        var value: UInt16 = 0
        for offset in 0..<4 {
            let byte = base[index + offset]
            let digit: UInt8
            switch byte {
            case Byte.zero...Byte.nine: digit = byte - Byte.zero
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail("invalid hex digit in \\u escape", at: index + offset)
            }
            value = value << 4 | UInt16(digit)
        }
        index += 4
        return value
    }

    mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    // MARK: Numbers

    @inline(__always)
    func isDigit(at offset: Int) -> Bool {
        offset < count && base[offset] &- Byte.zero < 10
    }

    /// `index` is at '-' or a digit. Grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    mutating func parseNumber() throws(JSONParseError) -> Double {
        let start = index
        let negative = base[index] == Byte.minus
        if negative { index += 1 }
        guard isDigit(at: index) else { throw fail("expected a digit") }
        var integer: UInt64 = 0
        let integerStart = index
        if base[index] == Byte.zero {
            index += 1
            if isDigit(at: index) { throw fail("leading zero in a number") }
        } else {
            while isDigit(at: index) {
                integer = integer &* 10 &+ UInt64(base[index] - Byte.zero)
                index += 1
            }
        }
        let integerDigits = index - integerStart
        var plainInteger = true
        if index < count, base[index] == Byte.dot {
            index += 1
            guard isDigit(at: index) else { throw fail("expected a digit after '.'") }
            while isDigit(at: index) { index += 1 }
            plainInteger = false
        }
        if index < count, base[index] == Byte.lowerE || base[index] == Byte.upperE {
            index += 1
            if index < count, base[index] == Byte.plus || base[index] == Byte.minus { index += 1 }
            guard isDigit(at: index) else { throw fail("expected a digit in the exponent") }
            while isDigit(at: index) { index += 1 }
            plainInteger = false
        }
        // Up to 18 digits fit a UInt64, and UInt64 → Double rounds correctly.
        if plainInteger, integerDigits <= 18 {
            let magnitude = Double(integer)
            return negative ? -magnitude : magnitude
        }
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: index - start), as: UTF8.self)
        guard let value = Double(text) else { throw fail("unreadable number", at: start) }
        guard value.isFinite else { throw fail("number out of range of Double", at: start) }
        return value
    }
}
