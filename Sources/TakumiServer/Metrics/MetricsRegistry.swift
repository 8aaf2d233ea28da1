import Metrics
import Prometheus

/// The process's Prometheus registry: every swift-metrics metric of every
/// module (indexer, RPC pool, HTTP server) lands here once `bootstrap()` ran.
///
/// ```swift
/// let registry = MetricsRegistry.bootstrap()   // once, at start-up
/// let text = registry.exposition()             // Prometheus text format
/// ```
public struct MetricsRegistry: Sendable {
    public let registry: PrometheusCollectorRegistry

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// Installs a fresh registry as the process-wide metrics backend.
    /// swift-metrics allows this once per process, so only an executable's
    /// command calls it; tests build their own factory instead.
    public static func bootstrap() -> MetricsRegistry {
        let metrics = MetricsRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics.registry))
        return metrics
    }

    /// The Prometheus text exposition (version 0.0.4) of every metric.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }

    /// The `Content-Type` Prometheus scrapers expect for `exposition()`.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"
}
