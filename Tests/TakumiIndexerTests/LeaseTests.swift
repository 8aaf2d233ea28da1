import Ethereum
import EthereumRPC
import Foundation
import Prometheus
import Takumi
import TakumiStore
import Testing
import TestSupport
@testable import TakumiIndexer

// MARK: - Leader lease

extension SeededChainTests {
    @Test("two run() on one PostgreSQL database: one leads; cancelled, the other takes over and finishes")
    func leaderLeaseTakeover() async throws {
        try await SharedChain.withSnapshot { chain in
            try await TestDatabase.with(.postgresql) { database in
                try await database.withSecondStore { secondStore in
                    let head = try await chain.client.blockNumber()
                    let first = try Rig.indexer(chain, store: database.store, batch: 10)
                    let second = try Rig.indexer(chain, store: secondStore, batch: 10)
                    let runFirst = RunningIndexer(first)
                    var runSecond: RunningIndexer?
                    do {
                        try await eventually("the first indexer leads") { first.status.isLeader }
                        let firstEpoch = try #require(try await database.store.state(chain: "sepolia")).epoch
                        runSecond = RunningIndexer(second)
                        // Several lease waits (300 ms each) later, the second still waits and has written nothing.
                        for _ in 0..<10 {
                            try await Task.sleep(for: .milliseconds(100))
                            #expect(first.status.isLeader)
                            #expect(second.status.isLeader == false)
                        }
                        #expect(second.status.syncedBlock == nil, "a follower does not index")
                        #expect(try await database.store.state(chain: "sepolia")?.epoch == firstEpoch)

                        let stoppedAt = first.status.syncedBlock ?? 0
                        let ended = await runFirst.stop()
                        #expect(ended == nil || ended is CancellationError, "run() ends quietly when cancelled: \(String(describing: ended))")
                        #expect(first.status.isLeader == false)
                        let afterFirst = try #require(try await database.store.state(chain: "sepolia")?.lastSyncedBlock)

                        try await eventually("the second indexer takes over", timeout: .seconds(120)) { second.status.isLeader }
                        let takeover = try #require(try await database.store.state(chain: "sepolia"))
                        #expect(takeover.epoch > firstEpoch, "a new fencing epoch")
                        try await runSecond!.waitSynced(to: head)
                        Swift.print("lease test: first indexer stopped at block \(stoppedAt) (checkpoint \(afterFirst)) of \(head)")

                        // It keeps indexing: a new profile on chain appears in the database.
                        let account = TestChain.devKeys[6]
                        let proxy = try #require(chain.manifest?.contracts["SkillProfile"]?.proxy)
                        let receipt = try await chain.send(from: account, to: proxy, data: try SkillProfileABI.createProfile.encodeCall([
                            .string("Late joiner"), .string(""), .string(""),
                        ]))
                        #expect(receipt.succeeded)
                        try await runSecond!.waitSynced(to: receipt.blockNumber)
                        let name = try await database.reader.scalar(
                            "SELECT name FROM profiles WHERE chain = 'sepolia' AND owner = '\(account.address.lowercased)'"
                        )
                        #expect(name == "Late joiner")
                        await runSecond!.stop()
                    } catch {
                        await runFirst.stop()
                        await runSecond?.stop()
                        throw error
                    }
                    // Two leaders in turn, one database: the same as one fresh index.
                    let indexed = try await database.reader.dump(chain: "sepolia")
                    let fresh = try await Rig.freshDump(of: chain, backend: .postgresql)
                    let differences = indexed.differences(from: fresh)
                    #expect(differences.isEmpty, "after a takeover vs a fresh index:\n\(differences.joined(separator: "\n"))")
                }
            }
        }
    }
}
