import Ethereum

/// The access-control roles of Takumi's contracts. Role ids are `bytes32`:
/// `DEFAULT_ADMIN_ROLE` is zero, every other role is keccak256 of its name
/// (so they read the same in cast, web3 and here without a lookup table).
///
/// | role | held by | allows |
/// |---|---|---|
/// | `DEFAULT_ADMIN_ROLE` | TakumiMultisig | granting/revoking roles, unpause |
/// | `UPGRADER_ROLE` | TakumiMultisig | UUPS upgrades |
/// | `PAUSER_ROLE` | guardian key | pause |
/// | `OPERATOR_ROLE` | operator key | assigning verifiers, disputes, verifier registry |
/// | `CLAIMS_ROLE` | SkillClaim proxy | marking skills verified (SkillProfile) |
///
/// ```swift
/// let calldata = try GovernanceCalls.hasRole(TakumiRole.pauser.id, account: guardian).calldata()
/// TakumiRole.name(for: event.role)   // "PAUSER_ROLE", or the hex of an unknown role
/// ```
public enum TakumiRole: String, CaseIterable, Sendable, Hashable {
    case defaultAdmin = "DEFAULT_ADMIN_ROLE"
    case upgrader = "UPGRADER_ROLE"
    case pauser = "PAUSER_ROLE"
    case `operator` = "OPERATOR_ROLE"
    case claims = "CLAIMS_ROLE"

    /// The name the contracts use, e.g. `PAUSER_ROLE`.
    public var name: String { rawValue }

    /// The role id the contracts store: zero for `DEFAULT_ADMIN_ROLE`, keccak256(name) otherwise.
    public var id: Bytes32 {
        self == .defaultAdmin ? .zero : Keccak256.hash(Array(rawValue.utf8))
    }

    /// The role with `id`, if it is one of Takumi's.
    public init?(id: Bytes32) {
        guard let role = Self.byID[id] else { return nil }
        self = role
    }

    /// A role's display name: its name when it is one of Takumi's, else its hex.
    public static func name(for id: Bytes32) -> String {
        byID[id]?.name ?? id.hex
    }

    public static let defaultAdminRole: Bytes32 = TakumiRole.defaultAdmin.id
    public static let upgraderRole: Bytes32 = TakumiRole.upgrader.id
    public static let pauserRole: Bytes32 = TakumiRole.pauser.id
    public static let operatorRole: Bytes32 = TakumiRole.operator.id
    public static let claimsRole: Bytes32 = TakumiRole.claims.id

    private static let byID: [Bytes32: TakumiRole] = Dictionary(
        allCases.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }
    )
}
