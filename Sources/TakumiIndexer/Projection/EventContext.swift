import Ethereum
import Takumi

/// Where a decoded event happened: what the projection rows record about it
/// (chain label, block, transaction, emitting contract) and whether its block
/// is still reversible (then every row change is journaled for exact undo).
public struct EventContext: Sendable, Hashable {
    public var chain: String
    public var blockNumber: UInt64
    public var transactionHash: Bytes32
    public var logIndex: UInt64
    /// The contract that emitted the log, by the manifest's name ("SkillProfile", "TakumiMultisig"…).
    public var contract: String
    public var contractAddress: Address
    /// Journal row changes under this block (nil: the block is final, no undo needed).
    public var journalBlock: UInt64?

    public init(
        chain: String, blockNumber: UInt64, transactionHash: Bytes32, logIndex: UInt64,
        contract: String, contractAddress: Address, journalBlock: UInt64?
    ) {
        self.chain = chain
        self.blockNumber = blockNumber
        self.transactionHash = transactionHash
        self.logIndex = logIndex
        self.contract = contract
        self.contractAddress = contractAddress
        self.journalBlock = journalBlock
    }
}
