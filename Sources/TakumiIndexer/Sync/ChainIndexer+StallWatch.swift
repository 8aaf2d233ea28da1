import Logging

extension ChainIndexer {
    /// Runs `body` (the sync loop) beside a watch that logs a step of it
    /// still unfinished after ``IndexerConfiguration/stallWarning``: a query
    /// waiting on a lock, a node that accepted a request and never answered,
    /// anything that would otherwise leave the indexer silent while
    /// `takumi_indexer_head_age_seconds` grows. Once per step, naming it; the
    /// step's end is logged too, with how long it took.
    func withStallWatch(_ body: () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.watchForStalls() }
            defer { group.cancelAll() }
            try await body()
        }
    }

    /// Marks the start of a step of the sync loop (nil: idle, nothing to watch).
    func enterStep(_ name: String?) {
        let now = ContinuousClock.now
        let finished = state.withLock { loop -> (name: String, took: Duration)? in
            let previous = loop.stepReportedStalled ? loop.step.map { ($0.name, now - $0.since) } : nil
            loop.step = name.map { ($0, now) }
            loop.stepReportedStalled = false
            return previous
        }
        if let finished {
            logger.notice("stalled indexer step finished", metadata: ["step": "\(finished.name)", "seconds": "\(finished.took.seconds)"])
        }
    }

    private func watchForStalls() async {
        let threshold = configuration.stallWarning
        // Often enough that a stall is reported within a quarter of the threshold of it.
        let interval = min(max(threshold / 4, .milliseconds(50)), .seconds(5))
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            let now = ContinuousClock.now
            let stalled = state.withLock { loop -> (name: String, for: Duration)? in
                guard let step = loop.step, !loop.stepReportedStalled, now - step.since >= threshold else { return nil }
                loop.stepReportedStalled = true
                return (step.name, now - step.since)
            }
            if let stalled {
                logger.warning("indexer step stalled", metadata: [
                    "step": "\(stalled.name)", "seconds": "\(stalled.for.seconds)",
                    "lastError": "\(state.withLock { $0.status.lastError } ?? "none")",
                ])
            }
        }
    }
}
