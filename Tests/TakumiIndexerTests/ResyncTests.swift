import Ethereum
import EthereumRPC
import Foundation
import Prometheus
import Takumi
import TakumiStore
import Testing
import TestSupport
@testable import TakumiIndexer

// MARK: - The runbook's manual resync, verbatim

extension SeededChainTests {
    @Test("runbook manual resync on PostgreSQL: UPDATE indexer_state below and inside the journal window, restart, identical database")
    func manualResyncWithRunbookSQL() async throws {
        try await SharedChain.withSnapshot { chain in
            try await TestDatabase.with(.postgresql) { database in
                let url = try #require(database.postgresURL)
                let reader = database.reader
                let head = try await chain.client.blockNumber()
                let headHash = try #require(try await chain.client.block(.number(head))).hash.hex

                // `takumi serve` indexes the chain.
                let first = try Rig.indexer(chain, store: database.store)
                #expect(first.configuration.chain == "sepolia")
                #expect(first.configuration.finalityDepth == 32)
                let running = RunningIndexer(first)
                do {
                    try await running.waitSynced(to: head)
                    await running.stop()
                } catch {
                    await running.stop()
                    throw error
                }
                let before = try await reader.dump(chain: "sepolia")
                #expect(before.count("skills") == 200 && before.count("chain_events") > 1_000)
                let journalFloor = try await reader.int("SELECT MIN(block_number) FROM reorg_journal WHERE chain = 'sepolia'")
                #expect(UInt64(journalFloor) > head - 32, "only the unfinalized blocks are journaled")

                for (n, place) in [(head - 300, "below the journal window"), (head - 10, "inside the journal window")] {
                    let maxXmin = try await reader.int("SELECT MAX(xmin::text::bigint) FROM chain_events")
                    let eventsAfter = try await reader.int("SELECT COUNT(*) FROM chain_events WHERE chain = 'sepolia' AND block_number > \(n)")
                    #expect(eventsAfter > 0, "there is something to re-index after block \(n)")

                    // The runbook, verbatim, on a connection of its own (as psql would).
                    try await TestServices.execute("UPDATE indexer_state SET last_synced_block = \(n) WHERE chain = 'sepolia';", on: url)
                    let moved = try #require(try await database.store.state(chain: "sepolia"))
                    #expect(moved.lastSyncedBlock == n)
                    #expect(moved.lastSyncedHash == nil, "the stale hash is forgotten")

                    // The restart. Its first step (reconcile) must roll every
                    // projection back to block n exactly: equal to a fresh index that stops at n.
                    let restarted = try Rig.indexer(chain, store: database.store)
                    let lease = try await database.store.acquireLease(chain: "sepolia", wait: .seconds(10))
                    let checkpoint: (block: UInt64, hash: String)
                    do {
                        checkpoint = try await restarted.reconcile(lease, head: head)
                        await lease.release()
                    } catch {
                        await lease.release()
                        throw error
                    }
                    #expect(checkpoint.block == n)
                    #expect(checkpoint.hash == (try await chain.client.block(.number(n)))?.hash.hex)
                    let rolledBack = try await reader.dump(chain: "sepolia")
                    let atN = try await Rig.freshDump(
                        of: chain, backend: .postgresql,
                        transport: CappedHeadTransport(inner: Rig.pool([chain.rpcURL], registry: PrometheusCollectorRegistry()), cap: n)
                    )
                    let rollbackDifferences = rolledBack.differences(from: atN)
                    #expect(rollbackDifferences.isEmpty, "rolled back to \(n) (\(place)) vs a fresh index to \(n):\n\(rollbackDifferences.joined(separator: "\n"))")

                    // …then it indexes until caught up.
                    let again = RunningIndexer(restarted)
                    do {
                        try await again.waitSynced(to: head)
                        await again.stop()
                    } catch {
                        await again.stop()
                        throw error
                    }
                    let after = try await reader.dump(chain: "sepolia")
                    let differences = after.differences(from: before)
                    #expect(differences.isEmpty, "after resync from \(n) (\(place)):\n\(differences.joined(separator: "\n"))")
                    // Every event after n was deleted and fetched again (written by later transactions: newer xmin), none twice.
                    let refetched = try await reader.int(
                        "SELECT COUNT(*) FROM chain_events WHERE chain = 'sepolia' AND block_number > \(n) AND xmin::text::bigint > \(maxXmin)"
                    )
                    #expect(refetched == eventsAfter)
                    let duplicates = try await reader.int(
                        "SELECT COUNT(*) FROM (SELECT tx_hash, log_index FROM chain_events GROUP BY chain, tx_hash, log_index HAVING COUNT(*) > 1) d"
                    )
                    #expect(duplicates == 0)
                    let state = try #require(try await database.store.state(chain: "sepolia"))
                    #expect(state.lastSyncedBlock == head)
                    #expect(state.lastSyncedHash == headHash)
                }
            }
        }
    }
}

extension SeededChainTests {
    /// The runbook runs its UPDATE while the backend runs, then restarts it. A
    /// batch in flight at that moment (fetched after the checkpoint was read,
    /// committed after the UPDATE) must not write its checkpoint over the
    /// operator's: the restart would then find nothing to resync.
    @Test("runbook manual resync while run() is mid-batch: the batch in flight does not overwrite the operator's checkpoint")
    func manualResyncDuringBatch() async throws {
        try await SharedChain.withSnapshot { chain in
            try await TestDatabase.with(.postgresql) { database in
                let url = try #require(database.postgresURL)
                let reader = database.reader
                let head = try await chain.client.blockNumber()
                let gate = GatedLogsTransport.Gate()
                let registry = PrometheusCollectorRegistry()
                let transport = GatedLogsTransport(inner: Rig.pool([chain.rpcURL], registry: registry), gate: gate)
                let serving = try Rig.indexer(chain, store: database.store, transport: transport, registry: registry, batch: 50)
                let running = RunningIndexer(serving)
                let n: UInt64 = 200
                let maxXmin: Int
                do {
                    try await eventually("indexed past block 500") { (serving.status.syncedBlock ?? 0) >= 500 }
                    gate.arm()
                    try await eventually("a batch holds at eth_getLogs") { gate.isHolding }
                    // Why an operator resyncs: a projection row went wrong.
                    try await TestServices.execute("UPDATE skills SET name = 'corrupted' WHERE chain = 'sepolia' AND id = 1;", on: url)
                    maxXmin = try await reader.int("SELECT MAX(xmin::text::bigint) FROM chain_events")
                    try await TestServices.execute("UPDATE indexer_state SET last_synced_block = \(n) WHERE chain = 'sepolia';", on: url)
                    gate.open()
                    try await Task.sleep(for: .milliseconds(500))  // the operator types the restart command
                    await running.stop()
                } catch {
                    gate.open()
                    await running.stop()
                    throw error
                }
                // docker-compose restart backend
                let restarted = RunningIndexer(try Rig.indexer(chain, store: database.store, batch: 50))
                do {
                    try await restarted.waitSynced(to: head)
                    await restarted.stop()
                } catch {
                    await restarted.stop()
                    throw error
                }
                let eventsAfter = try await reader.int("SELECT COUNT(*) FROM chain_events WHERE chain = 'sepolia' AND block_number > \(n)")
                let refetched = try await reader.int(
                    "SELECT COUNT(*) FROM chain_events WHERE chain = 'sepolia' AND block_number > \(n) AND xmin::text::bigint > \(maxXmin)"
                )
                #expect(refetched == eventsAfter, "every event after block \(n) was re-indexed")
                let indexed = try await reader.dump(chain: "sepolia")
                let fresh = try await Rig.freshDump(of: chain, backend: .postgresql)
                let differences = indexed.differences(from: fresh)
                #expect(differences.isEmpty, "after the resync vs a fresh index:\n\(differences.joined(separator: "\n"))")
            }
        }
    }
}

extension SeededChainTests {
    /// `takumi indexer resync --from-block N` (`ChainIndexer.resync(from:leaseWait:)`), on SQLite.
    @Test("resync(from:) rolls back to N at once, refuses bad blocks and a held lease, and re-indexes to an identical database (SQLite)")
    func resyncCommand() async throws {
        try await SharedChain.withSnapshot { chain in
            try await TestDatabase.with(.sqlite) { database in
                let head = try await chain.client.blockNumber()
                let indexer = try Rig.indexer(chain, store: database.store, batch: 500)
                try await Rig.indexToHead(indexer, store: database.store)
                let before = try await database.reader.dump(chain: "sepolia")
                let start = indexer.configuration.startBlock
                try #require(start >= 2, "the deployment starts after block 1")

                await #expect(throws: IndexerError.self) { try await indexer.resync(from: head + 1, leaseWait: .seconds(1)) }
                await #expect(throws: IndexerError.self) { try await indexer.resync(from: start - 2, leaseWait: .seconds(1)) }
                let lease = try await database.store.acquireLease(chain: "sepolia", wait: .seconds(5))
                await #expect(throws: StoreError.self) { try await indexer.resync(from: head - 300, leaseWait: .milliseconds(300)) }
                await lease.release()
                #expect(try await database.store.state(chain: "sepolia")?.lastSyncedBlock == head, "refusals change nothing")

                let n = head - 300
                let result = try await indexer.resync(from: n, leaseWait: .seconds(5))
                #expect(result.undoneFrom == head)
                #expect(result.checkpoint == n)
                let rolledBack = try await database.reader.dump(chain: "sepolia")
                let atN = try await Rig.freshDump(
                    of: chain, backend: .sqlite,
                    transport: CappedHeadTransport(inner: Rig.pool([chain.rpcURL], registry: PrometheusCollectorRegistry()), cap: n)
                )
                let rollbackDifferences = rolledBack.differences(from: atN)
                #expect(rollbackDifferences.isEmpty, "resync(from: \(n)) vs a fresh index to \(n):\n\(rollbackDifferences.joined(separator: "\n"))")

                let running = RunningIndexer(try Rig.indexer(chain, store: database.store, batch: 500))
                do {
                    try await running.waitSynced(to: head)
                    await running.stop()
                } catch {
                    await running.stop()
                    throw error
                }
                let differences = try await database.reader.dump(chain: "sepolia").differences(from: before)
                #expect(differences.isEmpty, "after resync(from: \(n)) and re-indexing:\n\(differences.joined(separator: "\n"))")
            }
        }
    }
}
