import Ethereum

/// Typed calls for the governance functions every upgradeable Takumi contract
/// shares: version, pausing, UUPS upgrades and roles. Send them to a proxy
/// (directly from the guardian or operator key, or as a multisig proposal).
///
/// ```swift
/// let pause = try GovernanceCalls.pause.calldata()                     // guardian → proxy
/// let unpause = MultisigCalls.propose(target: proxy, data: try GovernanceCalls.unpause.calldata())
/// let paused = try GovernanceCalls.paused.decodeOutput(returnData)     // Bool
/// ```
public enum GovernanceCalls {
    /// `version()`: the implementation's version string, e.g. `1.0.0`.
    public static let version = ContractCall<String>(GovernanceABI.version) { fields throws(ContractBindingError) in
        try fields.string()
    }

    /// `paused()`.
    public static let paused = ContractCall<Bool>(flag: GovernanceABI.pausedGetter)

    /// `pause()`: PAUSER_ROLE (the guardian).
    public static let pause = ContractCall<Void>(transaction: GovernanceABI.pause)

    /// `unpause()`: DEFAULT_ADMIN_ROLE (the multisig).
    public static let unpause = ContractCall<Void>(transaction: GovernanceABI.unpause)

    /// `upgradeTo(address)`: UPGRADER_ROLE (the multisig).
    public static func upgradeTo(_ implementation: Address) -> ContractCall<Void> {
        ContractCall(transaction: GovernanceABI.upgradeTo, [.address(implementation)])
    }

    /// `upgradeToAndCall(address,bytes)`: upgrade, then delegatecall `data` (a migration) atomically.
    public static func upgradeToAndCall(_ implementation: Address, data: [UInt8]) -> ContractCall<Void> {
        ContractCall(transaction: GovernanceABI.upgradeToAndCall, [.address(implementation), .bytes(data)])
    }

    /// `proxiableUUID()`: the ERC-1967 implementation slot; answers on an implementation, reverts through a proxy.
    public static let proxiableUUID = ContractCall<Bytes32>(GovernanceABI.proxiableUUID) { fields throws(ContractBindingError) in
        try fields.bytes32()
    }

    /// `implementation()`: the implementation a proxy runs (zero on a bare implementation).
    public static let implementation = ContractCall<Address>(GovernanceABI.implementation) { fields throws(ContractBindingError) in
        try fields.address()
    }

    /// `hasRole(bytes32,address)`.
    public static func hasRole(_ role: Bytes32, account: Address) -> ContractCall<Bool> {
        ContractCall(flag: GovernanceABI.hasRole, [.fixedBytes(role), .address(account)])
    }

    /// `grantRole(bytes32,address)`: the role's admin (DEFAULT_ADMIN_ROLE: the multisig).
    public static func grantRole(_ role: Bytes32, to account: Address) -> ContractCall<Void> {
        ContractCall(transaction: GovernanceABI.grantRole, [.fixedBytes(role), .address(account)])
    }

    /// `revokeRole(bytes32,address)`: the role's admin (DEFAULT_ADMIN_ROLE: the multisig).
    public static func revokeRole(_ role: Bytes32, from account: Address) -> ContractCall<Void> {
        ContractCall(transaction: GovernanceABI.revokeRole, [.fixedBytes(role), .address(account)])
    }

    /// `getRoleAdmin(bytes32)`: the role whose holders grant and revoke `role`.
    public static func getRoleAdmin(_ role: Bytes32) -> ContractCall<Bytes32> {
        ContractCall(GovernanceABI.getRoleAdmin, [.fixedBytes(role)]) { fields throws(ContractBindingError) in
            try fields.bytes32()
        }
    }
}
