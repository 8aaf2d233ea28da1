import HTTPTypes
import Hummingbird
import NIOCore

/// The request context of the Takumi API: Hummingbird's core context plus
/// the client's address, which per-IP rate limits need.
public struct TakumiRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// Who a request counts against and how much it may do per window.
public struct RateLimitSubject: Sendable {
    public var key: String
    public var limit: Int

    public init(key: String, limit: Int) {
        self.key = key
        self.limit = limit
    }
}

/// Counts every request against its client (`ip:…`, or `key:…` for an API
/// key) and answers 429 problem+json beyond the budget. Every response
/// carries the IETF draft headers `RateLimit-Limit`, `RateLimit-Remaining`,
/// `RateLimit-Reset`; a 429 also `Retry-After`. Health and metrics routes
/// are not limited: monitoring must work during an attack.
struct RateLimitMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    let limiter: any RateLimiter
    let window: Duration
    let subject: @Sendable (Request, Context) async throws -> RateLimitSubject
    static var exempt: Set<String> { rateLimitExemptPaths }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !Self.exempt.contains(request.uri.path) else { return try await next(request, context) }
        let subject = try await subject(request, context)
        let decision = await limiter.hit(subject.key, limit: subject.limit, window: window)
        guard decision.allowed else {
            var problem = Problem(
                status: .tooManyRequests, kind: "rate-limited", title: "Too many requests",
                detail: "more than \(decision.limit) requests in \(window.components.seconds) s; retry in \(decision.resetSeconds) s"
            )
            Self.annotate(&problem.headers, decision)
            problem.headers[.retryAfter] = String(decision.resetSeconds)
            throw problem
        }
        do {
            var response = try await next(request, context)
            Self.annotate(&response.headers, decision)
            return response
        } catch var problem as Problem {
            Self.annotate(&problem.headers, decision)
            throw problem
        }
    }

    static func annotate(_ headers: inout HTTPFields, _ decision: RateLimitDecision) {
        for (name, value) in [("RateLimit-Limit", decision.limit), ("RateLimit-Remaining", decision.remaining), ("RateLimit-Reset", decision.resetSeconds)] {
            if let field = HTTPField.Name(name) { headers[field] = String(value) }
        }
    }

    /// The client's address without the port, for `ip:` keys.
    static func clientIP(_ context: Context) -> String {
        context.remoteAddress?.ipAddress ?? "unknown"
    }
}

/// Paths never rate limited (probes and scrapes), built once: a generic type cannot store a static.
private let rateLimitExemptPaths: Set<String> = ["/health", "/ready", "/metrics", "/metrics/indexer", "/status"]
