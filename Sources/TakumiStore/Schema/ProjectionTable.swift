/// The projection tables the indexer derives from contract events, with
/// their key columns and columns. These names are the only identifiers the
/// store ever puts into SQL on behalf of callers; they must match the
/// migrations (a conformance test compares them with the live schema).
///
/// ```swift
/// ProjectionTable.skills.keyColumns           // ["chain", "id"]
/// ProjectionTable.skills.column(named: "verified")?.type   // .boolean
/// ```
public enum ProjectionTable: String, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    case profiles
    case skills
    case skillClaims = "skill_claims"
    case endorsements
    case verifiers
    case contractState = "contract_state"
    case multisigProposals = "multisig_proposals"
    case roleMembers = "role_members"

    /// The SQL table name.
    public var name: String { rawValue }
    public var description: String { rawValue }

    /// Primary key, chain first.
    public var keyColumns: [String] {
        Self.keys[ordinal]
    }

    /// Position in ``allCases``: the index of the tables built once below, and
    /// the hash (the default hashes the raw value, a string, on every
    /// dictionary lookup, and the indexer keys several per row by table).
    var ordinal: Int {
        switch self {
        case .profiles: 0
        case .skills: 1
        case .skillClaims: 2
        case .endorsements: 3
        case .verifiers: 4
        case .contractState: 5
        case .multisigProposals: 6
        case .roleMembers: 7
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ordinal)
    }

    private static let keys: [[String]] = allCases.map(\.declaredKeyColumns)

    private var declaredKeyColumns: [String] {
        switch self {
        case .profiles: ["chain", "owner"]
        case .skills, .skillClaims, .endorsements: ["chain", "id"]
        case .verifiers: ["chain", "account"]
        case .contractState: ["chain", "contract"]
        case .multisigProposals: ["chain", "proposal_id"]
        case .roleMembers: ["chain", "contract", "role", "account"]
        }
    }

    /// Every column, key columns first, in schema order.
    public var columns: [ProjectionColumn] { Self.schema[ordinal].columns }

    public func column(named name: String) -> ProjectionColumn? {
        let schema = Self.schema[ordinal]
        guard let index = schema.indexes[name] else { return nil }
        return schema.columns[index]
    }

    /// The position of the column in ``columns``, or nil.
    func columnIndex(named name: String) -> Int? {
        Self.schema[ordinal].indexes[name]
    }

    /// Columns and their positions, built once: the indexer looks columns up
    /// for every value of every row it writes.
    private static let schema: [(columns: [ProjectionColumn], indexes: [String: Int])] = allCases.map { table in
        let columns = table.declaredColumns
        return (columns, Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1.name, $0) }))
    }

    private var declaredColumns: [ProjectionColumn] {
        let chain = ProjectionColumn("chain", .text)
        let lastBlock = ProjectionColumn("last_block", .integer)
        switch self {
        case .profiles:
            return [
                chain, .init("owner", .text), .init("name", .text), .init("bio", .text), .init("metadata_uri", .text),
                .init("skill_count", .integer), .init("created_block", .integer), .init("updated_block", .integer), lastBlock,
            ]
        case .skills:
            return [
                chain, .init("id", .integer), .init("owner", .text), .init("name", .text), .init("category", .text),
                .init("verified", .boolean), .init("removed", .boolean), .init("verified_by_claim", .integer, nullable: true),
                .init("created_block", .integer), .init("removed_block", .integer, nullable: true), lastBlock,
            ]
        case .skillClaims:
            return [
                chain, .init("id", .integer), .init("claimant", .text), .init("skill_id", .integer),
                .init("evidence_uri", .text), .init("verifier", .text, nullable: true), .init("status", .text),
                .init("rejection_reason", .text, nullable: true), .init("dispute_reason", .text, nullable: true),
                .init("resolution_note", .text, nullable: true), .init("created_block", .integer),
                .init("updated_block", .integer), lastBlock,
            ]
        case .endorsements:
            return [
                chain, .init("id", .integer), .init("endorser", .text), .init("endorsee", .text), .init("skill_id", .integer),
                .init("message", .text), .init("active", .boolean), .init("created_block", .integer),
                .init("revoked_block", .integer, nullable: true), lastBlock,
            ]
        case .verifiers:
            return [
                chain, .init("account", .text), .init("name", .text), .init("organisation", .text),
                .init("specialisations", .json), .init("active", .boolean), .init("suspension_reason", .text, nullable: true),
                .init("registered_block", .integer), .init("updated_block", .integer), lastBlock,
            ]
        case .contractState:
            return [
                chain, .init("contract", .text), .init("address", .text), .init("paused", .boolean),
                .init("paused_by", .text, nullable: true), .init("implementation", .text, nullable: true),
                .init("version", .text, nullable: true), .init("updated_block", .integer), lastBlock,
            ]
        case .multisigProposals:
            return [
                chain, .init("proposal_id", .integer), .init("target", .text), .init("amount", .numeric), .init("data", .text),
                .init("proposer", .text), .init("confirmations", .integer), .init("executed", .boolean),
                .init("executor", .text, nullable: true), .init("executed_tx", .text, nullable: true),
                .init("executed_block", .integer, nullable: true), .init("created_block", .integer),
                .init("created_tx", .text, nullable: true), lastBlock,
            ]
        case .roleMembers:
            return [
                chain, .init("contract", .text), .init("role", .text), .init("account", .text),
                .init("granted_block", .integer), .init("granted_by_tx", .text), .init("sender", .text), lastBlock,
            ]
        }
    }
}

/// One column of a ``ProjectionTable``.
///
/// ```swift
/// ProjectionColumn("verifier", .text, nullable: true)
/// ```
public struct ProjectionColumn: Sendable, Hashable {
    public var name: String
    public var type: ProjectionColumnType
    public var isNullable: Bool

    public init(_ name: String, _ type: ProjectionColumnType, nullable: Bool = false) {
        self.name = name
        self.type = type
        self.isNullable = nullable
    }

    /// Whether `value` may be stored here.
    public func accepts(_ value: StoreValue) -> Bool {
        switch (value, type) {
        case (.null, _): isNullable
        case (.int, .integer), (.bool, .boolean): true
        case (.text, .text), (.text, .json): true
        case let (.text(text), .numeric): !text.isEmpty && text.allSatisfy { $0.isASCII && $0.isNumber }
        default: false
        }
    }
}

/// The storage type of a projection column. `numeric` is a non-negative
/// decimal integer as text (uint256 amounts); `json` is JSON text.
///
/// ```swift
/// ProjectionColumnType.numeric.description   // "decimal text"
/// ```
public enum ProjectionColumnType: Sendable, Hashable, CustomStringConvertible {
    case integer, text, boolean, numeric, json

    public var description: String {
        switch self {
        case .integer: "integer"
        case .text: "text"
        case .boolean: "boolean"
        case .numeric: "decimal text"
        case .json: "JSON text"
        }
    }
}
