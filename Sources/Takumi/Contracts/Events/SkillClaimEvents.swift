import Ethereum

extension TakumiEvent {
    /// `SkillClaim.ClaimCreated`: a claimant asked for one of their skills to be verified (status pending).
    ///
    /// ```swift
    /// TakumiEvent.ClaimCreated(claimId: 3, claimant: owner, skillId: 7, evidenceURI: "ipfs://evidence")
    /// ```
    public struct ClaimCreated: ContractEvent {
        public static let abi = SkillClaimABI.claimCreated
        public var claimId: UInt64
        public var claimant: Address
        public var skillId: UInt64
        public var evidenceURI: String

        public init(claimId: UInt64, claimant: Address, skillId: UInt64, evidenceURI: String) {
            self.claimId = claimId
            self.claimant = claimant
            self.skillId = skillId
            self.evidenceURI = evidenceURI
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            claimId = try fields.uint64()
            claimant = try fields.address()
            skillId = try fields.uint64()
            evidenceURI = try fields.string()
        }

        public var abiValues: [ABIValue] { [.uint64(claimId), .address(claimant), .uint64(skillId), .string(evidenceURI)] }
    }

    /// `SkillClaim.VerifierAssigned`: an operator handed the claim to a verifier (status assigned).
    ///
    /// ```swift
    /// TakumiEvent.VerifierAssigned(claimId: 3, verifier: verifier, operator: operatorKey)
    /// ```
    public struct VerifierAssigned: ContractEvent {
        public static let abi = SkillClaimABI.verifierAssigned
        public var claimId: UInt64
        public var verifier: Address
        public var `operator`: Address

        public init(claimId: UInt64, verifier: Address, operator: Address) {
            self.claimId = claimId
            self.verifier = verifier
            self.operator = `operator`
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            claimId = try fields.uint64()
            verifier = try fields.address()
            self.operator = try fields.address()
        }

        public var abiValues: [ABIValue] { [.uint64(claimId), .address(verifier), .address(self.operator)] }
    }

    /// `SkillClaim.ClaimApproved`: the assigned verifier approved the claim (status approved).
    ///
    /// ```swift
    /// TakumiEvent.ClaimApproved(claimId: 3, verifier: verifier, skillId: 7)
    /// ```
    public struct ClaimApproved: ContractEvent {
        public static let abi = SkillClaimABI.claimApproved
        public var claimId: UInt64
        public var verifier: Address
        public var skillId: UInt64

        public init(claimId: UInt64, verifier: Address, skillId: UInt64) {
            self.claimId = claimId
            self.verifier = verifier
            self.skillId = skillId
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            claimId = try fields.uint64()
            verifier = try fields.address()
            skillId = try fields.uint64()
        }

        public var abiValues: [ABIValue] { [.uint64(claimId), .address(verifier), .uint64(skillId)] }
    }

    /// `SkillClaim.ClaimRejected`: the assigned verifier rejected the claim, saying why (status rejected).
    ///
    /// ```swift
    /// TakumiEvent.ClaimRejected(claimId: 3, verifier: verifier, reason: "evidence unreadable")
    /// ```
    public struct ClaimRejected: ContractEvent {
        public static let abi = SkillClaimABI.claimRejected
        public var claimId: UInt64
        public var verifier: Address
        public var reason: String

        public init(claimId: UInt64, verifier: Address, reason: String) {
            self.claimId = claimId
            self.verifier = verifier
            self.reason = reason
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            claimId = try fields.uint64()
            verifier = try fields.address()
            reason = try fields.string()
        }

        public var abiValues: [ABIValue] { [.uint64(claimId), .address(verifier), .string(reason)] }
    }

    /// `SkillClaim.ClaimDisputed`: the claimant contested a rejection (status disputed).
    ///
    /// ```swift
    /// TakumiEvent.ClaimDisputed(claimId: 3, claimant: owner, reason: "see the new link")
    /// ```
    public struct ClaimDisputed: ContractEvent {
        public static let abi = SkillClaimABI.claimDisputed
        public var claimId: UInt64
        public var claimant: Address
        public var reason: String

        public init(claimId: UInt64, claimant: Address, reason: String) {
            self.claimId = claimId
            self.claimant = claimant
            self.reason = reason
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            claimId = try fields.uint64()
            claimant = try fields.address()
            reason = try fields.string()
        }

        public var abiValues: [ABIValue] { [.uint64(claimId), .address(claimant), .string(reason)] }
    }

    /// `SkillClaim.DisputeResolved`: an operator upheld the rejection (status rejection upheld)
    /// or overturned it (status approved, skill verified).
    ///
    /// ```swift
    /// TakumiEvent.DisputeResolved(claimId: 3, operator: operatorKey, overturned: true, note: "evidence valid")
    /// ```
    public struct DisputeResolved: ContractEvent {
        public static let abi = SkillClaimABI.disputeResolved
        public var claimId: UInt64
        public var `operator`: Address
        public var overturned: Bool
        public var note: String

        public init(claimId: UInt64, operator: Address, overturned: Bool, note: String) {
            self.claimId = claimId
            self.operator = `operator`
            self.overturned = overturned
            self.note = note
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            claimId = try fields.uint64()
            self.operator = try fields.address()
            overturned = try fields.bool()
            note = try fields.string()
        }

        public var abiValues: [ABIValue] { [.uint64(claimId), .address(self.operator), .bool(overturned), .string(note)] }
    }
}
