import BigInt

/// A value the ABI codec encodes or decodes; its ``ABIType`` is supplied alongside.
///
/// Integers are `BigUInt`/`BigInt` whatever their width (the type's range is checked
/// when encoding). Fixed and dynamic arrays are both `.array`. An indexed event
/// parameter of a dynamic type decodes as `.fixedBytes` holding the 32-byte hash the
/// topic carries.
///
/// ```swift
/// let values: [ABIValue] = [.address(recipient), .uint(1_000)]
/// let data = try ABI.encode(values, as: [.address, .uint256])
/// try ABI.decode(data, as: [.address, .uint256]) == values // true
/// ```
public indirect enum ABIValue: Hashable, Sendable {
    case uint(BigUInt)
    case int(BigInt)
    case address(Address)
    case bool(Bool)
    /// `bytes<N>`: exactly N bytes.
    case fixedBytes([UInt8])
    case bytes([UInt8])
    case string(String)
    /// Elements of `T[]` or `T[k]`.
    case array([ABIValue])
    case tuple([ABIValue])

    /// A `bytes32` value.
    public static func fixedBytes(_ word: Bytes32) -> ABIValue { .fixedBytes(word.bytes) }

    /// The unsigned integer (also from a non-negative `.int`), or nil.
    public var uint: BigUInt? {
        switch self {
        case .uint(let value): value
        case .int(let value) where value.sign == .plus || value.isZero: value.magnitude
        default: nil
        }
    }

    /// The signed integer (also from a `.uint`), or nil.
    public var int: BigInt? {
        switch self {
        case .int(let value): value
        case .uint(let value): BigInt(value)
        default: nil
        }
    }

    public var address: Address? {
        if case .address(let value) = self { return value }
        return nil
    }

    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The bytes of a `.bytes` or `.fixedBytes`, or nil.
    public var byteString: [UInt8]? {
        switch self {
        case .bytes(let value), .fixedBytes(let value): value
        default: nil
        }
    }

    /// A 32-byte `.fixedBytes` (a `bytes32` or a hashed indexed parameter), or nil.
    public var bytes32: Bytes32? {
        guard case .fixedBytes(let value) = self, value.count == 32 else { return nil }
        return Bytes32(unchecked: value)
    }

    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The elements of an `.array` or the components of a `.tuple`, or nil.
    public var elements: [ABIValue]? {
        switch self {
        case .array(let values), .tuple(let values): values
        default: nil
        }
    }
}
