import Foundation
import HTTPTypes
import Hummingbird
import Metrics
import Synchronization

/// `takumi_http_requests_total{method,route,status}` and
/// `takumi_http_request_duration_seconds{method,route}`, labelled with the
/// route template (`/api/v1/profiles/{address}`), never the raw path, so an
/// address per request cannot explode the series count.
struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let factory: any MetricsFactory
    /// The counter and timer of each (route, method, status), made once:
    /// making them per request (template text, label arrays, the factory's
    /// lookup under its lock) was 4 % of a profile request's CPU.
    private let handles = HTTPMetricHandles()

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let status: HTTPResponse.Status
        do {
            let response = try await next(request, context)
            status = response.status
            record(request, context, status, started)
            return response
        } catch let error as any HTTPResponseError {
            record(request, context, error.status, started)
            throw error
        } catch {
            record(request, context, .internalServerError, started)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, _ status: HTTPResponse.Status, _ started: ContinuousClock.Instant) {
        let (requests, duration) = handles.handles(endpointPath: context.endpointPath, method: request.method.rawValue, status: status.code) {
            route, method, status in
            (
                Counter(label: "takumi_http_requests_total", dimensions: [("method", method), ("route", route), ("status", String(status))], factory: factory),
                Timer(label: "takumi_http_request_duration_seconds", dimensions: [("method", method), ("route", route)], factory: factory)
            )
        }
        requests.increment()
        let elapsed = ContinuousClock.now - started
        duration.recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}

/// ``HTTPMetricsMiddleware``'s metric handles by endpoint, method and status.
/// Bounded by routes × methods × statuses: unmatched paths have no endpoint
/// and share one entry per method and status.
final class HTTPMetricHandles: Sendable {
    typealias Handles = (requests: Counter, duration: Timer)
    private struct Key: Hashable {
        var endpointPath: String?
        var method: String
        var status: Int
    }

    private let known = Mutex<[Key: Handles]>([:])

    /// Hummingbird writes parameters as `:name`; OpenAPI and our docs as `{name}`.
    static func template(_ endpointPath: String?) -> String? {
        guard let endpointPath else { return nil }
        return endpointPath.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
        }.joined(separator: "/")
    }

    /// The handles of one endpoint, method and status; `make` (given the route template, method and status) makes them the first time.
    func handles(endpointPath: String?, method: String, status: Int, make: (String, String, Int) -> Handles) -> Handles {
        let key = Key(endpointPath: endpointPath, method: method, status: status)
        return known.withLock { known in
            if let handles = known[key] { return handles }
            let handles = make(Self.template(endpointPath) ?? "unmatched", method, status)
            known[key] = handles
            return handles
        }
    }
}

/// `X-Takumi-Paused: true` on every response while any Takumi contract is
/// paused (as of the last health probe), so every client learns it.
struct PausedHeaderMiddleware<Context: RequestContext>: RouterMiddleware {
    let monitor: HealthMonitor
    /// A constant, valid field name; optional only because the initialiser is failable.
    static var header: HTTPField.Name? { HTTPField.Name("X-Takumi-Paused") }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            var response = try await next(request, context)
            if monitor.anyPaused, let header = Self.header { response.headers[header] = "true" }
            return response
        } catch var problem as Problem {
            if monitor.anyPaused, let header = Self.header { problem.headers[header] = "true" }
            throw problem
        }
    }
}

/// CORS for the origins in the allowlist only: the request's origin is
/// echoed back when listed (with `Vary: Origin`), preflights are answered
/// here; other origins get no CORS headers, so browsers refuse them.
struct AllowlistCORSMiddleware<Context: RequestContext>: RouterMiddleware {
    let origins: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], origins.contains(origin) else {
            return try await next(request, context)
        }
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            return Response(status: .noContent, headers: [
                .accessControlAllowOrigin: origin, .vary: "Origin",
                .accessControlAllowMethods: "GET, POST, DELETE, OPTIONS",
                .accessControlAllowHeaders: "Authorization, Content-Type, Accept",
                .accessControlMaxAge: "600",
            ])
        }
        var response = try await next(request, context)
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.vary] = "Origin"
        response.headers[.accessControlExposeHeaders] = "X-Takumi-Paused, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset"
        return response
    }
}
