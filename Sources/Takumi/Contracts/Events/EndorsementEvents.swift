import Ethereum

extension TakumiEvent {
    /// `Endorsement.Endorsed`: `endorser` endorsed `endorsee`'s skill with a short message.
    ///
    /// ```swift
    /// TakumiEvent.Endorsed(endorsementId: 12, endorser: colleague, skillId: 7, endorsee: owner, message: "Solid work")
    /// ```
    public struct Endorsed: ContractEvent {
        public static let abi = EndorsementABI.endorsed
        public var endorsementId: UInt64
        public var endorser: Address
        public var skillId: UInt64
        public var endorsee: Address
        public var message: String

        public init(endorsementId: UInt64, endorser: Address, skillId: UInt64, endorsee: Address, message: String) {
            self.endorsementId = endorsementId
            self.endorser = endorser
            self.skillId = skillId
            self.endorsee = endorsee
            self.message = message
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            endorsementId = try fields.uint64()
            endorser = try fields.address()
            skillId = try fields.uint64()
            endorsee = try fields.address()
            message = try fields.string()
        }

        public var abiValues: [ABIValue] {
            [.uint64(endorsementId), .address(endorser), .uint64(skillId), .address(endorsee), .string(message)]
        }
    }

    /// `Endorsement.EndorsementRevoked`: the endorser withdrew an endorsement (it stays readable, inactive).
    ///
    /// ```swift
    /// TakumiEvent.EndorsementRevoked(endorsementId: 12, endorser: colleague, skillId: 7)
    /// ```
    public struct EndorsementRevoked: ContractEvent {
        public static let abi = EndorsementABI.endorsementRevoked
        public var endorsementId: UInt64
        public var endorser: Address
        public var skillId: UInt64

        public init(endorsementId: UInt64, endorser: Address, skillId: UInt64) {
            self.endorsementId = endorsementId
            self.endorser = endorser
            self.skillId = skillId
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            endorsementId = try fields.uint64()
            endorser = try fields.address()
            skillId = try fields.uint64()
        }

        public var abiValues: [ABIValue] { [.uint64(endorsementId), .address(endorser), .uint64(skillId)] }
    }
}
