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
                let transport = GatedLogsTransport(inner: Rig.pool([chain.rpcURL], registry: registry), gate: gate)
                let logs = RecordedLogs()
                gate.arm()
                let running = RunningIndexer(try Rig.indexer(
                    chain, store: database.store, transport: transport, registry: registry, batch: 50, logger: logs.logger()
                ) { $0.stallWarning = .milliseconds(300) })
                do {
                    try await eventually("the first eth_getLogs is held") { gate.isHolding }
                    try await eventually("a stall is logged") { logs.messages.contains("indexer step stalled") }
                    // Held three times the threshold: still one warning, not one per check.
                    try await Task.sleep(for: .milliseconds(900))
                    let stalls = logs.entries.filter { $0.message == "indexer step stalled" }
                    #expect(stalls.count == 1, "\(logs.lines)")
                    let step = stalls.first?.metadata["step"] ?? ""
                    #expect(step.hasPrefix("fetching blocks "), "\(step)")
                    #expect(Double(stalls.first?.metadata["seconds"] ?? "") ?? 0 >= 0.3)
                    #expect(!logs.messages.contains("stalled indexer step finished"))

                    gate.open()
                    try await running.waitSynced(to: head)
                    let finished = logs.entries.filter { $0.message == "stalled indexer step finished" }
                    #expect(finished.count == 1, "\(logs.lines)")
                    #expect(finished.first?.metadata["step"] == step)
                    #expect(Double(finished.first?.metadata["seconds"] ?? "") ?? 0 >= 1.2)
                    // Idle between polls at the head is not a stall.
                    try await Task.sleep(for: .milliseconds(900))
                    #expect(logs.entries.filter { $0.message == "indexer step stalled" }.count == 1, "\(logs.lines)")
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
