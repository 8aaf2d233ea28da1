import Foundation

/// The right to write one chain's index: exactly one holder at a time.
/// ``epoch`` is the fencing token: every ``IndexerStore/write(_:_:)`` first
/// checks that `indexer_state.epoch` still equals it, so a writer that lost
/// its lease (paused process, dropped connection) cannot commit a batch after
/// a successor took over.
///
/// ```swift
/// let lease = try await store.acquireLease(chain: "sepolia", wait: .seconds(30))
/// do {
///     try await store.write(lease) { tx in try await tx.setCheckpoint(block: 10, hash: hash) }
/// } catch StoreError.fenced, StoreError.leaseLost {
///     // another indexer took over, or the lock's connection died: acquire again
/// }
/// await lease.release()
/// ```
public struct IndexerLease: Sendable, CustomStringConvertible {
    public let chain: String
    public let epoch: Int64
    public let acquiredAt: Date
    let handle: any LeaseHandle

    init(chain: String, epoch: Int64, acquiredAt: Date = Date(), handle: any LeaseHandle) {
        self.chain = chain
        self.epoch = epoch
        self.acquiredAt = acquiredAt
        self.handle = handle
    }

    /// Gives the lease up (PostgreSQL: unlocks and closes its connection;
    /// SQLite: unlocks the lock file). Idempotent.
    public func release() async { await handle.release() }

    /// False once released, or when the lease's connection is known to be gone.
    /// `write` checks for real; this is for status displays.
    public var isHeld: Bool { handle.lostReason == nil }

    public var description: String { "lease(\(chain), epoch \(epoch))" }
}

/// What a backend keeps for a lease it handed out.
protocol LeaseHandle: Sendable {
    /// nil while the lease is held; why it is not otherwise.
    var lostReason: String? { get }
    func release() async
}
