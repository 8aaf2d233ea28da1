/// One value of a projection row at the store boundary: SQL NULL, a 64-bit
/// integer (ids, block numbers, counters), text (lowercase 0x-hex addresses
/// and hashes, names, decimal amounts, JSON) or a boolean.
///
/// Literals make rows easy to write:
///
/// ```swift
/// let values: [String: StoreValue] = ["chain": "dev", "id": 7, "verified": true, "verified_by_claim": nil]
/// values["id"]?.int   // 7
/// ```
public enum StoreValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case int(Int64)
    case text(String)
    case bool(Bool)

    public var int: Int64? {
        if case let .int(value) = self { value } else { nil }
    }

    public var text: String? {
        if case let .text(value) = self { value } else { nil }
    }

    public var bool: Bool? {
        if case let .bool(value) = self { value } else { nil }
    }

    public var isNull: Bool { self == .null }

    public var description: String {
        switch self {
        case .null: "NULL"
        case let .int(value): String(value)
        case let .text(value): "'\(value)'"
        case let .bool(value): String(value)
        }
    }
}

extension StoreValue: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral {
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(stringLiteral value: String) { self = .text(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
}

extension StoreValue {
    /// An optional text: `nil` becomes ``null``.
    public init(_ text: String?) { self = text.map(StoreValue.text) ?? .null }

    /// An optional integer: `nil` becomes ``null``.
    public init(_ int: Int64?) { self = int.map(StoreValue.int) ?? .null }

    /// A block number, id or counter; values above `Int64.max` (never seen on
    /// a real chain) are rejected rather than wrapped.
    public init(_ number: UInt64) throws(StoreError) {
        guard let value = Int64(exactly: number) else { throw .valueOutOfRange(what: "integer", value: String(number)) }
        self = .int(value)
    }
}

/// The primary-key values of one projection row, in the order of
/// ``ProjectionTable/keyColumns`` (always the chain first).
///
/// ```swift
/// let key: RowKey = ["dev", 42]                       // skills: chain, id
/// let owner = RowKey("dev", "0x70997970c51812dc3a010c7d01b50e0d17dc79c8")  // profiles
/// ```
public struct RowKey: Sendable, Hashable, ExpressibleByArrayLiteral, CustomStringConvertible {
    public var values: [StoreValue]

    public init(_ values: [StoreValue]) { self.values = values }
    public init(_ values: StoreValue...) { self.values = values }
    public init(arrayLiteral elements: StoreValue...) { self.values = elements }

    /// The chain the row belongs to (the first key value).
    public var chain: String? { values.first?.text }

    public var description: String { "(" + values.map(\.description).joined(separator: ", ") + ")" }
}
