import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A bare HTTP server with `GET /metrics` (and `GET /health`), for processes
/// that run without the API: `takumi indexer run --metrics-port P`.
/// A Service: it stops with the process's ServiceGroup.
///
/// ```swift
/// let server = MetricsServer(host: "127.0.0.1", port: 9464, metrics: registry, logger: logger)
/// // add `server` to the ServiceGroup next to the indexer
/// ```
public struct MetricsServer: Service {
    let host: String
    let port: Int
    let metrics: MetricsRegistry
    let logger: Logger

    public init(host: String, port: Int, metrics: MetricsRegistry, logger: Logger) {
        self.host = host
        self.port = port
        self.metrics = metrics
        self.logger = logger
    }

    public func run() async throws {
        let router = Router()
        MetricsRoutes.add(to: router, metrics: metrics)
        router.get("/health") { _, _ in "ok\n" }
        let logger = self.logger
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "takumi-metrics"),
            onServerRunning: { channel in
                // Port 0 asks the kernel for a free port: log the one it gave.
                let port = channel.localAddress?.port ?? 0
                logger.notice("metrics listening", metadata: ["url": "http://\(self.host):\(port)/metrics"])
            },
            logger: logger
        )
        // The ServiceGroup that runs us handles signals; Application.run()
        // ends on its graceful shutdown.
        try await app.run()
    }
}

/// `GET /metrics`: the Prometheus text of the process's registry. Shared by
/// the API server and `MetricsServer` so both export the same way.
public enum MetricsRoutes {
    public static func add<Context: RequestContext>(to router: Router<Context>, metrics: MetricsRegistry) {
        router.get("/metrics") { _, _ -> Response in
            let bytes = metrics.exposition()
            var buffer = ByteBuffer()
            buffer.writeBytes(bytes)
            return Response(
                status: .ok,
                headers: [.contentType: MetricsRegistry.contentType],
                body: ResponseBody(byteBuffer: buffer)
            )
        }
    }
}
