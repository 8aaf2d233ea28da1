import Ethereum

/// `VerifierRegistry`'s ABI, written once. `chain/abi/VerifierRegistry.json`
/// must match (`ContractBindingTests` fails on any drift).
///
/// ```swift
/// VerifierRegistryABI.verifierRegistered.signature // "VerifierRegistered(address,address,string,string,string[])"
/// ```
public enum VerifierRegistryABI {
    // MARK: Events

    public static let verifierRegistered = ABIEvent(name: "VerifierRegistered", inputs: [
        .indexed("account", .address), .indexed("operator", .address), .named("name", .string),
        .named("organisation", .string), .named("specialisations", .array(.string)),
    ])
    public static let verifierUpdated = ABIEvent(name: "VerifierUpdated", inputs: [
        .indexed("account", .address), .indexed("operator", .address), .named("name", .string),
        .named("organisation", .string), .named("specialisations", .array(.string)),
    ])
    public static let verifierSuspended = ABIEvent(name: "VerifierSuspended", inputs: [
        .indexed("account", .address), .indexed("operator", .address), .named("reason", .string),
    ])
    public static let verifierReactivated = ABIEvent(name: "VerifierReactivated", inputs: [
        .indexed("account", .address), .indexed("operator", .address),
    ])

    public static let events: [ABIEvent] =
        [verifierRegistered, verifierUpdated, verifierSuspended, verifierReactivated] + GovernanceABI.events

    // MARK: Structs returned by views

    /// `struct Verifier`, as `getVerifier` returns it.
    public static let verifierFields: [ABIParameter] = [
        .named("account", .address), .named("name", .string), .named("organisation", .string),
        .named("specialisations", .array(.string)), .named("active", .bool), .named("registeredAt", .uint256),
        .named("updatedAt", .uint256),
    ]

    // MARK: Functions

    public static let initialize = ABIFunction.transaction("initialize", [
        .named("admin", .address), .named("pauser", .address), .named("operator", .address),
    ])
    public static let registerVerifier = ABIFunction.transaction("registerVerifier", [
        .named("account", .address), .named("name", .string), .named("organisation", .string),
        .named("specialisations", .array(.string)),
    ])
    public static let updateVerifier = ABIFunction.transaction("updateVerifier", [
        .named("account", .address), .named("name", .string), .named("organisation", .string),
        .named("specialisations", .array(.string)),
    ])
    public static let suspendVerifier = ABIFunction.transaction("suspendVerifier", [
        .named("account", .address), .named("reason", .string),
    ])
    public static let reactivateVerifier = ABIFunction.transaction("reactivateVerifier", [.named("account", .address)])
    public static let isActiveVerifier = ABIFunction.returning("isActiveVerifier", [.named("account", .address)], returns: .bool)
    public static let getVerifier = ABIFunction.returning(
        "getVerifier", [.named("account", .address)], returns: .tuple(verifierFields.map(\.type))
    )
    public static let maxNameLength = ABIFunction.getter("MAX_NAME_LENGTH", .uint256)
    public static let maxOrganisationLength = ABIFunction.getter("MAX_ORGANISATION_LENGTH", .uint256)
    public static let maxSpecialisations = ABIFunction.getter("MAX_SPECIALISATIONS", .uint256)
    public static let maxSpecialisationLength = ABIFunction.getter("MAX_SPECIALISATION_LENGTH", .uint256)
    public static let maxReasonLength = ABIFunction.getter("MAX_REASON_LENGTH", .uint256)
    public static let verifierCount = ABIFunction.getter("verifierCount", .uint256)
    public static let activeVerifierCount = ABIFunction.getter("activeVerifierCount", .uint256)

    public static let functions: [ABIFunction] = [
        initialize, registerVerifier, updateVerifier, suspendVerifier, reactivateVerifier, isActiveVerifier, getVerifier,
        maxNameLength, maxOrganisationLength, maxSpecialisations, maxSpecialisationLength, maxReasonLength,
        verifierCount, activeVerifierCount, GovernanceABI.operatorRole,
    ] + GovernanceABI.functions
}
