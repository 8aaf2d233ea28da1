/// Why indexing stopped or a batch was abandoned.
public enum IndexerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The chain replaced blocks below the finality depth: the database may hold
    /// events of blocks that no longer exist. Indexing stops; an operator decides
    /// (see docs/RUNBOOK.md, Manual Resync).
    case reorgDeeperThanFinality(chain: String, checkedDownTo: UInt64, finalityDepth: UInt64)
    /// A block the chain should have is missing (a lagging or broken node).
    case missingBlock(UInt64)
    /// The chain changed while a batch was being fetched; the batch is retried.
    case chainMovedDuringFetch(block: UInt64)
    /// The checkpoint changed while a batch was fetched (an operator's manual
    /// resync); the batch is dropped and the database reconciled again.
    case checkpointMoved(from: UInt64, to: UInt64)
    /// `resync --from-block` below where this deployment starts, or above the checkpoint.
    case invalidResyncBlock(requested: UInt64, reason: String)

    public var description: String {
        switch self {
        case let .reorgDeeperThanFinality(chain, checkedDownTo, depth):
            "reorg on \(chain) deeper than the finality depth (\(depth) blocks): no common block found down to block \(checkedDownTo); indexing stopped, resync from a safe block"
        case let .missingBlock(number): "the node has no block \(number)"
        case let .chainMovedDuringFetch(block): "block \(block) changed while its logs were fetched; retrying"
        case let .checkpointMoved(from, to): "the checkpoint moved from block \(from) to \(to) during a batch; reconciling again"
        case let .invalidResyncBlock(requested, reason): "cannot resync from block \(requested): \(reason)"
        }
    }
}
