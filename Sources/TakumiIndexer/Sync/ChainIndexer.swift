import Ethereum
import EthereumRPC
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization
import Takumi
import TakumiStore

/// The sync loop of one chain: fetches our contracts' logs batch by batch and
/// commits events, projections and the checkpoint in one database transaction
/// per batch (ARCHITECTURE.md § Indexer rules).
///
/// Unfinalized blocks are applied at once and journaled; a parent-hash
/// mismatch (or a head that moved backwards) undoes exactly to the fork point
/// and re-indexes. Stored events past the checkpoint (the runbook's manual
/// `UPDATE indexer_state SET last_synced_block = N`) roll every projection
/// back to N first. Only the holder of the leader lease writes.
///
/// ```swift
/// let indexer = ChainIndexer(configuration: .init(manifest: manifest), store: store, client: client, logger: logger)
/// let group = ServiceGroup(services: [indexer], gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()
/// ```
public final class ChainIndexer: Service, Sendable {
    public let configuration: IndexerConfiguration
    let store: any IndexerStore
    let client: EthereumClient
    let logger: Logger
    let metrics: IndexerMetrics
    let projector: Projector
    /// Issue 7's exploit detector; nil: not run.
    let detector: ExploitDetector?
    let state: Mutex<LoopState>
    /// Where ``inspect(_:head:)`` hands alerts to respond to while ``run()``
    /// runs (nil otherwise: then a response is awaited where it is raised).
    let securityResponses = Mutex<AsyncStream<SecurityAlert>.Continuation?>(nil)

    struct LoopState {
        var status: IndexerStatus
        var batchSize: UInt64
        var lastLoggedError: String?
        /// The step of the sync loop under way, for the stall watch (nil: idle or waiting for the lease).
        var step: (name: String, since: ContinuousClock.Instant)?
        var stepReportedStalled = false
    }

    public init(
        configuration: IndexerConfiguration, store: any IndexerStore, client: EthereumClient,
        logger: Logger = Logger(label: "takumi.indexer"), metricsFactory: any MetricsFactory = MetricsSystem.factory,
        detector: ExploitDetector? = nil
    ) {
        self.configuration = configuration
        self.detector = detector
        self.store = store
        self.client = client
        var logger = logger
        logger[metadataKey: "component"] = "indexer"
        logger[metadataKey: "chain"] = "\(configuration.chain)"
        self.logger = logger
        metrics = IndexerMetrics(chain: configuration.chain, factory: metricsFactory)
        projector = Projector(versions: configuration.implementationVersions)
        state = Mutex(LoopState(
            status: IndexerStatus(chain: configuration.chain, finalityDepth: configuration.finalityDepth),
            batchSize: configuration.initialBatchSize
        ))
        // A test hook left set in production would kill the indexer: say so loudly.
        if let armed = Failpoints.armed {
            self.logger.warning("\(Failpoints.environmentVariable) is set: this process kills itself at failpoints (a test hook)", metadata: [
                "failpoints": "\(armed.summary)",
            ])
            for problem in armed.problems { self.logger.error("\(Failpoints.environmentVariable): \(problem); ignored") }
        }
    }

    public var status: IndexerStatus { state.withLock { $0.status } }

    /// Runs until cancelled or a graceful shutdown: waits for the lease, then
    /// syncs; a lost lease is re-acquired; RPC and database errors back off and
    /// retry; a reorg deeper than finality stops the loop with that error.
    public func run() async throws {
        // The exploit detector's responses (a pause takes seconds: transactions
        // and receipts) run beside indexing as child tasks, not in the batch
        // loop: indexing goes on meanwhile, and a shutdown waits for a pause in
        // flight instead of abandoning it.
        let (alerts, responses) = AsyncStream.makeStream(of: SecurityAlert.self)
        securityResponses.withLock { $0 = responses }
        var outcome: Result<Void, any Error> = .success(())
        await withDiscardingTaskGroup { group in
            group.addTask { [detector] in
                await withDiscardingTaskGroup { running in
                    for await alert in alerts {
                        guard let responder = detector?.responder else { continue }
                        running.addTask { await responder.respond(to: alert) }
                    }
                }
            }
            do {
                try await withStallWatch { try await indexUntilShutdown() }
            } catch {
                outcome = .failure(error)
            }
            securityResponses.withLock { $0 = nil }
            responses.finish()
        }
        try outcome.get()
    }

    /// Hands `alert` to the responses running beside ``run()``; false when
    /// the indexer is not running (the caller then responds itself).
    func respondBesideIndexing(to alert: SecurityAlert) -> Bool {
        guard let responses = securityResponses.withLock({ $0 }) else { return false }
        if case .enqueued = responses.yield(alert) { return true }
        return false
    }

    /// Takes the leader lease and syncs, again after each failure, until shutdown.
    private func indexUntilShutdown() async throws {
        try await cancelWhenGracefulShutdown { [self] in
            while !Task.isCancelled {
                // Waiting for the lease is not a stall: another process may lead for days.
                enterStep(nil)
                let lease: IndexerLease
                do {
                    lease = try await store.acquireLease(chain: configuration.chain, wait: configuration.leaseWait)
                } catch StoreError.leaseTimeout {
                    continue  // another process indexes; keep waiting to take over
                } catch {
                    if Task.isCancelled { return }
                    report(error)
                    try? await Task.sleep(for: .seconds(1))
                    continue
                }
                logger.notice("indexer holds the leader lease", metadata: ["epoch": "\(lease.epoch)"])
                state.withLock { $0.status.isLeader = true }
                defer { state.withLock { $0.status.isLeader = false } }
                do {
                    try await syncWhileLeader(lease)
                } catch let error as IndexerError {
                    if case .reorgDeeperThanFinality = error {
                        state.withLock { $0.status.stopped = true }
                        metrics.deepReorg(true)
                        logger.critical("indexing stopped", metadata: ["error": "\(error)"])
                        try? await store.write(lease) { tx in try await tx.setLastError(error.description) }
                        await lease.release()
                        throw error
                    }
                    report(error)
                } catch StoreError.fenced, StoreError.leaseLost {
                    logger.warning("indexer lost the leader lease; waiting to take it again")
                } catch {
                    if Task.isCancelled { await lease.release(); return }
                    report(error)
                }
                await lease.release()
                if !Task.isCancelled { try? await Task.sleep(for: .seconds(1)) }
            }
        }
    }

    /// Syncs batch after batch until an error or cancellation.
    func syncWhileLeader(_ lease: IndexerLease) async throws {
        enterStep("publishing the contracts' paused state")
        try await publishPausedState(lease)
        var prefetched: FetchedBatch?
        while !Task.isCancelled {
            do {
                let outcome = try await step(lease, prefetched: prefetched)
                prefetched = outcome.prefetched
                clearError()
                if outcome.caughtUp {
                    enterStep(nil)
                    try await Task.sleep(for: configuration.pollInterval)
                }
            } catch let error as RPCError {
                // A shutdown cancels the call in flight: that is not an RPC failure to report.
                if Task.isCancelled { return }
                prefetched = nil
                report(error)
                shrinkBatch()
                enterStep(nil)
                try await Task.sleep(for: .seconds(1))
            } catch IndexerError.chainMovedDuringFetch(let block) {
                prefetched = nil
                logger.info("chain moved during fetch; retrying", metadata: ["block": "\(block)"])
            } catch IndexerError.checkpointMoved(let from, let to) {
                prefetched = nil
                logger.notice("checkpoint moved during a batch; reconciling", metadata: ["from": "\(from)", "to": "\(to)"])
            }
        }
    }

    func report(_ error: any Error) {
        let message = "\(error)"
        let isNew = state.withLock { loop -> Bool in
            loop.status.lastError = message
            defer { loop.lastLoggedError = message }
            return loop.lastLoggedError != message
        }
        // Once per state change, never once per retry.
        if isNew { logger.error("indexer error", metadata: ["error": "\(message)"]) }
    }

    func clearError() {
        let hadError = state.withLock { loop -> Bool in
            defer { loop.status.lastError = nil; loop.lastLoggedError = nil }
            return loop.lastLoggedError != nil
        }
        if hadError { logger.notice("indexer recovered") }
    }

    func shrinkBatch() {
        state.withLock { $0.batchSize = max(configuration.minimumBatchSize, $0.batchSize / 2) }
    }

    func adaptBatch(logs: Int, seconds: Double) {
        state.withLock { loop in
            if seconds > 4 || logs > 20_000 {
                loop.batchSize = max(configuration.minimumBatchSize, loop.batchSize / 2)
            } else if seconds < 1 && logs < 5_000 {
                loop.batchSize = min(configuration.maximumBatchSize, loop.batchSize * 2)
            }
        }
    }

    func noteHead(_ head: UInt64) {
        let now = Date()
        state.withLock { loop in
            if loop.status.head != head { loop.status.headChangedAt = now }
            loop.status.head = head
            if let age = loop.status.headAge(at: now) { metrics.headAge(seconds: age) }
        }
        metrics.head(head)
    }

    func noteSynced(_ block: UInt64, head: UInt64) {
        state.withLock { $0.status.syncedBlock = block }
        metrics.synced(block)
        metrics.lag(head > block ? head - block : 0)
    }
}
