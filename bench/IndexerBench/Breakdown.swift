import Foundation
import Synchronization
import TakumiStore

/// `--breakdown`: where the indexer's time goes, measured around the store
/// (every ``IndexerTransaction`` call, and the commit after the batch body).
/// What is not in the store is fetching, decoding and the sync loop itself.
/// Off by default: the wrapping costs two clock reads a call.
final class Timings: Sendable {
    struct Entry {
        var calls = 0
        var seconds = 0.0
    }

    private let entries = Mutex<[String: Entry]>([:])

    func add(_ name: String, since start: ContinuousClock.Instant) {
        let elapsed = seconds(ContinuousClock.now - start)
        entries.withLock { entries in
            entries[name, default: Entry()].calls += 1
            entries[name, default: Entry()].seconds += elapsed
        }
    }

    func measure<T>(_ name: String, _ body: () async throws -> T) async rethrows -> T {
        let start = ContinuousClock.now
        defer { add(name, since: start) }
        return try await body()
    }

    func report(total: Double) -> String {
        let sorted = entries.withLock { $0 }.sorted { $0.value.seconds > $1.value.seconds }
        return sorted.map { name, entry in
            "    \(name.padding(toLength: 22, withPad: " ", startingAt: 0)) \(format(entry.seconds, 2).leftPad(8)) s "
                + "\(format(100 * entry.seconds / total, 1).leftPad(5)) %  \(entry.calls) calls"
        }.joined(separator: "\n")
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

/// The store with every batch timed: `write` in total, the body's calls one
/// by one, and the commit (the store's flush and COMMIT) after the body.
struct TimedStore: IndexerStore {
    let base: any IndexerStore
    let timings: Timings

    func migrate() async throws { try await base.migrate() }
    func state(chain: String) async throws -> IndexerState? { try await base.state(chain: chain) }
    func acquireLease(chain: String, wait: Duration) async throws -> IndexerLease {
        try await base.acquireLease(chain: chain, wait: wait)
    }

    func write<T: Sendable>(_ lease: IndexerLease, _ body: (any IndexerTransaction) async throws -> T) async throws -> T {
        let start = ContinuousClock.now
        var bodyEnd = start
        defer {
            timings.add("write (all)", since: start)
            timings.add("commit (flush+COMMIT)", since: bodyEnd)
        }
        return try await base.write(lease) { tx in
            let result = try await body(TimedTransaction(base: tx, timings: timings))
            bodyEnd = ContinuousClock.now
            return result
        }
    }
}

struct TimedTransaction: IndexerTransaction {
    let base: any IndexerTransaction
    let timings: Timings

    func checkpoint() async throws -> (block: UInt64, hash: String)? {
        try await timings.measure("checkpoint") { try await base.checkpoint() }
    }
    func setCheckpoint(block: UInt64, hash: String) async throws {
        try await timings.measure("setCheckpoint") { try await base.setCheckpoint(block: block, hash: hash) }
    }
    func setLastError(_ message: String?) async throws {
        try await timings.measure("setLastError") { try await base.setLastError(message) }
    }
    func insertEvents(_ events: [ChainEventRecord]) async throws {
        try await timings.measure("insertEvents") { try await base.insertEvents(events) }
    }
    func events(chain: String, fromBlock: UInt64, toBlock: UInt64) async throws -> [ChainEventRecord] {
        try await timings.measure("events") { try await base.events(chain: chain, fromBlock: fromBlock, toBlock: toBlock) }
    }
    func deleteEvents(chain: String, afterBlock: UInt64) async throws {
        try await timings.measure("deleteEvents") { try await base.deleteEvents(chain: chain, afterBlock: afterBlock) }
    }
    func maxEventBlock(chain: String) async throws -> UInt64? {
        try await timings.measure("maxEventBlock") { try await base.maxEventBlock(chain: chain) }
    }
    func saveBlockHashes(_ blocks: [BlockHashRecord]) async throws {
        try await timings.measure("saveBlockHashes") { try await base.saveBlockHashes(blocks) }
    }
    func blockHash(chain: String, number: UInt64) async throws -> BlockHashRecord? {
        try await timings.measure("blockHash") { try await base.blockHash(chain: chain, number: number) }
    }
    func deleteBlockHashes(chain: String, afterBlock: UInt64) async throws {
        try await timings.measure("deleteBlockHashes") { try await base.deleteBlockHashes(chain: chain, afterBlock: afterBlock) }
    }
    func pruneBelow(chain: String, block: UInt64) async throws {
        try await timings.measure("pruneBelow") { try await base.pruneBelow(chain: chain, block: block) }
    }
    func row(_ table: ProjectionTable, key: RowKey) async throws -> ProjectionRow? {
        try await timings.measure("row") { try await base.row(table, key: key) }
    }
    func exists(_ table: ProjectionTable, key: RowKey) async throws -> Bool {
        try await timings.measure("exists") { try await base.exists(table, key: key) }
    }
    func prefetch(_ table: ProjectionTable, keys: [RowKey]) async throws {
        try await timings.measure("prefetch") { try await base.prefetch(table, keys: keys) }
    }
    func upsert(_ row: ProjectionRow, journalBlock: UInt64?) async throws {
        try await timings.measure("upsert") { try await base.upsert(row, journalBlock: journalBlock) }
    }
    func count(_ table: ProjectionTable, chain: String, where conditions: [String: StoreValue]) async throws -> Int {
        try await timings.measure("count") { try await base.count(table, chain: chain, where: conditions) }
    }
    func updateCount(
        _ table: ProjectionTable, key: RowKey, column: String, counting counted: ProjectionTable,
        where conditions: [String: StoreValue], values: [String: StoreValue], journalBlock: UInt64?
    ) async throws {
        try await timings.measure("updateCount") {
            try await base.updateCount(
                table, key: key, column: column, counting: counted, where: conditions, values: values, journalBlock: journalBlock
            )
        }
    }
    func delete(_ table: ProjectionTable, key: RowKey, journalBlock: UInt64?) async throws {
        try await timings.measure("delete") { try await base.delete(table, key: key, journalBlock: journalBlock) }
    }
    func undo(chain: String, afterBlock: UInt64) async throws -> Int {
        try await timings.measure("undo") { try await base.undo(chain: chain, afterBlock: afterBlock) }
    }
    func journalFloor(chain: String) async throws -> UInt64? {
        try await timings.measure("journalFloor") { try await base.journalFloor(chain: chain) }
    }
    func clearProjections(chain: String) async throws {
        try await timings.measure("clearProjections") { try await base.clearProjections(chain: chain) }
    }
}
