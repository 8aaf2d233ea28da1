import EthereumRPC
import Prometheus
import TakumiIndexer
import Testing
import TestSupport

/// The sync loop's stall watch: a step that never finishes must not leave
/// the indexer silent (the failure a checkpoint that stops moving, with
/// nothing in the log, is hardest to diagnose at 3 a.m.).
@Suite("Indexer stall watch")
struct StallWatchTests {
    @Test("a fetch held at eth_getLogs is logged once as stalled, naming its blocks; its end is logged; indexing then reaches the head")
    func heldFetch() async throws {
        try await TestChain.with(deploy: true) { chain in
            try await TestDatabase.with(.sqlite) { database in
                let head = try await chain.client.blockNumber()
                let gate = GatedLogsTransport.Gate()
                let registry = PrometheusCollectorRegistry()
                // A slow answer is waited for (a loaded dev node), not failed over: only the gate stalls.
                var pool = EndpointPool.Configuration(expectedChainID: TestChain.chainID)
                pool.requestTimeout = .seconds(30)
                let transport = GatedLogsTransport(inner: EndpointPool(urls: [chain.rpcURL], configuration: pool), gate: gate)
                let logs = RecordedLogs()
                gate.arm()
                let running = RunningIndexer(try Rig.indexer(
                    chain, store: database.store, transport: transport, registry: registry, batch: 50, logger: logs.logger()
                ) { $0.stallWarning = .milliseconds(300) })
                do {
                    // Generous: in `make test` this in-process indexer shares two cores
                    // and the test process's two pool threads with every other suite.
                    try await eventually("the first eth_getLogs is held", timeout: .seconds(120)) { gate.isHolding }
                    // Only the held step is asserted on: on a loaded machine other steps
                    // may pass the 0.3-s threshold too, and are rightly reported. The held
                    // one is the first fetch (the gate was armed before the indexer started).
                    func stalled() -> [RecordedLogs.Entry] { logs.entries.filter { $0.message == "indexer step stalled" } }
                    try await eventually("the held fetch is logged as stalled", timeout: .seconds(120)) {
                        stalled().contains { $0.metadata["step"]?.hasPrefix("fetching blocks ") == true }
                    }
                    let step = stalled().first { $0.metadata["step"]?.hasPrefix("fetching blocks ") == true }?.metadata["step"] ?? ""
                    #expect(!step.hasSuffix(" ahead"), "the first batch's own fetch, not a prefetch: \(step)")
                    func held(_ message: String) -> [RecordedLogs.Entry] {
                        logs.entries.filter { $0.message == message && $0.metadata["step"] == step }
                    }
                    // Held three times the threshold more: still one warning, not one per check.
                    try await Task.sleep(for: .milliseconds(900))
                    let stalls = held("indexer step stalled")
                    #expect(stalls.count == 1, "\(logs.lines)")
                    #expect(Double(stalls.first?.metadata["seconds"] ?? "") ?? 0 >= 0.3)
                    #expect(held("stalled indexer step finished").isEmpty, "\(logs.lines)")

                    gate.open()
                    try await running.waitSynced(to: head, timeout: .seconds(120))
                    let finished = held("stalled indexer step finished")
                    #expect(finished.count == 1, "\(logs.lines)")
                    #expect(Double(finished.first?.metadata["seconds"] ?? "") ?? 0 >= 1.2)
                    #expect(held("indexer step stalled").count == 1, "\(logs.lines)")
                } catch {
                    gate.open()
                    _ = await running.stop()
                    throw error
                }
                _ = await running.stop()
            }
        }
    }
}
