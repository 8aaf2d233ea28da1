import Ethereum

/// A skill listed on a profile, as `SkillProfile.getSkill` returns it. Ids are
/// global, start at 1 and are never reused; a removed skill stays readable.
///
/// ```swift
/// let skill = try Skill(decoding: getSkillReturnData)
/// if skill.verified { print("verified by claim", skill.verifiedByClaim ?? 0) }
/// ```
public struct Skill: Sendable, Hashable {
    public var id: UInt64
    public var owner: Address
    public var name: String
    public var category: String
    public var verified: Bool
    public var removed: Bool
    /// The approved claim that verified it; `nil` while unverified (the contract stores 0).
    public var verifiedByClaim: UInt64?
    /// Block timestamp, Unix seconds.
    public var createdAt: UInt64

    public init(
        id: UInt64, owner: Address, name: String, category: String,
        verified: Bool, removed: Bool, verifiedByClaim: UInt64?, createdAt: UInt64
    ) {
        self.id = id
        self.owner = owner
        self.name = name
        self.category = category
        self.verified = verified
        self.removed = removed
        self.verifiedByClaim = verifiedByClaim
        self.createdAt = createdAt
    }

    /// The skill in `getSkill`'s return data; ``ContractBindingError/notFound(function:)`` for the zero struct.
    public init(decoding returnData: [UInt8]) throws(ContractBindingError) {
        guard let skill = try SkillProfileCalls.getSkill(0).decodeOutput(returnData) else {
            throw .notFound(function: SkillProfileABI.getSkill.name)
        }
        self = skill
    }

    /// The `struct Skill` tuple next in `output`; `nil` when its owner is zero (no such skill).
    static func read(from output: inout ABIFields) throws(ContractBindingError) -> Skill? {
        var fields = try output.tuple(SkillProfileABI.skillFields, context: "Skill")
        let skill = Skill(
            id: try fields.uint64(), owner: try fields.address(), name: try fields.string(), category: try fields.string(),
            verified: try fields.bool(), removed: try fields.bool(), verifiedByClaim: try fields.optionalUInt64(),
            createdAt: try fields.uint64()
        )
        return skill.owner == .zero ? nil : skill
    }
}
