import BigInt

/// A value of Recursive Length Prefix encoding: a byte string or a list of items.
///
/// Integers are byte strings in minimal big-endian form (zero is the empty string);
/// `RLPItem(_:)` builds one and ``unsignedInteger()`` reads one back, rejecting
/// leading zeros.
///
/// ```swift
/// let item: RLPItem = .list([.bytes(Array("cat".utf8)), .bytes(Array("dog".utf8))])
/// RLP.encode(item)                   // c8 83 63 61 74 83 64 6f 67
/// try RLP.decode(RLP.encode(item))   // == item
/// ```
public indirect enum RLPItem: Hashable, Sendable {
    case bytes([UInt8])
    case list([RLPItem])

    /// The canonical integer encoding: big-endian, no leading zeros, zero as `0x80`.
    public init(_ value: BigUInt) {
        self = .bytes(value.minimalBigEndianBytes)
    }

    /// The canonical integer encoding of `value`.
    public init(_ value: UInt64) {
        self.init(BigUInt(value))
    }

    /// The byte string, or nil for a list.
    public var byteString: [UInt8]? {
        if case .bytes(let bytes) = self { return bytes }
        return nil
    }

    /// The items, or nil for a byte string.
    public var items: [RLPItem]? {
        if case .list(let items) = self { return items }
        return nil
    }

    /// Reads a canonical integer: a byte string without leading zeros.
    public func unsignedInteger() throws(RLPError) -> BigUInt {
        guard case .bytes(let bytes) = self else { throw .expectedBytes }
        guard bytes.first != 0 else { throw .integerWithLeadingZero }
        return BigUInt(bigEndian: bytes)
    }
}

/// Encodes and strictly decodes RLP (Ethereum Yellow Paper, appendix B).
///
/// The decoder accepts only canonical encodings: a single byte below 0x80 must stand
/// alone, short lengths use the short form, long-form lengths have no leading zeros,
/// and the input holds exactly one item.
///
/// ```swift
/// RLP.encode(.bytes([]))                 // [0x80]
/// try RLP.decode([0x81, 0x05])           // throws RLPError.nonCanonicalSingleByte(offset: 0)
/// ```
public enum RLP {
    /// Deeper nesting is rejected instead of risking the stack on hostile input.
    public static let maximumDepth = 256

    /// The encoding of `item`.
    public static func encode(_ item: RLPItem) -> [UInt8] {
        var out: [UInt8] = []
        append(item, to: &out)
        return out
    }

    /// Decodes exactly one item from `bytes`; anything non-canonical or left over throws.
    public static func decode<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws(RLPError) -> RLPItem {
        let input = Array(bytes)
        guard !input.isEmpty else { throw .truncated(offset: 0) }
        var offset = 0
        let item = try decodeItem(input, at: &offset, end: input.count, depth: 0)
        guard offset == input.count else { throw .trailingBytes(offset: offset) }
        return item
    }

    private static func append(_ item: RLPItem, to out: inout [UInt8]) {
        switch item {
        case .bytes(let bytes):
            if bytes.count == 1, bytes[0] < 0x80 {
                out.append(bytes[0])
            } else {
                appendLength(bytes.count, offset: 0x80, to: &out)
                out += bytes
            }
        case .list(let items):
            var payload: [UInt8] = []
            for child in items { append(child, to: &payload) }
            appendLength(payload.count, offset: 0xC0, to: &out)
            out += payload
        }
    }

    private static func appendLength(_ length: Int, offset: UInt8, to out: inout [UInt8]) {
        if length < 56 {
            out.append(offset + UInt8(length))
        } else {
            let lengthBytes = BigUInt(length).minimalBigEndianBytes
            out.append(offset + 55 + UInt8(lengthBytes.count))
            out += lengthBytes
        }
    }

    private static func decodeItem(_ input: [UInt8], at offset: inout Int, end: Int, depth: Int) throws(RLPError) -> RLPItem {
        guard depth < maximumDepth else { throw .tooDeep(offset: offset) }
        let start = offset
        guard start < end else { throw .truncated(offset: start) }
        let prefix = input[start]
        switch prefix {
        case 0x00..<0x80:
            offset += 1
            return .bytes([prefix])
        case 0x80..<0xC0:
            let (payloadStart, length) = try header(input, at: start, end: end, shortBase: 0x80)
            if length == 1, input[payloadStart] < 0x80 { throw .nonCanonicalSingleByte(offset: start) }
            offset = payloadStart + length
            return .bytes(Array(input[payloadStart..<offset]))
        default:
            let (payloadStart, length) = try header(input, at: start, end: end, shortBase: 0xC0)
            let payloadEnd = payloadStart + length
            var items: [RLPItem] = []
            var cursor = payloadStart
            while cursor < payloadEnd {
                items.append(try decodeItem(input, at: &cursor, end: payloadEnd, depth: depth + 1))
            }
            offset = payloadEnd
            return .list(items)
        }
    }

    /// Reads the prefix at `start` and returns where the payload starts and its length,
    /// checked to lie within `end`.
    private static func header(_ input: [UInt8], at start: Int, end: Int, shortBase: UInt8) throws(RLPError) -> (Int, Int) {
        let prefix = input[start]
        let shortLimit = shortBase + 55
        if prefix <= shortLimit {
            let length = Int(prefix - shortBase)
            guard length <= end - start - 1 else { throw .truncated(offset: start) }
            return (start + 1, length)
        }
        let lengthOfLength = Int(prefix - shortLimit)
        guard lengthOfLength <= end - start - 1 else { throw .truncated(offset: start) }
        guard input[start + 1] != 0 else { throw .leadingZeroInLength(offset: start) }
        // lengthOfLength is at most 8 (prefixes end at 0xBF and 0xFF), so the length fits in 64 bits.
        var length: UInt64 = 0
        for index in (start + 1)...(start + lengthOfLength) {
            length = length << 8 | UInt64(input[index])
        }
        guard length >= 56 else { throw .nonCanonicalLength(offset: start) }
        let payloadStart = start + 1 + lengthOfLength
        guard length <= UInt64(end - payloadStart) else { throw .truncated(offset: start) }
        return (payloadStart, Int(length))
    }
}

/// Why bytes are not canonical RLP, or an item is not what the reader expected.
///
/// ```swift
/// try RLP.decode([0x83, 0x64, 0x6F]) // throws .truncated(offset: 0)
/// ```
public enum RLPError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The item starting at `offset` runs past the end of its input or enclosing list.
    case truncated(offset: Int)
    /// A whole item was read but bytes follow it.
    case trailingBytes(offset: Int)
    /// A single byte below 0x80 was wrapped in a string header.
    case nonCanonicalSingleByte(offset: Int)
    /// A long-form header was used for a length below 56.
    case nonCanonicalLength(offset: Int)
    /// A long-form length starts with a zero byte.
    case leadingZeroInLength(offset: Int)
    /// Lists nested deeper than ``RLP/maximumDepth``.
    case tooDeep(offset: Int)
    /// A list where a byte string was expected.
    case expectedBytes
    /// A byte string where a list was expected.
    case expectedList
    /// An integer with a leading zero byte.
    case integerWithLeadingZero
    /// A list with the wrong number of items.
    case wrongItemCount(expected: Int, actual: Int)

    public var description: String {
        switch self {
        case .truncated(let offset): "RLP item at offset \(offset) is truncated"
        case .trailingBytes(let offset): "RLP input has trailing bytes from offset \(offset)"
        case .nonCanonicalSingleByte(let offset): "RLP at offset \(offset) wraps a single byte below 0x80 in a string header"
        case .nonCanonicalLength(let offset): "RLP at offset \(offset) uses a long-form length for a short payload"
        case .leadingZeroInLength(let offset): "RLP length at offset \(offset) has a leading zero byte"
        case .tooDeep(let offset): "RLP lists nest deeper than \(RLP.maximumDepth) at offset \(offset)"
        case .expectedBytes: "expected an RLP byte string, found a list"
        case .expectedList: "expected an RLP list, found a byte string"
        case .integerWithLeadingZero: "RLP integer has a leading zero byte"
        case .wrongItemCount(let expected, let actual): "expected an RLP list of \(expected) items, found \(actual)"
        }
    }
}
