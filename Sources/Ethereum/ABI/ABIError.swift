/// Why an ABI type or signature does not parse, values do not fit their types, or
/// data does not decode. Decoding positions are byte offsets into the data given.
///
/// ```swift
/// try ABI.decode([UInt8](repeating: 0, count: 31) + [2], as: [.bool]) // throws .invalidBool(position: 0)
/// ```
public enum ABIError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A type string that is not a supported canonical ABI type.
    case invalidType(String, reason: String)
    /// A function, event or error signature that does not parse.
    case invalidSignature(String, reason: String)
    /// A different number of values than types.
    case valueCountMismatch(expected: Int, actual: Int)
    /// A value of the wrong kind for its type (a string for a uint256…).
    case valueMismatch(type: String, value: String)
    /// An integer outside its type's range, or a `bytesN` of the wrong length.
    case valueOutOfRange(type: String)
    /// The data ends before the `needed` bytes at `position`.
    case truncated(position: Int, needed: Int, available: Int)
    /// An offset read at `position` points outside the data.
    case offsetOutOfBounds(position: Int)
    /// A length or element count read at `position` exceeds what the data can hold.
    case lengthOutOfBounds(position: Int)
    /// Padding bytes around the value at `position` are not zero (or not sign extension).
    case nonZeroPadding(position: Int)
    /// A bool at `position` that is neither 0 nor 1.
    case invalidBool(position: Int)
    /// A string at `position` that is not valid UTF-8.
    case invalidUTF8(position: Int)
    /// Calldata or revert data whose first four bytes are not the expected selector.
    case selectorMismatch(expected: [UInt8], actual: [UInt8])
    /// A log with a different number of topics than the event has indexed parameters (+1 unless anonymous).
    case topicCountMismatch(expected: Int, actual: Int)
    /// A log whose first topic is not the event's topic0.
    case topicMismatch(expected: Bytes32, actual: Bytes32)

    public var description: String {
        switch self {
        case .invalidType(let text, let reason): "invalid ABI type \"\(text)\": \(reason)"
        case .invalidSignature(let text, let reason): "invalid ABI signature \"\(text)\": \(reason)"
        case .valueCountMismatch(let expected, let actual): "expected \(expected) ABI values, got \(actual)"
        case .valueMismatch(let type, let value): "value \(value) does not match ABI type \(type)"
        case .valueOutOfRange(let type): "value is out of range for ABI type \(type)"
        case .truncated(let position, let needed, let available):
            "ABI data truncated: \(needed) bytes needed at offset \(position), \(available) available"
        case .offsetOutOfBounds(let position): "ABI offset at \(position) points outside the data"
        case .lengthOutOfBounds(let position): "ABI length at \(position) exceeds the data"
        case .nonZeroPadding(let position): "ABI value at \(position) has non-zero padding"
        case .invalidBool(let position): "ABI bool at \(position) is neither 0 nor 1"
        case .invalidUTF8(let position): "ABI string at \(position) is not valid UTF-8"
        case .selectorMismatch(let expected, let actual):
            "selector \(Hex.encode(actual)) does not match \(Hex.encode(expected))"
        case .topicCountMismatch(let expected, let actual): "log has \(actual) topics, event expects \(expected)"
        case .topicMismatch(let expected, let actual): "log topic0 \(actual) is not the event's \(expected)"
        }
    }
}
