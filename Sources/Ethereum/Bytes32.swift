/// Exactly 32 bytes: a Keccak-256 digest, a transaction or block hash, a log topic,
/// a storage key or an ABI `bytes32`.
///
/// Renders and encodes (`Codable`) as `0x`-prefixed lowercase hex.
///
/// ```swift
/// let topic = try Bytes32(hex: "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")
/// topic == Keccak256.hash(Array("Transfer(address,address,uint256)".utf8)) // true
/// ```
public struct Bytes32: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// The 32 bytes.
    public let bytes: [UInt8]

    /// All zeros.
    public static let zero = Bytes32(unchecked: [UInt8](repeating: 0, count: 32))

    /// Wraps `bytes`, which must hold exactly 32 bytes.
    public init<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws(HexError) {
        guard bytes.count == 32 else { throw .wrongByteCount(expected: 32, actual: bytes.count) }
        self.bytes = Array(bytes)
    }

    /// Parses `0x` followed by 64 hex digits.
    public init(hex: String) throws(HexError) {
        self.bytes = try Hex.decode(hex, count: 32)
    }

    init(unchecked bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// `0x`-prefixed lowercase hex.
    public var hex: String { Hex.encode(bytes) }

    public var description: String { hex }

    public static func < (lhs: Bytes32, rhs: Bytes32) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self.bytes = try Hex.decode(text, count: 32)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}
