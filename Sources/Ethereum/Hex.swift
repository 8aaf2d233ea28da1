import BigInt

/// Hexadecimal text as Ethereum writes it: `0x`-prefixed, two digits per byte for
/// data, and minimal digits for JSON-RPC quantities.
///
/// Decoding is strict: the prefix is required (unless asked otherwise), digits come in
/// pairs, and anything else is a ``HexError`` naming what and where.
///
/// ```swift
/// let bytes = try Hex.decode("0xdeadbeef")        // [0xde, 0xad, 0xbe, 0xef]
/// Hex.encode(bytes)                                // "0xdeadbeef"
/// let height = try Hex.decodeQuantity("0x1b4")     // 436
/// Hex.encodeQuantity(436)                          // "0x1b4"
/// ```
public enum Hex {
    /// Whether a string to decode must start with `0x`.
    public enum Prefix: Sendable {
        case required
        case optional
    }

    /// Lowercase hex of `bytes`, with `0x` in front unless `prefixed` is false.
    public static func encode<Bytes: Sequence<UInt8>>(_ bytes: Bytes, prefixed: Bool = true) -> String {
        // The indexer spells every topic, hash and data field of every log:
        // written straight into the string's storage, not appended digit by digit.
        if let text = bytes.withContiguousStorageIfAvailable({ encode(UnsafeRawBufferPointer($0), prefixed: prefixed) }) {
            return text
        }
        return Array(bytes).withUnsafeBytes { encode($0, prefixed: prefixed) }
    }

    private static func encode(_ bytes: UnsafeRawBufferPointer, prefixed: Bool) -> String {
        let count = bytes.count * 2 + (prefixed ? 2 : 0)
        return String(unsafeUninitializedCapacity: count) { out in
            var index = 0
            if prefixed {
                out[0] = UInt8(ascii: "0")
                out[1] = UInt8(ascii: "x")
                index = 2
            }
            for byte in bytes {
                out[index] = digit(byte >> 4)
                out[index + 1] = digit(byte & 0x0F)
                index += 2
            }
            return count
        }
    }

    @inline(__always)
    private static func digit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
    }

    /// The bytes spelled by `text`: `0x` then an even number of hex digits, either case.
    public static func decode<Text: StringProtocol>(_ text: Text, prefix: Prefix = .required) throws(HexError) -> [UInt8] {
        let utf8 = Array(text.utf8)
        let start = try digitsStart(utf8, prefix: prefix)
        let count = utf8.count - start
        guard count % 2 == 0 else { throw .oddLength(digits: count) }
        var bytes = [UInt8](repeating: 0, count: count / 2)
        var index = start
        var out = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]) else { throw .invalidCharacter(offset: index) }
            guard let low = nibble(utf8[index + 1]) else { throw .invalidCharacter(offset: index + 1) }
            bytes[out] = high << 4 | low
            index += 2
            out += 1
        }
        return bytes
    }

    /// Decodes `text` and checks that it holds exactly `count` bytes.
    public static func decode<Text: StringProtocol>(_ text: Text, count: Int, prefix: Prefix = .required) throws(HexError) -> [UInt8] {
        let bytes = try decode(text, prefix: prefix)
        guard bytes.count == count else { throw .wrongByteCount(expected: count, actual: bytes.count) }
        return bytes
    }

    /// The JSON-RPC quantity in `text`: `0x` then at least one digit, no leading zeros
    /// (`0x0` is zero).
    public static func decodeQuantity<Text: StringProtocol>(_ text: Text) throws(HexError) -> BigUInt {
        let utf8 = Array(text.utf8)
        let start = try digitsStart(utf8, prefix: .required)
        guard utf8.count > start else { throw .emptyQuantity }
        guard utf8[start] != UInt8(ascii: "0") || utf8.count == start + 1 else {
            throw .leadingZeroInQuantity
        }
        var words: [UInt] = []
        var word: UInt = 0
        var bitsInWord = 0
        var index = utf8.count - 1
        while index >= start {
            guard let value = nibble(utf8[index]) else { throw .invalidCharacter(offset: index) }
            word |= UInt(value) << bitsInWord
            bitsInWord += 4
            if bitsInWord == UInt.bitWidth {
                words.append(word)
                word = 0
                bitsInWord = 0
            }
            index -= 1
        }
        if bitsInWord > 0 { words.append(word) }
        return BigUInt(words: words)
    }

    /// `value` as a JSON-RPC quantity: `0x` and minimal lowercase digits.
    public static func encodeQuantity<Value: BinaryInteger>(_ value: Value) -> String {
        "0x" + String(value, radix: 16)
    }

    private static func digitsStart(_ utf8: [UInt8], prefix: Prefix) throws(HexError) -> Int {
        if utf8.count >= 2, utf8[0] == UInt8(ascii: "0"), utf8[1] == UInt8(ascii: "x") || utf8[1] == UInt8(ascii: "X") {
            return 2
        }
        if prefix == .required { throw .missingPrefix }
        return 0
    }

    @inline(__always)
    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Why a string is not the hex it should be.
///
/// ```swift
/// try Hex.decode("0xabc") // throws .oddLength(digits: 3)
/// ```
public enum HexError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The text does not start with `0x`.
    case missingPrefix
    /// Data hex must have two digits per byte.
    case oddLength(digits: Int)
    /// The UTF-8 byte at `offset` (from the start of the text) is not a hex digit.
    case invalidCharacter(offset: Int)
    /// The text decodes, but to the wrong number of bytes.
    case wrongByteCount(expected: Int, actual: Int)
    /// A quantity needs at least one digit (`0x0` for zero).
    case emptyQuantity
    /// Quantities are written without leading zeros.
    case leadingZeroInQuantity

    public var description: String {
        switch self {
        case .missingPrefix: "hex string must start with 0x"
        case .oddLength(let digits): "hex string has an odd number of digits (\(digits))"
        case .invalidCharacter(let offset): "invalid hex character at offset \(offset)"
        case .wrongByteCount(let expected, let actual): "expected \(expected) bytes of hex, got \(actual)"
        case .emptyQuantity: "hex quantity has no digits (zero is 0x0)"
        case .leadingZeroInQuantity: "hex quantity has a leading zero"
        }
    }
}
