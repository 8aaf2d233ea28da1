import Ethereum

/// The contracts whose ABIs Takumi binds, by the name used in
/// `chain/abi/<name>.json` and in the deployment manifest.
///
/// ```swift
/// for contract in TakumiContract.allCases {
///     print(contract.name, contract.events.count, contract.functions.count)
/// }
/// TakumiContract(name: "SkillClaim")?.function(named: "getClaim")?.signature // "getClaim(uint256)"
/// ```
public enum TakumiContract: String, CaseIterable, Sendable, Hashable {
    case skillProfile = "SkillProfile"
    case skillClaim = "SkillClaim"
    case endorsement = "Endorsement"
    case verifierRegistry = "VerifierRegistry"
    case multisig = "TakumiMultisig"
    case proxy = "ERC1967Proxy"

    /// The four upgradeable contracts, each behind an `ERC1967Proxy`, in the manifest's order.
    public static let upgradeable: [TakumiContract] = [.skillProfile, .skillClaim, .endorsement, .verifierRegistry]

    public init?(name: String) { self.init(rawValue: name) }

    /// The contract name: `chain/abi/<name>.json`, the manifest's key.
    public var name: String { rawValue }

    /// Every event the contract can emit (for a proxy: its implementation's plus its own).
    public var events: [ABIEvent] {
        switch self {
        case .skillProfile: SkillProfileABI.events
        case .skillClaim: SkillClaimABI.events
        case .endorsement: EndorsementABI.events
        case .verifierRegistry: VerifierRegistryABI.events
        case .multisig: TakumiMultisigABI.events
        case .proxy: ERC1967ProxyABI.events
        }
    }

    /// Every function in the contract's ABI.
    public var functions: [ABIFunction] {
        switch self {
        case .skillProfile: SkillProfileABI.functions
        case .skillClaim: SkillClaimABI.functions
        case .endorsement: EndorsementABI.functions
        case .verifierRegistry: VerifierRegistryABI.functions
        case .multisig: TakumiMultisigABI.functions
        case .proxy: ERC1967ProxyABI.functions
        }
    }

    /// The function called `name` (none of Takumi's functions is overloaded).
    public func function(named name: String) -> ABIFunction? {
        functions.first { $0.name == name }
    }
}
