import Ethereum

/// A request to have a skill verified, as `SkillClaim.getClaim` returns it.
/// Empty texts mean "not given yet"; timestamps are Unix seconds.
///
/// ```swift
/// let claim = try Claim(decoding: getClaimReturnData)
/// if claim.status == .rejected { print(claim.rejectionReason) }
/// ```
public struct Claim: Sendable, Hashable {
    public var id: UInt64
    public var claimant: Address
    public var skillId: UInt64
    public var evidenceURI: String
    /// The assigned verifier; `nil` while pending (the contract stores the zero address).
    public var verifier: Address?
    public var status: ClaimStatus
    public var rejectionReason: String
    public var disputeReason: String
    public var resolutionNote: String
    public var createdAt: UInt64
    public var updatedAt: UInt64

    public init(
        id: UInt64, claimant: Address, skillId: UInt64, evidenceURI: String, verifier: Address?, status: ClaimStatus,
        rejectionReason: String = "", disputeReason: String = "", resolutionNote: String = "",
        createdAt: UInt64, updatedAt: UInt64
    ) {
        self.id = id
        self.claimant = claimant
        self.skillId = skillId
        self.evidenceURI = evidenceURI
        self.verifier = verifier
        self.status = status
        self.rejectionReason = rejectionReason
        self.disputeReason = disputeReason
        self.resolutionNote = resolutionNote
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The claim in `getClaim`'s return data; ``ContractBindingError/notFound(function:)`` for the zero struct.
    public init(decoding returnData: [UInt8]) throws(ContractBindingError) {
        guard let claim = try SkillClaimCalls.getClaim(0).decodeOutput(returnData) else {
            throw .notFound(function: SkillClaimABI.getClaim.name)
        }
        self = claim
    }

    /// The `struct Claim` tuple next in `output`; `nil` for the zero struct (id 0);
    /// ``ContractBindingError/unknownClaimStatus(claimID:code:)`` for a code outside 1…6.
    static func read(from output: inout ABIFields) throws(ContractBindingError) -> Claim? {
        var fields = try output.tuple(SkillClaimABI.claimFields, context: "Claim")
        let id = try fields.uint64()
        let claimant = try fields.address()
        let skillId = try fields.uint64()
        let evidenceURI = try fields.string()
        let verifier = try fields.optionalAddress()
        let code = try fields.uint8()
        if id == 0 { return nil }
        guard let status = ClaimStatus(rawValue: code) else { throw .unknownClaimStatus(claimID: id, code: code) }
        return Claim(
            id: id, claimant: claimant, skillId: skillId, evidenceURI: evidenceURI, verifier: verifier, status: status,
            rejectionReason: try fields.string(), disputeReason: try fields.string(), resolutionNote: try fields.string(),
            createdAt: try fields.uint64(), updatedAt: try fields.uint64()
        )
    }
}
