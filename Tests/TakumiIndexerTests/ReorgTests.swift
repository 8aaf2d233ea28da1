import Ethereum
import EthereumRPC
import Foundation
import Prometheus
import Takumi
import TakumiStore
import Testing
import TestSupport
@testable import TakumiIndexer

/// Reorgs made with the dev node's evm_snapshot/evm_revert while
/// `ChainIndexer.run()` indexes (dev finality: 5 blocks).
@Suite("Indexer under reorgs", .serialized, .sharedChain(seed: false, network: "dev"))
struct ReorgTests {
    static let iterations = 20

    @Test("20 reorgs of depth 1…finality while run() indexes: the database ends equal to a fresh index of the final chain",
          arguments: Backend.allCases)
    func reorgsWhileRunning(backend: Backend) async throws {
        try await SharedChain.withSnapshot { chain in
            try await TestDatabase.with(backend) { database in
                var activity = try await Activity.start(on: chain)
                let registry = PrometheusCollectorRegistry()
                let indexer = try Rig.indexer(chain, store: database.store, registry: registry)
                #expect(indexer.configuration.finalityDepth == 5)
                let running = RunningIndexer(indexer)
                do {
                    try await running.waitSynced(to: try await chain.client.blockNumber())
                    var depths: [Int] = []
                    for iteration in 0..<Self.iterations {
                        let depth = 1 + iteration % 5
                        let base = try await chain.client.blockNumber()
                        let snapshot = try await chain.snapshot()
                        let saved = activity
                        for j in 0..<depth {
                            try await activity.step(kind: iteration + j, account: iteration + j, tag: "old-\(iteration)-\(j)", newest: true)
                        }
                        let oldHead = try await chain.client.blockNumber()
                        #expect(oldHead == base + UInt64(depth))
                        let oldTip = try #require(try await chain.client.block(.number(oldHead))).hash
                        try await running.waitSynced(to: oldHead)

                        #expect(try await chain.revert(to: snapshot))
                        activity = saved
                        let length = depth + 1 + iteration % 2
                        for j in 0..<length {
                            try await activity.step(kind: iteration + j + 2, account: iteration + j + 1, tag: "new-\(iteration)-\(j)", newest: false)
                        }
                        let newHead = try await chain.client.blockNumber()
                        #expect(newHead == base + UInt64(length))
                        #expect(try await chain.client.block(.number(oldHead))?.hash != oldTip, "the fork replaced the indexed tip")
                        try await running.waitSynced(to: newHead)
                        depths.append(depth)
                        // Right after each reorg (before later blocks could overwrite a stale row),
                        // every projection equals a fresh index of the chain as it is now.
                        let now = try await database.reader.dump(chain: "dev", events: false)
                        let fresh = try await Rig.freshDump(of: chain, backend: .sqlite, events: false)
                        let differences = now.differences(from: fresh)
                        #expect(differences.isEmpty, "reorg \(iteration) (depth \(depth)) vs a fresh index:\n\(differences.joined(separator: "\n"))")
                    }
                    #expect(Set(depths) == [1, 2, 3, 4, 5])
                    #expect(running.status.stopped == false)
                    #expect(running.status.lastError == nil)
                    await running.stop()
                } catch {
                    await running.stop()
                    throw error
                }
                // Exactly one reorg detected per fork switch.
                let reorgs = Rig.sample(registry, "takumi_indexer_reorgs_total", labels: #"chain="dev""#)
                #expect(reorgs == Double(Self.iterations), "takumi_indexer_reorgs_total")

                let head = try await chain.client.blockNumber()
                let state = try #require(try await database.store.state(chain: "dev"))
                #expect(state.lastSyncedBlock == head)
                #expect(state.lastSyncedHash == (try await chain.client.block(.number(head)))?.hash.hex)

                let indexed = try await database.reader.dump(chain: "dev")
                let fresh = try await Rig.freshDump(of: chain, backend: backend)
                #expect(indexed.count("skills") > 12 && indexed.count("endorsements") > 4, "the activity reached the projections")
                let differences = indexed.differences(from: fresh)
                #expect(differences.isEmpty, "after \(Self.iterations) reorgs vs a fresh index:\n\(differences.joined(separator: "\n"))")
            }
        }
    }

    @Test("a reorg deeper than finality stops run() with reorgDeeperThanFinality and leaves the data as it was")
    func reorgDeeperThanFinality() async throws {
        try await SharedChain.withSnapshot { chain in
            try await TestDatabase.with(.sqlite) { database in
                var activity = try await Activity.start(on: chain)
                let registry = PrometheusCollectorRegistry()
                let indexer = try Rig.indexer(chain, store: database.store, registry: registry)
                let running = RunningIndexer(indexer)
                let outcome: (any Error)?
                let oldHead: UInt64
                do {
                    let base = try await chain.client.blockNumber()
                    try await running.waitSynced(to: base)
                    let snapshot = try await chain.snapshot()
                    for j in 0..<7 {  // finality 5 + 2: the new fork replaces final blocks
                        try await activity.step(kind: j, account: j, tag: "old-\(j)")
                    }
                    oldHead = try await chain.client.blockNumber()
                    #expect(oldHead == base + 7)
                    try await running.waitSynced(to: oldHead)
                    let before = try await database.reader.dump(chain: "dev")

                    #expect(try await chain.revert(to: snapshot))
                    for j in 0..<9 {
                        try await activity.step(kind: j + 4, account: j + 2, tag: "new-\(j)", newest: false)
                    }
                    outcome = try await running.outcome(timeout: .seconds(30))
                    #expect(try await database.reader.dump(chain: "dev") == before, "nothing undone or added after the stop")
                } catch {
                    await running.stop()
                    throw error
                }
                guard case .reorgDeeperThanFinality(let label, _, let depth)? = outcome as? IndexerError else {
                    Issue.record("run() ended with \(String(describing: outcome)), expected reorgDeeperThanFinality")
                    return
                }
                #expect(label == "dev")
                #expect(depth == 5)
                #expect(indexer.status.stopped)
                #expect(indexer.status.isLeader == false)
                #expect(Rig.sample(registry, "takumi_indexer_deep_reorg", labels: #"chain="dev""#) == 1)
                #expect(Rig.sample(registry, "takumi_indexer_reorgs_total", labels: #"chain="dev""#) ?? 0 == 0)
                let state = try #require(try await database.store.state(chain: "dev"))
                #expect(state.lastSyncedBlock == oldHead)
                #expect(state.lastError?.contains("deeper than the finality depth") == true)
            }
        }
    }
}
