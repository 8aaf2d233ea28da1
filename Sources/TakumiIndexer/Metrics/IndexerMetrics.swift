import Metrics

/// The indexer's metrics (ARCHITECTURE.md § Indexer rules), all labelled with the chain:
/// `takumi_indexer_head_block`, `takumi_indexer_synced_block`, `takumi_indexer_lag_blocks`,
/// `takumi_indexer_head_age_seconds` (a frozen head is visible: lag 0 is not health),
/// `takumi_indexer_events_total{event}`, `takumi_indexer_undecodable_events_total`,
/// `takumi_indexer_reorgs_total`, `takumi_indexer_deep_reorg` (1 = stopped, alert),
/// `takumi_contract_paused{contract}`, and the exploit detector's
/// `takumi_security_alerts_total{rule}` and `takumi_security_detector_errors_total`.
struct IndexerMetrics: Sendable {
    let chain: String
    let factory: any MetricsFactory

    func head(_ block: UInt64) { gauge("takumi_indexer_head_block").record(Double(block)) }
    func synced(_ block: UInt64) { gauge("takumi_indexer_synced_block").record(Double(block)) }
    func lag(_ blocks: UInt64) { gauge("takumi_indexer_lag_blocks").record(Double(blocks)) }
    func headAge(seconds: Double) { gauge("takumi_indexer_head_age_seconds").record(seconds) }
    func deepReorg(_ stopped: Bool) { gauge("takumi_indexer_deep_reorg").record(stopped ? 1 : 0) }

    func event(_ name: String, count: Int = 1) {
        Counter(label: "takumi_indexer_events_total", dimensions: [("chain", chain), ("event", name)], factory: factory).increment(by: count)
    }

    func undecodable(count: Int = 1) {
        Counter(label: "takumi_indexer_undecodable_events_total", dimensions: [("chain", chain)], factory: factory).increment(by: count)
    }

    func reorg() {
        Counter(label: "takumi_indexer_reorgs_total", dimensions: [("chain", chain)], factory: factory).increment()
    }

    func paused(_ contract: String, _ paused: Bool) {
        Gauge(label: "takumi_contract_paused", dimensions: [("chain", chain), ("contract", contract)], factory: factory)
            .record(paused ? 1 : 0)
    }

    /// Labelled by rule only (no chain), as issue 7 names it: one process indexes one chain.
    func securityAlert(_ rule: String) {
        Counter(label: "takumi_security_alerts_total", dimensions: [("rule", rule)], factory: factory).increment()
    }

    func securityDetectorError() {
        Counter(label: "takumi_security_detector_errors_total", dimensions: [("chain", chain)], factory: factory).increment()
    }

    private func gauge(_ label: String) -> Gauge {
        Gauge(label: label, dimensions: [("chain", chain)], factory: factory)
    }
}
