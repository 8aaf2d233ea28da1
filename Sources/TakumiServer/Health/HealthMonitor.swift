import EthereumRPC
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization
import Takumi
import TakumiStore

/// Probes the process's dependencies in the background and keeps the last
/// results, so `/health` answers from memory at once and never waits on a
/// database or node that hangs (the runbook's `curl /health` must answer
/// during an outage). Also the source of `/ready`, the paused header and
/// `takumi_dependency_up{dependency}`.
///
/// ```swift
/// let monitor = HealthMonitor(probes: probes, interval: .seconds(2), logger: logger)
/// // a Service in the application's service group; then:
/// monitor.snapshot.status   // .ok, .degraded or .down
/// ```
public final class HealthMonitor: Service, Sendable {
    /// What the monitor asks, each answer bounded by ``timeout``.
    public struct Probes: Sendable {
        public var chain: String
        public var database: @Sendable () async throws -> DatabaseHealth
        /// The chain head as our RPC endpoints see it, and which endpoint answered.
        public var rpcHead: @Sendable () async throws -> (head: UInt64, endpoint: String?)
        /// The in-process indexer's progress (nil with `--no-indexer`: the database's checkpoint is used).
        public var indexer: (@Sendable () -> IndexerProgress)?
        public var checkpoint: @Sendable () async throws -> IndexerState?
        public var pausedContracts: @Sendable () async throws -> [String: Bool]
        /// Redis, when configured: nil means "not configured" (in-process fallbacks).
        public var redis: (@Sendable () async throws -> Void)?
        /// Unresolved incidents for `/status` (nil: not listed, the page says so).
        public var openIncidents: (@Sendable () async throws -> [IncidentRecord])?

        public init(
            chain: String, database: @escaping @Sendable () async throws -> DatabaseHealth,
            rpcHead: @escaping @Sendable () async throws -> (head: UInt64, endpoint: String?),
            indexer: (@Sendable () -> IndexerProgress)?, checkpoint: @escaping @Sendable () async throws -> IndexerState?,
            pausedContracts: @escaping @Sendable () async throws -> [String: Bool], redis: (@Sendable () async throws -> Void)? = nil,
            openIncidents: (@Sendable () async throws -> [IncidentRecord])? = nil
        ) {
            self.chain = chain
            self.database = database
            self.rpcHead = rpcHead
            self.indexer = indexer
            self.checkpoint = checkpoint
            self.pausedContracts = pausedContracts
            self.redis = redis
            self.openIncidents = openIncidents
        }
    }

    public let probes: Probes
    public let interval: Duration
    public let timeout: Duration
    /// `/ready` needs the indexer within this many blocks of the head.
    public let maxReadyLag: UInt64
    /// A head that has not moved for this long makes the status degraded (lag 0 is not health).
    public let maxHeadAge: Double
    let logger: Logger
    private let state: Mutex<HealthSnapshot>
    private let upGauges: [String: Gauge]

    public init(
        probes: Probes, interval: Duration = .seconds(2), timeout: Duration = .seconds(2), maxReadyLag: UInt64 = 50,
        maxHeadAge: Double = 120, logger: Logger, metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.probes = probes
        self.interval = interval
        self.timeout = timeout
        self.maxReadyLag = maxReadyLag
        self.maxHeadAge = maxHeadAge
        self.logger = logger
        state = Mutex(HealthSnapshot(chain: probes.chain))
        var gauges: [String: Gauge] = [:]
        for dependency in ["database", "rpc", "redis", "indexer"] {
            gauges[dependency] = Gauge(label: "takumi_dependency_up", dimensions: [("dependency", dependency)], factory: metricsFactory)
        }
        upGauges = gauges
    }

    /// The latest probe results (before the first round: everything unknown).
    public var snapshot: HealthSnapshot { state.withLock { $0 } }

    /// Whether any contract is paused, as of the last probe.
    public var anyPaused: Bool { state.withLock { $0.paused.values.contains(true) } }

    public func run() async throws {
        await cancelWhenGracefulShutdown { [self] in
            while !Task.isCancelled {
                await probeOnce()
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// One round of probes, run concurrently, each bounded by ``timeout``.
    public func probeOnce() async {
        let timeout = self.timeout
        async let database = Self.bounded(timeout) { try await self.probes.database() }
        async let rpc = Self.bounded(timeout) { try await self.probes.rpcHead() }
        async let checkpoint = Self.bounded(timeout) { try await self.probes.checkpoint() }
        async let paused = Self.bounded(timeout) { try await self.probes.pausedContracts() }
        async let redis = Self.probeIfConfigured(probes.redis, timeout)
        async let incidents = Self.probeIfConfigured(probes.openIncidents, timeout)
        let results = await (database, rpc, checkpoint, paused, redis, incidents)
        let indexer = probes.indexer?()
        let now = Date()

        var next = state.withLock { $0 }
        next.checkedAt = now
        switch results.0 {
        case let .success(health): next.database = .up(detail: "\(health.backend) \(health.serverVersion)", latencyMilliseconds: health.latency.milliseconds)
        case let .failure(error): next.database = .down(reason: "\(error)")
        }
        switch results.1 {
        case let .success(head):
            next.rpc = .up(detail: head.endpoint ?? "rpc", latencyMilliseconds: nil)
            if next.head != head.head { next.headChangedAt = now }
            next.head = head.head
        case let .failure(error): next.rpc = .down(reason: "\(error)")
        }
        if let indexer {
            next.synced = indexer.syncedBlock
            next.indexerError = indexer.lastError
            next.indexerRunning = indexer.isLeader
            next.indexerStopped = indexer.stopped
            if let head = indexer.head { next.head = max(next.head ?? 0, head) }
            if let changed = indexer.headChangedAt { next.headChangedAt = max(next.headChangedAt ?? changed, changed) }
        } else if case let .success(stored) = results.2 {
            next.synced = stored?.lastSyncedBlock
            next.indexerError = stored?.lastError
        }
        if case let .success(paused) = results.3 { next.paused = paused }
        // A failed read keeps the last list: the database's own state is
        // shown above it, and an incident does not end because a query did.
        if case let .success(incidents)? = results.5 { next.openIncidents = incidents }
        switch results.4 {
        case nil: next.redis = .notConfigured
        case .success?: next.redis = .up(detail: "redis", latencyMilliseconds: nil)
        case let .failure(error)?: next.redis = .down(reason: "\(error)")
        }
        next.maxReadyLag = maxReadyLag
        next.maxHeadAge = maxHeadAge

        let previous = state.withLock { current in
            defer { current = next }
            return current
        }
        for (name, component) in [("database", next.database), ("rpc", next.rpc), ("redis", next.redis)] {
            upGauges[name]?.record(component.isUp ? 1 : 0)
            // One line per change of state, not one per probe.
            if component.isUp != previous.component(name).isUp, case let .down(reason) = component {
                logger.warning("dependency down", metadata: ["dependency": "\(name)", "reason": "\(reason)"])
            } else if component.isUp, case .down = previous.component(name) {
                logger.notice("dependency recovered", metadata: ["dependency": "\(name)"])
            }
        }
        upGauges["indexer"]?.record(next.indexerHealthy(at: now) ? 1 : 0)
    }

    static func probeIfConfigured<T: Sendable>(_ probe: (@Sendable () async throws -> T)?, _ timeout: Duration) async -> Result<T, any Error>? {
        guard let probe else { return nil }
        return await bounded(timeout, probe)
    }

    /// `body`'s result, or a timeout error once `limit` passes (the probe is cancelled).
    static func bounded<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async -> Result<T, any Error> {
        await withTaskGroup(of: Result<T, any Error>?.self) { group in
            group.addTask {
                do { return .success(try await body()) } catch { return .failure(error) }
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return Task.isCancelled ? nil : .failure(ProbeTimeout(limit: limit))
            }
            var outcome: Result<T, any Error> = .failure(ProbeTimeout(limit: limit))
            for await result in group {
                if let result {
                    outcome = result
                    break
                }
            }
            group.cancelAll()
            return outcome
        }
    }
}

struct ProbeTimeout: Error, CustomStringConvertible {
    var limit: Duration
    var description: String { "no answer within \(limit.milliseconds) ms" }
}

/// What the server needs to know of an in-process indexer (the executable
/// maps the indexer's status onto it; TakumiServer does not import TakumiIndexer).
public struct IndexerProgress: Sendable {
    public var head: UInt64?
    public var syncedBlock: UInt64?
    public var headChangedAt: Date?
    public var lastError: String?
    public var isLeader: Bool
    public var stopped: Bool

    public init(head: UInt64?, syncedBlock: UInt64?, headChangedAt: Date?, lastError: String?, isLeader: Bool, stopped: Bool) {
        self.head = head
        self.syncedBlock = syncedBlock
        self.headChangedAt = headChangedAt
        self.lastError = lastError
        self.isLeader = isLeader
        self.stopped = stopped
    }
}

/// One dependency's last probe.
public enum ComponentHealth: Sendable, Equatable {
    case unknown
    case notConfigured
    case up(detail: String, latencyMilliseconds: Double?)
    case down(reason: String)

    public var isUp: Bool {
        if case .up = self { true } else { false }
    }

    public var name: String {
        switch self {
        case .unknown: "unknown"
        case .notConfigured: "not_configured"
        case .up: "up"
        case .down: "down"
        }
    }
}

/// The last probe round: what `/health`, `/ready` and `/status` show.
public struct HealthSnapshot: Sendable {
    public enum Status: String, Sendable { case ok, degraded, down }

    public var chain: String
    public var checkedAt: Date?
    public var database: ComponentHealth = .unknown
    public var rpc: ComponentHealth = .unknown
    public var redis: ComponentHealth = .unknown
    public var head: UInt64?
    public var headChangedAt: Date?
    public var synced: UInt64?
    public var indexerError: String?
    public var indexerRunning: Bool?
    public var indexerStopped = false
    public var paused: [String: Bool] = [:]
    /// Unresolved incidents as last read (nil: not read yet, or not tracked by this process).
    public var openIncidents: [IncidentRecord]?
    public var maxReadyLag: UInt64 = 50
    public var maxHeadAge: Double = 120

    public init(chain: String) {
        self.chain = chain
    }

    func component(_ name: String) -> ComponentHealth {
        switch name {
        case "database": database
        case "rpc": rpc
        case "redis": redis
        default: .unknown
        }
    }

    public var lag: UInt64? {
        guard let head, let synced else { return nil }
        return head > synced ? head - synced : 0
    }

    public func headAge(at now: Date = Date()) -> Double? {
        headChangedAt.map { now.timeIntervalSince($0) }
    }

    func indexerHealthy(at now: Date) -> Bool {
        guard !indexerStopped, let lag, lag <= maxReadyLag else { return false }
        return (headAge(at: now) ?? 0) <= maxHeadAge
    }

    /// down: the database is unreachable or indexing stopped; degraded: a
    /// dependency is down, the indexer lags or the head is frozen, or a
    /// contract is paused; ok otherwise.
    public func status(at now: Date = Date()) -> Status {
        if case .down = database { return .down }
        if indexerStopped { return .down }
        if case .down = rpc { return .degraded }
        if case .down = redis { return .degraded }
        if !indexerHealthy(at: now) { return .degraded }
        if paused.values.contains(true) { return .degraded }
        return .ok
    }

    /// Ready to take traffic: the database answers and the indexer is within its lag bound.
    public var isReady: Bool {
        database.isUp && !indexerStopped && (lag.map { $0 <= maxReadyLag } ?? false)
    }
}

extension Duration {
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
