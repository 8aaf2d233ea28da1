import Ethereum

/// The events and functions every upgradeable Takumi contract shares: snekmate's
/// `access_control` and `pausable`, and `modules/governance.vy` (UUPS upgrades,
/// run-once initializer, emergency stop). The per-contract tables include these.
///
/// ```swift
/// GovernanceABI.upgraded.signature   // "Upgraded(address)"
/// GovernanceABI.pause.selector       // 0x8456cb59
/// ```
public enum GovernanceABI {
    // MARK: Events

    public static let roleGranted = ABIEvent(name: "RoleGranted", inputs: [
        .indexed("role", .bytes32), .indexed("account", .address), .indexed("sender", .address),
    ])
    public static let roleRevoked = ABIEvent(name: "RoleRevoked", inputs: [
        .indexed("role", .bytes32), .indexed("account", .address), .indexed("sender", .address),
    ])
    public static let roleAdminChanged = ABIEvent(name: "RoleAdminChanged", inputs: [
        .indexed("role", .bytes32), .indexed("previousAdminRole", .bytes32), .indexed("newAdminRole", .bytes32),
    ])
    /// Also emitted by `ERC1967Proxy`'s constructor (same signature).
    public static let upgraded = ABIEvent(name: "Upgraded", inputs: [.indexed("implementation", .address)])
    public static let paused = ABIEvent(name: "Paused", inputs: [.named("account", .address)])
    public static let unpaused = ABIEvent(name: "Unpaused", inputs: [.named("account", .address)])
    public static let initialized = ABIEvent(name: "Initialized", inputs: [.named("version", .uint(64))])

    public static let events: [ABIEvent] = [
        roleGranted, roleRevoked, roleAdminChanged, upgraded, paused, unpaused, initialized,
    ]

    // MARK: Access control

    public static let supportsInterface = ABIFunction.returning(
        "supportsInterface", [.named("interface_id", .fixedBytes(4))], returns: .bool
    )
    public static let grantRole = ABIFunction.transaction("grantRole", [.named("role", .bytes32), .named("account", .address)])
    public static let revokeRole = ABIFunction.transaction("revokeRole", [.named("role", .bytes32), .named("account", .address)])
    public static let renounceRole = ABIFunction.transaction("renounceRole", [.named("role", .bytes32), .named("account", .address)])
    public static let setRoleAdmin = ABIFunction.transaction(
        "set_role_admin", [.named("role", .bytes32), .named("admin_role", .bytes32)]
    )
    public static let hasRole = ABIFunction.returning("hasRole", [.named("role", .bytes32), .named("account", .address)], returns: .bool)
    public static let getRoleAdmin = ABIFunction.returning("getRoleAdmin", [.named("role", .bytes32)], returns: .bytes32)
    public static let defaultAdminRole = ABIFunction.getter("DEFAULT_ADMIN_ROLE", .bytes32)
    public static let upgraderRole = ABIFunction.getter("UPGRADER_ROLE", .bytes32)
    public static let pauserRole = ABIFunction.getter("PAUSER_ROLE", .bytes32)
    /// Only on the contracts with day-to-day administration (SkillClaim, VerifierRegistry).
    public static let operatorRole = ABIFunction.getter("OPERATOR_ROLE", .bytes32)

    // MARK: Pausing, upgrades, version
    // (`pausedGetter`/`initializedGetter`: the plain names are the events.)

    public static let pausedGetter = ABIFunction.getter("paused", .bool)
    public static let pause = ABIFunction.transaction("pause", [])
    public static let unpause = ABIFunction.transaction("unpause", [])
    public static let implementation = ABIFunction.getter("implementation", .address)
    public static let initializedGetter = ABIFunction.getter("initialized", .bool)
    public static let proxiableUUID = ABIFunction.getter("proxiableUUID", .bytes32)
    public static let upgradeTo = ABIFunction.transaction("upgradeTo", [.named("new_implementation", .address)])
    public static let upgradeToAndCall = ABIFunction.transaction(
        "upgradeToAndCall", [.named("new_implementation", .address), .named("data", .bytes)]
    )
    public static let version = ABIFunction.getter("version", .string)

    /// The functions every upgradeable contract has (without `OPERATOR_ROLE` and `initialize`).
    public static let functions: [ABIFunction] = [
        supportsInterface, grantRole, revokeRole, renounceRole, setRoleAdmin, hasRole, getRoleAdmin,
        defaultAdminRole, upgraderRole, pauserRole,
        pausedGetter, pause, unpause, implementation, initializedGetter, proxiableUUID, upgradeTo, upgradeToAndCall, version,
    ]
}
