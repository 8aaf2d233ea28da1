import Ethereum

extension TakumiEvent {
    /// `SkillProfile.ProfileCreated`: a professional created their profile.
    ///
    /// ```swift
    /// TakumiEvent.ProfileCreated(owner: owner, name: "Aiko Tanaka", bio: "匠", metadataURI: "ipfs://bafy")
    /// ```
    public struct ProfileCreated: ContractEvent {
        public static let abi = SkillProfileABI.profileCreated
        public var owner: Address
        public var name: String
        public var bio: String
        public var metadataURI: String

        public init(owner: Address, name: String, bio: String, metadataURI: String) {
            self.owner = owner
            self.name = name
            self.bio = bio
            self.metadataURI = metadataURI
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            owner = try fields.address()
            name = try fields.string()
            bio = try fields.string()
            metadataURI = try fields.string()
        }

        public var abiValues: [ABIValue] { [.address(owner), .string(name), .string(bio), .string(metadataURI)] }
    }

    /// `SkillProfile.ProfileUpdated`: a profile's name, bio and metadata URI, as they now are.
    ///
    /// ```swift
    /// TakumiEvent.ProfileUpdated(owner: owner, name: "Aiko Tanaka", bio: "Engineer", metadataURI: "")
    /// ```
    public struct ProfileUpdated: ContractEvent {
        public static let abi = SkillProfileABI.profileUpdated
        public var owner: Address
        public var name: String
        public var bio: String
        public var metadataURI: String

        public init(owner: Address, name: String, bio: String, metadataURI: String) {
            self.owner = owner
            self.name = name
            self.bio = bio
            self.metadataURI = metadataURI
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            owner = try fields.address()
            name = try fields.string()
            bio = try fields.string()
            metadataURI = try fields.string()
        }

        public var abiValues: [ABIValue] { [.address(owner), .string(name), .string(bio), .string(metadataURI)] }
    }

    /// `SkillProfile.SkillAdded`: a skill with a new, never reused id.
    ///
    /// ```swift
    /// TakumiEvent.SkillAdded(skillId: 7, owner: owner, name: "Vyper", category: "engineering")
    /// ```
    public struct SkillAdded: ContractEvent {
        public static let abi = SkillProfileABI.skillAdded
        public var skillId: UInt64
        public var owner: Address
        public var name: String
        public var category: String

        public init(skillId: UInt64, owner: Address, name: String, category: String) {
            self.skillId = skillId
            self.owner = owner
            self.name = name
            self.category = category
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            skillId = try fields.uint64()
            owner = try fields.address()
            name = try fields.string()
            category = try fields.string()
        }

        public var abiValues: [ABIValue] { [.uint64(skillId), .address(owner), .string(name), .string(category)] }
    }

    /// `SkillProfile.SkillRemoved`: the owner removed a skill (it stays readable, marked removed).
    ///
    /// ```swift
    /// TakumiEvent.SkillRemoved(skillId: 7, owner: owner)
    /// ```
    public struct SkillRemoved: ContractEvent {
        public static let abi = SkillProfileABI.skillRemoved
        public var skillId: UInt64
        public var owner: Address

        public init(skillId: UInt64, owner: Address) {
            self.skillId = skillId
            self.owner = owner
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            skillId = try fields.uint64()
            owner = try fields.address()
        }

        public var abiValues: [ABIValue] { [.uint64(skillId), .address(owner)] }
    }

    /// `SkillProfile.SkillVerified`: an approved claim verified the skill.
    ///
    /// ```swift
    /// TakumiEvent.SkillVerified(skillId: 7, owner: owner, claimId: 3)
    /// ```
    public struct SkillVerified: ContractEvent {
        public static let abi = SkillProfileABI.skillVerified
        public var skillId: UInt64
        public var owner: Address
        public var claimId: UInt64

        public init(skillId: UInt64, owner: Address, claimId: UInt64) {
            self.skillId = skillId
            self.owner = owner
            self.claimId = claimId
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            skillId = try fields.uint64()
            owner = try fields.address()
            claimId = try fields.uint64()
        }

        public var abiValues: [ABIValue] { [.uint64(skillId), .address(owner), .uint64(claimId)] }
    }
}
