import Ethereum
import EthereumRPC
import Foundation
import Prometheus
import Takumi
import TakumiStore
import Testing
import TestSupport
@testable import TakumiIndexer

// MARK: - RPC failover mid-run

extension SeededChainTests {
    @Test("the first RPC endpoint fails with HTTP 500 mid-run: indexing fails over and reaches the head with no gap")
    func failoverMidRun() async throws {
        try await SharedChain.withSnapshot { chain in
            let proxy = try await FaultProxy.start(upstream: chain.rpcURL)
            defer { proxy.stop() }
            let registry = PrometheusCollectorRegistry()
            let pool = Rig.pool([proxy.url, chain.rpcURL], registry: registry)
            let head = try await chain.client.blockNumber()
            let indexed = try await TestDatabase.with(.sqlite) { database in
                let indexer = try Rig.indexer(chain, store: database.store, transport: pool, registry: registry, batch: 50)
                let start = indexer.configuration.startBlock
                let lease = try await database.store.acquireLease(chain: "sepolia", wait: .seconds(10))
                do {
                    // A third of the chain through the proxy…
                    while (indexer.status.syncedBlock ?? 0) < start + (head - start) / 3 {
                        #expect(try await indexer.syncOnce(lease) == false)
                    }
                    let primary = await pool.status[0].label
                    #expect(await pool.activeEndpoint == primary)
                    #expect(indexer.status.activeEndpoint == primary)
                    #expect((try await proxy.requestCounts()["eth_getLogs"] ?? 0) > 0, "the proxy served the first batches")

                    // …then it answers HTTP 500 to everything; syncOnce never sees an error.
                    try await proxy.inject(["mode": "http500"])
                    let failedAt = indexer.status.syncedBlock ?? 0
                    while try await !indexer.syncOnce(lease) {}
                    #expect(failedAt < head)
                    #expect(indexer.status.syncedBlock == head)
                    let status = await pool.status
                    #expect(status[0].isUp == false, "the failing endpoint is benched")
                    #expect(status[1].isUp)
                    #expect(await pool.activeEndpoint == status[1].label)
                    #expect(indexer.status.activeEndpoint == status[1].label, "status (/health, takumi indexer status) names the endpoint in use")
                    await lease.release()
                } catch {
                    await lease.release()
                    throw error
                }
                return try await database.reader.dump(chain: "sepolia")
            }
            #expect(registry.emitToString().contains(#"status="http_500""#), "the 500s were counted in takumi_rpc_requests_total")
            // No gap, no duplicate: the same events and rows as a direct fresh index.
            let direct = try await Rig.freshDump(of: chain, backend: .sqlite)
            #expect(indexed.count("chain_events") == direct.count("chain_events"))
            let differences = indexed.differences(from: direct)
            #expect(differences.isEmpty, "failover index vs direct index:\n\(differences.joined(separator: "\n"))")
        }
    }
}
