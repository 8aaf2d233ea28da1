import Ethereum

/// `SkillClaim`'s ABI, written once (the logic lives in `modules/skill_claims.vy`).
/// `chain/abi/SkillClaim.json` must match (`ContractBindingTests` fails on any drift).
///
/// ```swift
/// SkillClaimABI.claimCreated.signature   // "ClaimCreated(uint256,address,uint256,string)"
/// ```
public enum SkillClaimABI {
    // MARK: Events

    public static let claimCreated = ABIEvent(name: "ClaimCreated", inputs: [
        .indexed("claimId", .uint256), .indexed("claimant", .address), .indexed("skillId", .uint256),
        .named("evidenceURI", .string),
    ])
    public static let verifierAssigned = ABIEvent(name: "VerifierAssigned", inputs: [
        .indexed("claimId", .uint256), .indexed("verifier", .address), .indexed("operator", .address),
    ])
    public static let claimApproved = ABIEvent(name: "ClaimApproved", inputs: [
        .indexed("claimId", .uint256), .indexed("verifier", .address), .indexed("skillId", .uint256),
    ])
    public static let claimRejected = ABIEvent(name: "ClaimRejected", inputs: [
        .indexed("claimId", .uint256), .indexed("verifier", .address), .named("reason", .string),
    ])
    public static let claimDisputed = ABIEvent(name: "ClaimDisputed", inputs: [
        .indexed("claimId", .uint256), .indexed("claimant", .address), .named("reason", .string),
    ])
    public static let disputeResolved = ABIEvent(name: "DisputeResolved", inputs: [
        .indexed("claimId", .uint256), .indexed("operator", .address), .named("overturned", .bool), .named("note", .string),
    ])

    public static let events: [ABIEvent] =
        [claimCreated, verifierAssigned, claimApproved, claimRejected, claimDisputed, disputeResolved] + GovernanceABI.events

    // MARK: Structs returned by views

    /// `struct Claim`, as `getClaim` returns it.
    public static let claimFields: [ABIParameter] = [
        .named("id", .uint256), .named("claimant", .address), .named("skillId", .uint256), .named("evidenceURI", .string),
        .named("verifier", .address), .named("status", .uint(8)), .named("rejectionReason", .string),
        .named("disputeReason", .string), .named("resolutionNote", .string), .named("createdAt", .uint256),
        .named("updatedAt", .uint256),
    ]

    // MARK: Functions

    public static let initialize = ABIFunction.transaction("initialize", [
        .named("admin", .address), .named("pauser", .address), .named("operator", .address),
        .named("skillProfile", .address), .named("verifierRegistry", .address),
    ])
    public static let createClaim = ABIFunction.returning(
        "createClaim", [.named("skillId", .uint256), .named("evidenceURI", .string)], returns: .uint256
    )
    public static let assignVerifier = ABIFunction.transaction("assignVerifier", [
        .named("claimId", .uint256), .named("verifier", .address),
    ])
    public static let approveClaim = ABIFunction.transaction("approveClaim", [.named("claimId", .uint256)])
    public static let rejectClaim = ABIFunction.transaction("rejectClaim", [.named("claimId", .uint256), .named("reason", .string)])
    public static let disputeRejection = ABIFunction.transaction("disputeRejection", [
        .named("claimId", .uint256), .named("reason", .string),
    ])
    public static let resolveDispute = ABIFunction.transaction("resolveDispute", [
        .named("claimId", .uint256), .named("overturn", .bool), .named("note", .string),
    ])
    public static let getClaim = ABIFunction.returning("getClaim", [.named("claimId", .uint256)], returns: .tuple(claimFields.map(\.type)))
    public static let nextClaimId = ABIFunction.getter("nextClaimId", .uint256)
    public static let statusPending = ABIFunction.getter("STATUS_PENDING", .uint(8))
    public static let statusAssigned = ABIFunction.getter("STATUS_ASSIGNED", .uint(8))
    public static let statusApproved = ABIFunction.getter("STATUS_APPROVED", .uint(8))
    public static let statusRejected = ABIFunction.getter("STATUS_REJECTED", .uint(8))
    public static let statusDisputed = ABIFunction.getter("STATUS_DISPUTED", .uint(8))
    public static let statusRejectionUpheld = ABIFunction.getter("STATUS_REJECTION_UPHELD", .uint(8))
    public static let maxURILength = ABIFunction.getter("MAX_URI_LENGTH", .uint256)
    public static let maxReasonLength = ABIFunction.getter("MAX_REASON_LENGTH", .uint256)
    public static let skillProfile = ABIFunction.getter("skillProfile", .address)
    public static let verifierRegistry = ABIFunction.getter("verifierRegistry", .address)
    public static let claimCount = ABIFunction.getter("claimCount", .uint256)
    public static let latestClaimOf = ABIFunction.returning("latestClaimOf", [.named("arg0", .uint256)], returns: .uint256)

    public static let functions: [ABIFunction] = [
        initialize, createClaim, assignVerifier, approveClaim, rejectClaim, disputeRejection, resolveDispute,
        getClaim, nextClaimId,
        statusPending, statusAssigned, statusApproved, statusRejected, statusDisputed, statusRejectionUpheld,
        maxURILength, maxReasonLength, skillProfile, verifierRegistry, claimCount, latestClaimOf,
        GovernanceABI.operatorRole,
    ] + GovernanceABI.functions
}
