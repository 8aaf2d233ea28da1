import Metrics

/// The RPC metrics ARCHITECTURE.md names:
/// `takumi_rpc_requests_total{endpoint,method,status}`,
/// `takumi_rpc_request_seconds{endpoint,method}`, `takumi_rpc_endpoint_up{endpoint}`.
struct RPCMetrics: Sendable {
    let factory: any MetricsFactory

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func request(_ endpoint: String, _ method: String, _ status: String, seconds: Double) {
        Counter(
            label: "takumi_rpc_requests_total",
            dimensions: [("endpoint", endpoint), ("method", method), ("status", status)],
            factory: factory
        ).increment()
        Timer(label: "takumi_rpc_request_seconds", dimensions: [("endpoint", endpoint), ("method", method)], factory: factory)
            .recordNanoseconds(Int64(seconds * 1e9))
    }

    func endpointUp(_ endpoint: String, _ up: Bool) {
        Gauge(label: "takumi_rpc_endpoint_up", dimensions: [("endpoint", endpoint)], factory: factory).record(up ? 1 : 0)
    }
}
