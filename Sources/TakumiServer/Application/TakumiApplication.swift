import Foundation
import HTTPTypes
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
    /// Sign-In with Ethereum, sessions and admin routes (nil: those routes are absent).
    public var auth: AuthConfiguration?
    /// Requests per client IP per ``rateLimitWindow``; an API key's own limit replaces it (nil: no rate limit).
    public var rateLimitPerIP: Int? = 600
    public var rateLimitWindow: Duration = .seconds(60)
    /// Requests per window for an API key without a limit of its own.
    public var rateLimitPerKey: Int = 6_000

    public init(host: String = "127.0.0.1", port: Int = 3001, chain: String, finalityDepth: UInt64, maxBodyBytes: Int = 64 * 1024, corsOrigins: [String] = [], cacheTTL: Duration? = nil, auth: AuthConfiguration? = nil) {
        self.host = host
        self.port = port
        self.chain = chain
        self.finalityDepth = finalityDepth
        self.maxBodyBytes = maxBodyBytes
        self.corsOrigins = corsOrigins
        self.cacheTTL = cacheTTL
        self.auth = auth
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
    /// Sign-In with Ethereum nonces (in-process unless a shared store is passed).
    public var nonces: any NonceStore
    /// Request budgets (in-process unless Redis-backed).
    public var rateLimiter: any RateLimiter = InMemoryRateLimiter()

    public init(
        store: any DatabaseStore, manifest: DeploymentManifest, monitor: HealthMonitor, metrics: MetricsRegistry,
        metricsFactory: any MetricsFactory = MetricsSystem.factory, build: BuildInfo = .current, nonces: any NonceStore = InMemoryNonceStore()
    ) {
        self.store = store
        self.manifest = manifest
        self.monitor = monitor
        self.metrics = metrics
        self.metricsFactory = metricsFactory
        self.build = build
        self.nonces = nonces
    }
}

/// The composition root (as in Hummingbird's examples): the router with its
/// middleware and routes. `takumi serve` wraps it in an `Application` with
/// the indexer, the store and the health monitor as services; tests call
/// `buildApplication(…).test(.router)`.
public func buildRouter(_ configuration: ServerConfiguration, _ dependencies: ServerDependencies) -> Router<TakumiRequestContext> {
    let router = Router(context: TakumiRequestContext.self)
    // Outermost first: metrics see the final status, problems are rendered
    // before the paused header is added to them.
    router.add(middleware: HTTPMetricsMiddleware(factory: dependencies.metricsFactory))
    if !configuration.corsOrigins.isEmpty {
        router.add(middleware: AllowlistCORSMiddleware(origins: Set(configuration.corsOrigins)))
    }
    router.add(middleware: PausedHeaderMiddleware(monitor: dependencies.monitor))
    router.add(middleware: ProblemMiddleware())
    if let perIP = configuration.rateLimitPerIP {
        let access = dependencies.store.access()
        let perKey = configuration.rateLimitPerKey
        router.add(middleware: RateLimitMiddleware<TakumiRequestContext>(
            limiter: dependencies.rateLimiter, window: configuration.rateLimitWindow,
            subject: { request, context in
                // An API key (X-API-Key) has its own budget, once it is known to be valid:
                // counting unknown keys separately would let anyone escape the IP limit.
                if let name = HTTPField.Name("X-API-Key"), let presented = request.headers[name], !presented.isEmpty {
                    let hash = APIKeyMaterial.hash(presented)
                    guard let key = try await access.activeAPIKey(hash: hash, at: Date()) else {
                        throw Problem(status: .unauthorized, kind: "bad-api-key", title: "Unknown API key", detail: "the X-API-Key header holds no active key")
                    }
                    return RateLimitSubject(key: "key:\(key.id)", limit: key.requestsPerMinute ?? perKey)
                }
                return RateLimitSubject(key: "ip:" + RateLimitMiddleware<TakumiRequestContext>.clientIP(context), limit: perIP)
            }
        ))
    }
    router.add(middleware: BodyLimitMiddleware(maxBytes: configuration.maxBodyBytes))
    // A known path with a method it does not serve: 405 with `Allow`, not the router's 404.
    router.add(middleware: MethodNotAllowedMiddleware(routes: OpenAPIDocument.routes))
    if let ttl = configuration.cacheTTL {
        router.add(middleware: ResponseCacheMiddleware(cache: ResponseCache(ttl: ttl)))
    }

    HealthRoutes(monitor: dependencies.monitor, metrics: dependencies.metrics, build: dependencies.build).add(to: router)
    OpenAPIRoutes.add(to: router)
    ReadRoutes(
        reader: dependencies.store.reader(), chain: configuration.chain, finalityDepth: configuration.finalityDepth,
        monitor: dependencies.monitor, contracts: ContractsDocument(manifest: dependencies.manifest)
    ).add(to: router.group("api/v1"))
    if let auth = configuration.auth {
        let routes = AuthRoutes(
            configuration: auth, access: dependencies.store.access(), reader: dependencies.store.reader(), nonces: dependencies.nonces,
            failures: AuthFailureCounters(factory: dependencies.metricsFactory), chain: configuration.chain,
            finalityDepth: configuration.finalityDepth, monitor: dependencies.monitor, maxBodyBytes: configuration.maxBodyBytes
        )
        routes.add(to: router.group("api/v1"))
        AdminRoutes(auth: routes).add(to: router.group("api/v1"))
    }
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
