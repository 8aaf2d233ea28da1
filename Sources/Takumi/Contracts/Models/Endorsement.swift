import Ethereum

/// One professional's endorsement of another's skill, as
/// `Endorsement.getEndorsement` returns it. A revoked one stays readable.
///
/// ```swift
/// let endorsement = try Endorsement(decoding: getEndorsementReturnData)
/// endorsement.active ? endorsement.message : "revoked"
/// ```
public struct Endorsement: Sendable, Hashable {
    public var id: UInt64
    public var endorser: Address
    public var endorsee: Address
    public var skillId: UInt64
    public var message: String
    public var active: Bool
    public var createdAt: UInt64
    /// When the endorser revoked it; `nil` while active (the contract stores 0).
    public var revokedAt: UInt64?

    public init(
        id: UInt64, endorser: Address, endorsee: Address, skillId: UInt64, message: String,
        active: Bool, createdAt: UInt64, revokedAt: UInt64?
    ) {
        self.id = id
        self.endorser = endorser
        self.endorsee = endorsee
        self.skillId = skillId
        self.message = message
        self.active = active
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    /// The endorsement in `getEndorsement`'s return data; ``ContractBindingError/notFound(function:)`` for the zero struct.
    public init(decoding returnData: [UInt8]) throws(ContractBindingError) {
        guard let endorsement = try EndorsementCalls.getEndorsement(0).decodeOutput(returnData) else {
            throw .notFound(function: EndorsementABI.getEndorsement.name)
        }
        self = endorsement
    }

    /// The `struct Endorsement` tuple next in `output`; `nil` for the zero struct (id 0).
    static func read(from output: inout ABIFields) throws(ContractBindingError) -> Endorsement? {
        var fields = try output.tuple(EndorsementABI.endorsementFields, context: "Endorsement")
        let endorsement = Endorsement(
            id: try fields.uint64(), endorser: try fields.address(), endorsee: try fields.address(),
            skillId: try fields.uint64(), message: try fields.string(), active: try fields.bool(),
            createdAt: try fields.uint64(), revokedAt: try fields.optionalUInt64()
        )
        return endorsement.id == 0 ? nil : endorsement
    }
}
