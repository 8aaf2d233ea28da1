import Ethereum

/// A professional's profile, as `SkillProfile.getProfile` returns it.
/// Timestamps are block timestamps in Unix seconds.
///
/// ```swift
/// let profile = try Profile(decoding: getProfileReturnData)   // throws .notFound for an unknown owner
/// print(profile.name, profile.skillCount)
/// ```
public struct Profile: Sendable, Hashable {
    public var owner: Address
    public var name: String
    public var bio: String
    public var metadataURI: String
    /// Active (not removed) skills.
    public var skillCount: UInt64
    public var createdAt: UInt64
    public var updatedAt: UInt64

    public init(
        owner: Address, name: String, bio: String, metadataURI: String,
        skillCount: UInt64, createdAt: UInt64, updatedAt: UInt64
    ) {
        self.owner = owner
        self.name = name
        self.bio = bio
        self.metadataURI = metadataURI
        self.skillCount = skillCount
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The profile in `getProfile`'s return data; ``ContractBindingError/notFound(function:)`` for the zero struct.
    public init(decoding returnData: [UInt8]) throws(ContractBindingError) {
        guard let profile = try SkillProfileCalls.getProfile(.zero).decodeOutput(returnData) else {
            throw .notFound(function: SkillProfileABI.getProfile.name)
        }
        self = profile
    }

    /// The `struct Profile` tuple next in `output`; `nil` when the owner is zero (no such profile).
    static func read(from output: inout ABIFields) throws(ContractBindingError) -> Profile? {
        var fields = try output.tuple(SkillProfileABI.profileFields, context: "Profile")
        let profile = Profile(
            owner: try fields.address(), name: try fields.string(), bio: try fields.string(),
            metadataURI: try fields.string(), skillCount: try fields.uint64(),
            createdAt: try fields.uint64(), updatedAt: try fields.uint64()
        )
        return profile.owner == .zero ? nil : profile
    }
}
