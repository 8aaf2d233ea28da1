import Ethereum

/// `TakumiMultisig`'s ABI, written once: the M-of-N owner wallet holding
/// `DEFAULT_ADMIN_ROLE` and `UPGRADER_ROLE`. `chain/abi/TakumiMultisig.json`
/// must match (`ContractBindingTests` fails on any drift).
///
/// ```swift
/// TakumiMultisigABI.executed.signature   // "Executed(uint256,address,address,address,uint256,bytes)"
/// ```
public enum TakumiMultisigABI {
    // MARK: Events

    public static let proposed = ABIEvent(name: "Proposed", inputs: [
        .indexed("proposalId", .uint256), .indexed("proposer", .address), .indexed("target", .address),
        .named("amount", .uint256), .named("data", .bytes),
    ])
    public static let confirmed = ABIEvent(name: "Confirmed", inputs: [
        .indexed("proposalId", .uint256), .indexed("owner", .address), .indexed("target", .address),
        .named("confirmations", .uint256),
    ])
    public static let revoked = ABIEvent(name: "Revoked", inputs: [
        .indexed("proposalId", .uint256), .indexed("owner", .address), .indexed("target", .address),
        .named("confirmations", .uint256),
    ])
    public static let executed = ABIEvent(name: "Executed", inputs: [
        .indexed("proposalId", .uint256), .indexed("executor", .address), .indexed("target", .address),
        .named("proposer", .address), .named("amount", .uint256), .named("data", .bytes),
    ])
    public static let ownerAdded = ABIEvent(name: "OwnerAdded", inputs: [.indexed("owner", .address)])
    public static let ownerRemoved = ABIEvent(name: "OwnerRemoved", inputs: [.indexed("owner", .address)])
    public static let thresholdChanged = ABIEvent(name: "ThresholdChanged", inputs: [.named("threshold", .uint256)])
    public static let deposited = ABIEvent(name: "Deposited", inputs: [.indexed("sender", .address), .named("amount", .uint256)])

    public static let events: [ABIEvent] = [
        proposed, confirmed, revoked, executed, ownerAdded, ownerRemoved, thresholdChanged, deposited,
    ]

    // MARK: Structs returned by views

    /// `struct Proposal`, as `getProposal` returns it.
    public static let proposalFields: [ABIParameter] = [
        .named("target", .address), .named("amount", .uint256), .named("data", .bytes),
        .named("proposer", .address), .named("executed", .bool),
    ]

    // MARK: Functions

    public static let propose = ABIFunction.returning(
        "propose", [.named("target", .address), .named("amount", .uint256), .named("data", .bytes)], returns: .uint256
    )
    public static let confirm = ABIFunction.transaction("confirm", [.named("proposalId", .uint256)])
    public static let revoke = ABIFunction.transaction("revoke", [.named("proposalId", .uint256)])
    public static let execute = ABIFunction.transaction("execute", [.named("proposalId", .uint256)])
    public static let addOwner = ABIFunction.transaction("addOwner", [.named("owner", .address)])
    public static let removeOwner = ABIFunction.transaction("removeOwner", [.named("owner", .address)])
    public static let changeThreshold = ABIFunction.transaction("changeThreshold", [.named("threshold", .uint256)])
    public static let getOwners = ABIFunction.getter("getOwners", .array(.address))
    public static let getProposal = ABIFunction.returning(
        "getProposal", [.named("proposalId", .uint256)], returns: .tuple(proposalFields.map(\.type))
    )
    public static let confirmationCount = ABIFunction.returning(
        "confirmationCount", [.named("proposalId", .uint256)], returns: .uint256
    )
    public static let maxOwners = ABIFunction.getter("MAX_OWNERS", .uint256)
    public static let maxCalldata = ABIFunction.getter("MAX_CALLDATA", .uint256)
    public static let isOwner = ABIFunction.returning("isOwner", [.named("arg0", .address)], returns: .bool)
    public static let threshold = ABIFunction.getter("threshold", .uint256)
    public static let proposalCount = ABIFunction.getter("proposalCount", .uint256)
    public static let isConfirmedBy = ABIFunction.returning(
        "isConfirmedBy", [.named("arg0", .uint256), .named("arg1", .address)], returns: .bool
    )

    public static let functions: [ABIFunction] = [
        propose, confirm, revoke, execute, addOwner, removeOwner, changeThreshold, getOwners, getProposal,
        confirmationCount, maxOwners, maxCalldata, isOwner, threshold, proposalCount, isConfirmedBy,
    ]
}
