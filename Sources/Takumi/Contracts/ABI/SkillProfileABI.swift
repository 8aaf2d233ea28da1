import Ethereum

/// `SkillProfile`'s ABI, written once: its events, its functions, and the fields
/// of the structs its views return. `chain/abi/SkillProfile.json` must match
/// (`ContractBindingTests` fails on any drift).
///
/// ```swift
/// SkillProfileABI.skillAdded.topic0          // keccak256("SkillAdded(uint256,address,string,string)")
/// SkillProfileABI.functions.count            // every function of the contract
/// ```
public enum SkillProfileABI {
    // MARK: Events

    public static let profileCreated = ABIEvent(name: "ProfileCreated", inputs: [
        .indexed("owner", .address), .named("name", .string), .named("bio", .string), .named("metadataURI", .string),
    ])
    public static let profileUpdated = ABIEvent(name: "ProfileUpdated", inputs: [
        .indexed("owner", .address), .named("name", .string), .named("bio", .string), .named("metadataURI", .string),
    ])
    public static let skillAdded = ABIEvent(name: "SkillAdded", inputs: [
        .indexed("skillId", .uint256), .indexed("owner", .address), .named("name", .string), .named("category", .string),
    ])
    public static let skillRemoved = ABIEvent(name: "SkillRemoved", inputs: [
        .indexed("skillId", .uint256), .indexed("owner", .address),
    ])
    public static let skillVerified = ABIEvent(name: "SkillVerified", inputs: [
        .indexed("skillId", .uint256), .indexed("owner", .address), .indexed("claimId", .uint256),
    ])

    public static let events: [ABIEvent] =
        [profileCreated, profileUpdated, skillAdded, skillRemoved, skillVerified] + GovernanceABI.events

    // MARK: Structs returned by views

    /// `struct Profile`, as `getProfile` returns it.
    public static let profileFields: [ABIParameter] = [
        .named("owner", .address), .named("name", .string), .named("bio", .string), .named("metadataURI", .string),
        .named("skillCount", .uint256), .named("createdAt", .uint256), .named("updatedAt", .uint256),
    ]
    /// `struct Skill`, as `getSkill` returns it.
    public static let skillFields: [ABIParameter] = [
        .named("id", .uint256), .named("owner", .address), .named("name", .string), .named("category", .string),
        .named("verified", .bool), .named("removed", .bool), .named("verifiedByClaim", .uint256), .named("createdAt", .uint256),
    ]

    // MARK: Functions

    public static let initialize = ABIFunction.transaction("initialize", [.named("admin", .address), .named("pauser", .address)])
    public static let createProfile = ABIFunction.transaction("createProfile", [
        .named("name", .string), .named("bio", .string), .named("metadataURI", .string),
    ])
    public static let updateProfile = ABIFunction.transaction("updateProfile", [
        .named("name", .string), .named("bio", .string), .named("metadataURI", .string),
    ])
    public static let addSkill = ABIFunction.returning("addSkill", [.named("name", .string), .named("category", .string)], returns: .uint256)
    public static let removeSkill = ABIFunction.transaction("removeSkill", [.named("skillId", .uint256)])
    public static let markSkillVerified = ABIFunction.transaction("markSkillVerified", [
        .named("skillId", .uint256), .named("claimId", .uint256),
    ])
    public static let getProfile = ABIFunction.returning("getProfile", [.named("owner", .address)], returns: .tuple(profileFields.map(\.type)))
    public static let hasProfile = ABIFunction.returning("hasProfile", [.named("owner", .address)], returns: .bool)
    public static let getSkill = ABIFunction.returning("getSkill", [.named("skillId", .uint256)], returns: .tuple(skillFields.map(\.type)))
    public static let skillIdsOf = ABIFunction.returning("skillIdsOf", [.named("owner", .address)], returns: .array(.uint256))
    public static let nextSkillId = ABIFunction.getter("nextSkillId", .uint256)
    public static let claimsRole = ABIFunction.getter("CLAIMS_ROLE", .bytes32)
    public static let maxNameLength = ABIFunction.getter("MAX_NAME_LENGTH", .uint256)
    public static let maxBioLength = ABIFunction.getter("MAX_BIO_LENGTH", .uint256)
    public static let maxURILength = ABIFunction.getter("MAX_URI_LENGTH", .uint256)
    public static let maxSkillNameLength = ABIFunction.getter("MAX_SKILL_NAME_LENGTH", .uint256)
    public static let maxCategoryLength = ABIFunction.getter("MAX_CATEGORY_LENGTH", .uint256)
    public static let maxSkillsPerProfile = ABIFunction.getter("MAX_SKILLS_PER_PROFILE", .uint256)
    public static let profileCount = ABIFunction.getter("profileCount", .uint256)
    public static let skillCount = ABIFunction.getter("skillCount", .uint256)

    public static let functions: [ABIFunction] = [
        initialize, createProfile, updateProfile, addSkill, removeSkill, markSkillVerified,
        getProfile, hasProfile, getSkill, skillIdsOf, nextSkillId, claimsRole,
        maxNameLength, maxBioLength, maxURILength, maxSkillNameLength, maxCategoryLength, maxSkillsPerProfile,
        profileCount, skillCount,
    ] + GovernanceABI.functions
}
