import Foundation
import Hummingbird
import Logging
import Metrics
import ServiceLifecycle
import Takumi
import TakumiStore

/// Settings of the HTTP server that do not come from the store or the chain.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var chain: String
    public var finalityDepth: UInt64
    /// Request bodies above this many bytes are answered 413.
    public var maxBodyBytes: Int
    /// Origins allowed by CORS (empty: no CORS headers).
    public var corsOrigins: [String]
    /// How long `GET /api/v1/…` answers are served from memory (nil: no cache).
    public var cacheTTL: Duration?

    public init(host: String = "127.0.0.1", port: Int = 3001, chain: String, finalityDepth: UInt64, maxBodyBytes: Int = 64 * 1024, corsOrigins: [String] = [], cacheTTL: Duration? = nil) {
        self.host = host
        self.port = port
        self.chain = chain
        self.finalityDepth = finalityDepth
        self.maxBodyBytes = maxBodyBytes
        self.corsOrigins = corsOrigins
        self.cacheTTL = cacheTTL
    }
}

/// What the application is built from: everything with I/O is passed in,
/// so production (`takumi serve`) and tests compose the same application.
public struct ServerDependencies: Sendable {
    public var store: any DatabaseStore
    public var manifest: DeploymentManifest
    public var monitor: HealthMonitor
    public var metrics: MetricsRegistry
    public var metricsFactory: any MetricsFactory
    public var build: BuildInfo

    public init(
        store: any DatabaseStore, manifest: DeploymentManifest, monitor: HealthMonitor, metrics: MetricsRegistry,
        metricsFactory: any MetricsFactory = MetricsSystem.factory, build: BuildInfo = .current
    ) {
        self.store = store
        self.manifest = manifest
        self.monitor = monitor
        self.metrics = metrics
        self.metricsFactory = metricsFactory
        self.build = build
    }
}

/// The composition root (as in Hummingbird's examples): the router with its
/// middleware and routes. `takumi serve` wraps it in an `Application` with
/// the indexer, the store and the health monitor as services; tests call
/// `buildApplication(…).test(.router)`.
public func buildRouter(_ configuration: ServerConfiguration, _ dependencies: ServerDependencies) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    // Outermost first: metrics see the final status, problems are rendered
    // before the paused header is added to them.
    router.add(middleware: HTTPMetricsMiddleware(factory: dependencies.metricsFactory))
    if !configuration.corsOrigins.isEmpty {
        router.add(middleware: AllowlistCORSMiddleware(origins: Set(configuration.corsOrigins)))
    }
    router.add(middleware: PausedHeaderMiddleware(monitor: dependencies.monitor))
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: BodyLimitMiddleware(maxBytes: configuration.maxBodyBytes))
    if let ttl = configuration.cacheTTL {
        router.add(middleware: ResponseCacheMiddleware(cache: ResponseCache(ttl: ttl)))
    }

    HealthRoutes(monitor: dependencies.monitor, metrics: dependencies.metrics, build: dependencies.build).add(to: router)
    OpenAPIRoutes.add(to: router)
    ReadRoutes(
        reader: dependencies.store.reader(), chain: configuration.chain, finalityDepth: configuration.finalityDepth,
        monitor: dependencies.monitor, contracts: ContractsDocument(manifest: dependencies.manifest)
    ).add(to: router.group("api/v1"))
    return router
}

/// The application: the router on `host:port`, plus long-running `services`
/// (store, health monitor, indexer) shut down gracefully with it.
public func buildApplication(
    _ configuration: ServerConfiguration, _ dependencies: ServerDependencies,
    services: [any Service] = [], logger: Logger = Logger(label: "takumi.http"), onServerRunning: (@Sendable (Int) async -> Void)? = nil
) -> some ApplicationProtocol {
    var app = Application(
        router: buildRouter(configuration, dependencies),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "takumi"),
        onServerRunning: { channel in
            await onServerRunning?(channel.localAddress?.port ?? configuration.port)
        },
        logger: logger
    )
    for service in services { app.addServices(service) }
    return app
}

/// Request bodies over the limit → 413 before a handler reads them.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes {
            throw Problem(status: .contentTooLarge, kind: "body-too-large", title: "Request body too large", detail: "the body is \(length) bytes; the limit is \(maxBytes)")
        }
        // A body without Content-Length (chunked) is bounded where it is read: `collectBody(upTo:)`.
        return try await next(request, context)
    }
}
