import Ethereum

/// `Endorsement`'s ABI, written once. `chain/abi/Endorsement.json` must match
/// (`ContractBindingTests` fails on any drift).
///
/// ```swift
/// EndorsementABI.endorsed.signature   // "Endorsed(uint256,address,uint256,address,string)"
/// ```
public enum EndorsementABI {
    // MARK: Events

    public static let endorsed = ABIEvent(name: "Endorsed", inputs: [
        .indexed("endorsementId", .uint256), .indexed("endorser", .address), .indexed("skillId", .uint256),
        .named("endorsee", .address), .named("message", .string),
    ])
    public static let endorsementRevoked = ABIEvent(name: "EndorsementRevoked", inputs: [
        .indexed("endorsementId", .uint256), .indexed("endorser", .address), .indexed("skillId", .uint256),
    ])

    public static let events: [ABIEvent] = [endorsed, endorsementRevoked] + GovernanceABI.events

    // MARK: Structs returned by views

    /// `struct Endorsement`, as `getEndorsement` returns it.
    public static let endorsementFields: [ABIParameter] = [
        .named("id", .uint256), .named("endorser", .address), .named("endorsee", .address), .named("skillId", .uint256),
        .named("message", .string), .named("active", .bool), .named("createdAt", .uint256), .named("revokedAt", .uint256),
    ]

    // MARK: Functions

    public static let initialize = ABIFunction.transaction("initialize", [
        .named("admin", .address), .named("pauser", .address), .named("skillProfile", .address),
    ])
    public static let endorse = ABIFunction.returning(
        "endorse", [.named("endorsee", .address), .named("skillId", .uint256), .named("message", .string)], returns: .uint256
    )
    public static let revokeEndorsement = ABIFunction.transaction("revokeEndorsement", [.named("endorsementId", .uint256)])
    public static let getEndorsement = ABIFunction.returning(
        "getEndorsement", [.named("endorsementId", .uint256)], returns: .tuple(endorsementFields.map(\.type))
    )
    public static let nextEndorsementId = ABIFunction.getter("nextEndorsementId", .uint256)
    public static let maxMessageLength = ABIFunction.getter("MAX_MESSAGE_LENGTH", .uint256)
    public static let maxEndorsementsPerSkill = ABIFunction.getter("MAX_ENDORSEMENTS_PER_SKILL", .uint256)
    public static let maxEndorsementsGiven = ABIFunction.getter("MAX_ENDORSEMENTS_GIVEN", .uint256)
    public static let skillProfile = ABIFunction.getter("skillProfile", .address)
    public static let endorsementCount = ABIFunction.getter("endorsementCount", .uint256)
    public static let activeEndorsementId = ABIFunction.returning(
        "activeEndorsementId", [.named("arg0", .address), .named("arg1", .uint256)], returns: .uint256
    )
    public static let receivedCount = ABIFunction.returning("receivedCount", [.named("arg0", .uint256)], returns: .uint256)
    public static let givenCount = ABIFunction.returning("givenCount", [.named("arg0", .address)], returns: .uint256)

    public static let functions: [ABIFunction] = [
        initialize, endorse, revokeEndorsement, getEndorsement, nextEndorsementId,
        maxMessageLength, maxEndorsementsPerSkill, maxEndorsementsGiven,
        skillProfile, endorsementCount, activeEndorsementId, receivedCount, givenCount,
    ] + GovernanceABI.functions
}
