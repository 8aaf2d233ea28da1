import BigInt
import Ethereum

/// Typed calls for `TakumiMultisig`: proposing, confirming, revoking and
/// executing calls, its owner set and threshold. Owner and threshold changes
/// are themselves proposals the multisig executes on itself.
///
/// ```swift
/// let data = try GovernanceCalls.unpause.calldata()
/// let propose = try MultisigCalls.propose(target: skillProfile, data: data).calldata() // owner 1 sends
/// let confirm = try MultisigCalls.confirm(1).calldata()                                // owner 2 sends
/// let execute = try MultisigCalls.execute(1).calldata()
/// ```
public enum MultisigCalls {
    /// `propose(address,uint256,bytes)`: returns the new proposal id (when simulated with `eth_call`).
    public static func propose(target: Address, amount: BigUInt = 0, data: [UInt8]) -> ContractCall<UInt64> {
        ContractCall(integer: TakumiMultisigABI.propose, [.address(target), .uint(amount), .bytes(data)])
    }

    /// `confirm(uint256)`.
    public static func confirm(_ proposalId: UInt64) -> ContractCall<Void> {
        ContractCall(transaction: TakumiMultisigABI.confirm, [.uint64(proposalId)])
    }

    /// `revoke(uint256)`: withdraw your confirmation.
    public static func revoke(_ proposalId: UInt64) -> ContractCall<Void> {
        ContractCall(transaction: TakumiMultisigABI.revoke, [.uint64(proposalId)])
    }

    /// `execute(uint256)`: run a proposal confirmed by `threshold` current owners.
    public static func execute(_ proposalId: UInt64) -> ContractCall<Void> {
        ContractCall(transaction: TakumiMultisigABI.execute, [.uint64(proposalId)])
    }

    /// `getProposal(uint256)`: `nil` for an unknown id (the contract returns the zero struct).
    public static func getProposal(_ proposalId: UInt64) -> ContractCall<MultisigProposal?> {
        ContractCall(TakumiMultisigABI.getProposal, [.uint64(proposalId)]) { fields throws(ContractBindingError) in
            try MultisigProposal.read(id: proposalId, from: &fields)
        }
    }

    /// `getOwners()`.
    public static let getOwners = ContractCall<[Address]>(TakumiMultisigABI.getOwners) { fields throws(ContractBindingError) in
        try fields.addresses()
    }

    /// `threshold()`: confirmations needed to execute.
    public static let threshold = ContractCall<UInt64>(integer: TakumiMultisigABI.threshold)

    /// `proposalCount()`: proposals ever made (== the last id; ids start at 1).
    public static let proposalCount = ContractCall<UInt64>(integer: TakumiMultisigABI.proposalCount)

    /// `confirmationCount(uint256)`: confirmations by current owners.
    public static func confirmationCount(_ proposalId: UInt64) -> ContractCall<UInt64> {
        ContractCall(integer: TakumiMultisigABI.confirmationCount, [.uint64(proposalId)])
    }

    /// `isConfirmedBy(uint256,address)`.
    public static func isConfirmedBy(_ proposalId: UInt64, owner: Address) -> ContractCall<Bool> {
        ContractCall(flag: TakumiMultisigABI.isConfirmedBy, [.uint64(proposalId), .address(owner)])
    }

    /// `isOwner(address)`.
    public static func isOwner(_ account: Address) -> ContractCall<Bool> {
        ContractCall(flag: TakumiMultisigABI.isOwner, [.address(account)])
    }

    /// `addOwner(address)`: only the multisig itself (propose it with target = the multisig).
    public static func addOwner(_ owner: Address) -> ContractCall<Void> {
        ContractCall(transaction: TakumiMultisigABI.addOwner, [.address(owner)])
    }

    /// `removeOwner(address)`: only the multisig itself.
    public static func removeOwner(_ owner: Address) -> ContractCall<Void> {
        ContractCall(transaction: TakumiMultisigABI.removeOwner, [.address(owner)])
    }

    /// `changeThreshold(uint256)`: only the multisig itself.
    public static func changeThreshold(_ threshold: UInt64) -> ContractCall<Void> {
        ContractCall(transaction: TakumiMultisigABI.changeThreshold, [.uint64(threshold)])
    }
}
