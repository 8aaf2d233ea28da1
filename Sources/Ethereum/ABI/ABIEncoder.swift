import BigInt

/// The Solidity contract ABI codec: head/tail encoding of values as a tuple, the
/// format of calldata arguments, return data, event data and revert payloads.
///
/// Decoding bounds-checks every offset and length and insists on zero padding, 0/1
/// bools, sign-extended intN and valid UTF-8, throwing ``ABIError`` otherwise.
///
/// ```swift
/// let data = try ABI.encode([.string("Hello"), .array([.uint(1), .uint(2)])], as: [.string, .array(.uint256)])
/// let values = try ABI.decode(data, as: [.string, .array(.uint256)])
/// ```
public enum ABI {
    /// Encodes `values` as the tuple of `types`.
    public static func encode(_ values: [ABIValue], as types: [ABIType]) throws(ABIError) -> [UInt8] {
        var out: [UInt8] = []
        try appendTuple(values, types, to: &out)
        return out
    }

    /// Decodes `data` as the tuple of `types`. Bytes after the last value are ignored,
    /// as the EVM does.
    public static func decode(_ data: [UInt8], as types: [ABIType]) throws(ABIError) -> [ABIValue] {
        try ABIDecoder(data: data).decodeTuple(types, at: 0)
    }

    /// Decodes `data` as the tuple of `types`.
    public static func decode<Bytes: Collection<UInt8>>(_ data: Bytes, as types: [ABIType]) throws(ABIError) -> [ABIValue] {
        try decode(Array(data), as: types)
    }

    static func appendTuple(_ values: [ABIValue], _ types: [ABIType], to out: inout [UInt8]) throws(ABIError) {
        guard values.count == types.count else {
            throw .valueCountMismatch(expected: types.count, actual: values.count)
        }
        var headLength = 0
        for type in types {
            let (sum, overflow) = headLength.addingReportingOverflow(type.headSize)
            guard !overflow else { throw .valueOutOfRange(type: type.canonicalName) }
            headLength = sum
        }
        var tail: [UInt8] = []
        for (value, type) in zip(values, types) {
            if type.isDynamic {
                appendWord(UInt64(headLength + tail.count), to: &out)
                try append(value, as: type, to: &tail)
            } else {
                try append(value, as: type, to: &out)
            }
        }
        out += tail
    }

    static func append(_ value: ABIValue, as type: ABIType, to out: inout [UInt8]) throws(ABIError) {
        switch (type, value) {
        case (.uint(let bits), _):
            guard let number = value.uint else { throw mismatch(type, value) }
            guard number.fits(unsignedBits: bits), let word = number.bigEndianBytes(count: 32) else {
                throw .valueOutOfRange(type: type.canonicalName)
            }
            out += word
        case (.int(let bits), _):
            guard let number = value.int else { throw mismatch(type, value) }
            guard number.fits(signedBits: bits), let word = number.twosComplementWord else {
                throw .valueOutOfRange(type: type.canonicalName)
            }
            out += word
        case (.address, .address(let address)):
            out += [UInt8](repeating: 0, count: 12) + address.bytes
        case (.bool, .bool(let flag)):
            appendWord(flag ? 1 : 0, to: &out)
        case (.fixedBytes(let count), .fixedBytes(let bytes)):
            guard bytes.count == count else { throw .valueOutOfRange(type: type.canonicalName) }
            out += bytes + [UInt8](repeating: 0, count: 32 - count)
        case (.bytes, .bytes(let bytes)):
            appendDynamicBytes(bytes, to: &out)
        case (.string, .string(let text)):
            appendDynamicBytes(Array(text.utf8), to: &out)
        case (.array(let element), .array(let elements)):
            appendWord(UInt64(elements.count), to: &out)
            try appendTuple(elements, Array(repeating: element, count: elements.count), to: &out)
        case (.fixedArray(let element, let count), .array(let elements)):
            guard elements.count == count else { throw .valueCountMismatch(expected: count, actual: elements.count) }
            try appendTuple(elements, Array(repeating: element, count: count), to: &out)
        case (.tuple(let components), .tuple(let values)):
            try appendTuple(values, components, to: &out)
        default:
            throw mismatch(type, value)
        }
    }

    static func appendWord(_ value: UInt64, to out: inout [UInt8]) {
        out += [UInt8](repeating: 0, count: 24)
        for shift in stride(from: 56, through: 0, by: -8) {
            out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    private static func appendDynamicBytes(_ bytes: [UInt8], to out: inout [UInt8]) {
        appendWord(UInt64(bytes.count), to: &out)
        out += bytes
        let remainder = bytes.count % 32
        if remainder != 0 { out += [UInt8](repeating: 0, count: 32 - remainder) }
    }

    private static func mismatch(_ type: ABIType, _ value: ABIValue) -> ABIError {
        .valueMismatch(type: type.canonicalName, value: String(describing: value).prefix(80).description)
    }
}
