import Ethereum

/// Typed views of `SkillProfile`: profiles, skills and their counters. Unknown
/// ids and addresses decode as `nil` (the contract returns the zero struct).
///
/// ```swift
/// let call = SkillProfileCalls.getProfile(owner)
/// let profile = try call.decodeOutput(try await client.call(RPCCall(to: proxy, data: try call.calldata())))
/// ```
public enum SkillProfileCalls {
    /// `getProfile(address)`.
    public static func getProfile(_ owner: Address) -> ContractCall<Profile?> {
        ContractCall(SkillProfileABI.getProfile, [.address(owner)]) { fields throws(ContractBindingError) in
            try Profile.read(from: &fields)
        }
    }

    /// `getSkill(uint256)`.
    public static func getSkill(_ skillId: UInt64) -> ContractCall<Skill?> {
        ContractCall(SkillProfileABI.getSkill, [.uint64(skillId)]) { fields throws(ContractBindingError) in
            try Skill.read(from: &fields)
        }
    }

    /// `skillIdsOf(address)`: the owner's active skill ids, in no meaningful order.
    public static func skillIdsOf(_ owner: Address) -> ContractCall<[UInt64]> {
        ContractCall(SkillProfileABI.skillIdsOf, [.address(owner)]) { fields throws(ContractBindingError) in
            try fields.uint64s()
        }
    }

    /// `nextSkillId()`: the id the next skill will get.
    public static let nextSkillId = ContractCall<UInt64>(integer: SkillProfileABI.nextSkillId)

    /// `profileCount()`: profiles ever created.
    public static let profileCount = ContractCall<UInt64>(integer: SkillProfileABI.profileCount)
}

/// Typed views of `SkillClaim`.
///
/// ```swift
/// let claim = try SkillClaimCalls.getClaim(3).decodeOutput(returnData) // Claim?
/// ```
public enum SkillClaimCalls {
    /// `getClaim(uint256)`.
    public static func getClaim(_ claimId: UInt64) -> ContractCall<Claim?> {
        ContractCall(SkillClaimABI.getClaim, [.uint64(claimId)]) { fields throws(ContractBindingError) in
            try Claim.read(from: &fields)
        }
    }

    /// `nextClaimId()`: the id the next claim will get.
    public static let nextClaimId = ContractCall<UInt64>(integer: SkillClaimABI.nextClaimId)
}

/// Typed views of `Endorsement`.
///
/// ```swift
/// let endorsement = try EndorsementCalls.getEndorsement(12).decodeOutput(returnData) // Endorsement?
/// ```
public enum EndorsementCalls {
    /// `getEndorsement(uint256)`.
    public static func getEndorsement(_ endorsementId: UInt64) -> ContractCall<Endorsement?> {
        ContractCall(EndorsementABI.getEndorsement, [.uint64(endorsementId)]) { fields throws(ContractBindingError) in
            try Endorsement.read(from: &fields)
        }
    }

    /// `nextEndorsementId()`: the id the next endorsement will get.
    public static let nextEndorsementId = ContractCall<UInt64>(integer: EndorsementABI.nextEndorsementId)
}

/// Typed views of `VerifierRegistry`.
///
/// ```swift
/// let verifier = try VerifierRegistryCalls.getVerifier(account).decodeOutput(returnData) // Verifier?
/// ```
public enum VerifierRegistryCalls {
    /// `getVerifier(address)`.
    public static func getVerifier(_ account: Address) -> ContractCall<Verifier?> {
        ContractCall(VerifierRegistryABI.getVerifier, [.address(account)]) { fields throws(ContractBindingError) in
            try Verifier.read(from: &fields)
        }
    }

    /// `verifierCount()`: verifiers ever registered.
    public static let verifierCount = ContractCall<UInt64>(integer: VerifierRegistryABI.verifierCount)
}
