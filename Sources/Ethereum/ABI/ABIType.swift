/// A Solidity ABI type: the shape the codec encodes a value into and decodes it from.
///
/// Parse canonical type strings with ``init(_:)``: `uint256`, `int8`, `address`, `bool`,
/// `bytes32`, `bytes`, `string`, arrays (`bytes32[]`, `uint8[3][]`) and tuples written
/// `(address,string)` or `tuple(address,string)`. `uint` and `int` are read as
/// `uint256` and `int256`. ``canonicalName`` is the form used in signatures.
///
/// ```swift
/// let type = try ABIType("(address,string)[2]")
/// type == .fixedArray(.tuple([.address, .string]), 2) // true
/// type.isDynamic                                      // true
/// ```
public indirect enum ABIType: Hashable, Sendable, CustomStringConvertible {
    /// `uint<bits>`, bits a multiple of 8 from 8 to 256.
    case uint(Int)
    /// `int<bits>`, bits a multiple of 8 from 8 to 256.
    case int(Int)
    case address
    case bool
    /// `bytes<count>`, count from 1 to 32.
    case fixedBytes(Int)
    case bytes
    case string
    /// `T[]`.
    case array(ABIType)
    /// `T[count]`.
    case fixedArray(ABIType, Int)
    /// `(T1,T2,…)`.
    case tuple([ABIType])

    public static let uint256 = ABIType.uint(256)
    public static let int256 = ABIType.int(256)
    public static let bytes32 = ABIType.fixedBytes(32)

    /// Parses a canonical type string (no whitespace, no parameter names).
    public init(_ text: String) throws(ABIError) {
        var parser = ABISignatureParser(text, allowsNames: false)
        self = try parser.parseStandaloneType()
    }

    /// The canonical spelling, as used in function and event signatures.
    public var canonicalName: String {
        switch self {
        case .uint(let bits): "uint\(bits)"
        case .int(let bits): "int\(bits)"
        case .address: "address"
        case .bool: "bool"
        case .fixedBytes(let count): "bytes\(count)"
        case .bytes: "bytes"
        case .string: "string"
        case .array(let element): "\(element.canonicalName)[]"
        case .fixedArray(let element, let count): "\(element.canonicalName)[\(count)]"
        case .tuple(let components): "(\(components.map(\.canonicalName).joined(separator: ",")))"
        }
    }

    public var description: String { canonicalName }

    /// Whether the encoding lives in the tail and is reached through an offset.
    public var isDynamic: Bool {
        switch self {
        case .bytes, .string, .array: true
        case .fixedArray(let element, _): element.isDynamic
        case .tuple(let components): components.contains { $0.isDynamic }
        default: false
        }
    }

    /// Bytes the type occupies in the head of an enclosing tuple: 32 for a dynamic type
    /// (its offset), its full size for a static one. Saturates instead of overflowing
    /// for absurd fixed-array sizes, which then fail as truncated data.
    var headSize: Int {
        switch self {
        case .fixedArray(let element, let count) where !isDynamic:
            let (size, overflow) = element.headSize.multipliedReportingOverflow(by: max(count, 0))
            return overflow ? Int.max : size
        case .tuple(let components) where !isDynamic:
            var total = 0
            for component in components {
                let (sum, overflow) = total.addingReportingOverflow(component.headSize)
                if overflow { return Int.max }
                total = sum
            }
            return total
        default:
            return 32
        }
    }
}

/// A named input or output of a function, event or error.
///
/// ```swift
/// ABIParameter(name: "to", type: .address)
/// ABIParameter(name: "from", type: .address, isIndexed: true)
/// ```
public struct ABIParameter: Hashable, Sendable {
    /// The parameter name, if the signature gave one.
    public var name: String?
    public var type: ABIType
    /// For event parameters: whether the value is a topic rather than part of the data.
    public var isIndexed: Bool

    public init(name: String? = nil, type: ABIType, isIndexed: Bool = false) {
        self.name = name
        self.type = type
        self.isIndexed = isIndexed
    }
}
