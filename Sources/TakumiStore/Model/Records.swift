import Foundation

/// One log as the chain emitted it, decoded when its ABI is known: the raw
/// material every projection can be rebuilt from. Hashes and addresses are
/// lowercase 0x-hex text; `args` is the decoded arguments as a JSON object.
///
/// ```swift
/// let event = ChainEventRecord(
///     chain: "dev", blockNumber: 12, blockHash: "0xab…", txHash: "0xcd…", logIndex: 0,
///     address: "0x5fbdb2315678afecb367f032d93f642f64180aa3", eventName: "SkillAdded",
///     topics: ["0x…", "0x…"], data: "0x…", args: #"{"skillId":"1","name":"Swift"}"#)
/// ```
public struct ChainEventRecord: Sendable, Hashable {
    public var chain: String
    public var blockNumber: UInt64
    public var blockHash: String
    public var txHash: String
    public var logIndex: UInt64
    public var address: String
    /// nil when no known ABI decodes the log.
    public var eventName: String?
    public var topics: [String]
    public var data: String
    /// The decoded arguments as JSON text; nil when undecodable.
    public var args: String?

    public init(
        chain: String, blockNumber: UInt64, blockHash: String, txHash: String, logIndex: UInt64,
        address: String, eventName: String?, topics: [String], data: String, args: String?
    ) {
        self.chain = chain
        self.blockNumber = blockNumber
        self.blockHash = blockHash
        self.txHash = txHash
        self.logIndex = logIndex
        self.address = address
        self.eventName = eventName
        self.topics = topics
        self.data = data
        self.args = args
    }
}

/// A block's hash and parent hash, kept for the recent (unfinalized) window
/// so the indexer can detect a reorg by comparing parent hashes.
///
/// ```swift
/// try await tx.saveBlockHashes([BlockHashRecord(chain: "dev", number: 12, hash: "0xab…", parentHash: "0x9f…")])
/// ```
public struct BlockHashRecord: Sendable, Hashable {
    public var chain: String
    public var number: UInt64
    public var hash: String
    public var parentHash: String

    public init(chain: String, number: UInt64, hash: String, parentHash: String) {
        self.chain = chain
        self.number = number
        self.hash = hash
        self.parentHash = parentHash
    }
}

/// The `indexer_state` row of one chain: how far the indexer got, the
/// fencing epoch of the current lease holder, and the last error it saw.
///
/// `lastSyncedBlock` is nil after a lease was taken but before the first
/// checkpoint. `lastSyncedHash` is nil when an operator moved
/// `last_synced_block` by hand (the runbook's manual resync): the schema
/// forgets the hash rather than keep one of another block.
///
/// ```swift
/// if let state = try await store.state(chain: "sepolia") {
///     print(state.lastSyncedBlock ?? 0, state.epoch)
/// }
/// ```
public struct IndexerState: Sendable, Hashable {
    public var chain: String
    public var lastSyncedBlock: UInt64?
    public var lastSyncedHash: String?
    public var updatedAt: Date
    public var epoch: Int64
    public var lastError: String?

    public init(chain: String, lastSyncedBlock: UInt64?, lastSyncedHash: String?, updatedAt: Date, epoch: Int64, lastError: String?) {
        self.chain = chain
        self.lastSyncedBlock = lastSyncedBlock
        self.lastSyncedHash = lastSyncedHash
        self.updatedAt = updatedAt
        self.epoch = epoch
        self.lastError = lastError
    }
}
