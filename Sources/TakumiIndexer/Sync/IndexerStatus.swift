import Foundation

/// What `takumi indexer status`, `/health` and `/metrics/indexer` show about
/// one chain's indexer, updated after every batch.
public struct IndexerStatus: Sendable, Equatable, Codable {
    public var chain: String
    public var head: UInt64?
    public var syncedBlock: UInt64?
    public var finalityDepth: UInt64
    /// When the chain head last moved (a frozen head is not health, even at lag 0).
    public var headChangedAt: Date?
    public var lastError: String?
    public var activeEndpoint: String?
    /// True while this process holds the leader lease and writes.
    public var isLeader: Bool
    /// True after a reorg deeper than finality: indexing stopped.
    public var stopped: Bool

    public init(chain: String, finalityDepth: UInt64) {
        self.chain = chain
        self.finalityDepth = finalityDepth
        isLeader = false
        stopped = false
    }

    public var lag: UInt64? {
        guard let head, let syncedBlock else { return nil }
        return head > syncedBlock ? head - syncedBlock : 0
    }

    public func headAge(at now: Date = Date()) -> Double? {
        headChangedAt.map { now.timeIntervalSince($0) }
    }
}
