import BigInt
import Ethereum

/// A call proposed to `TakumiMultisig`, as `getProposal` returns it (with the
/// id it was asked for).
///
/// ```swift
/// let proposal = try MultisigCalls.getProposal(4).decodeOutput(returnData)
/// proposal?.executed
/// ```
public struct MultisigProposal: Sendable, Hashable {
    public var id: UInt64
    public var target: Address
    /// Wei sent with the call.
    public var amount: BigUInt
    public var data: [UInt8]
    public var proposer: Address
    public var executed: Bool

    public init(id: UInt64, target: Address, amount: BigUInt, data: [UInt8], proposer: Address, executed: Bool) {
        self.id = id
        self.target = target
        self.amount = amount
        self.data = data
        self.proposer = proposer
        self.executed = executed
    }

    /// The `struct Proposal` tuple next in `output`; `nil` for the zero struct (no proposer: unknown id).
    static func read(id: UInt64, from output: inout ABIFields) throws(ContractBindingError) -> MultisigProposal? {
        var fields = try output.tuple(TakumiMultisigABI.proposalFields, context: "Proposal")
        let proposal = MultisigProposal(
            id: id, target: try fields.address(), amount: try fields.bigUInt(), data: try fields.bytes(),
            proposer: try fields.address(), executed: try fields.bool()
        )
        return proposal.proposer == .zero ? nil : proposal
    }
}
