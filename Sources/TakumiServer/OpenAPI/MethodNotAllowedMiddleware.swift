import HTTPTypes
import Hummingbird

/// 405 with `Allow` (RFC 9110 §15.5.6) instead of the router's 404 for a
/// path that exists with other methods. Hummingbird's router answers 404
/// for both; the routes and their methods are taken from the OpenAPI
/// document (``OpenAPIDocument/routes``), so what the document promises and
/// what the server answers cannot drift apart.
///
/// Only the router's own 404 (`HTTPError(.notFound)`) is turned into 405: a
/// handler's `Problem.notFound` (no such profile) is left alone.
///
/// ```swift
/// router.add(middleware: MethodNotAllowedMiddleware(routes: OpenAPIDocument.routes))
/// // POST /health → 405, Allow: GET, problem+json type …/method-not-allowed
/// ```
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: [OpenAPIDocument.Route]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let methods = OpenAPIDocument.methods(allowedOn: request.uri.path, in: routes)
            guard !methods.isEmpty, !methods.contains(request.method.rawValue) else { throw error }
            let allow = methods.joined(separator: ", ")
            var problem = Problem(
                status: .methodNotAllowed, kind: "method-not-allowed", title: "Method not allowed",
                detail: "\(request.method) is not allowed on \(request.uri.path); allowed: \(allow)"
            )
            problem.headers[.allow] = allow
            throw problem
        }
    }
}

extension OpenAPIDocument {
    /// A path template of the document (`/api/v1/skills/{id}`) and its methods (`GET`).
    struct Route: Sendable, Equatable {
        var template: String
        var methods: [String]
    }

    /// Every path of ``yaml`` with its methods, read from the `paths:` section
    /// (paths at two spaces of indentation, methods at four).
    static let routes: [Route] = {
        let methodNames: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        var routes: [Route] = []
        var inPaths = false
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" "), !line.isEmpty {
                inPaths = line == "paths:"
                continue
            }
            guard inPaths, line.hasSuffix(":") || line.contains(": ") else { continue }
            if line.hasPrefix("  /"), !line.hasPrefix("   ") {
                routes.append(Route(template: String(line.dropFirst(2).dropLast()), methods: []))
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), let name = line.dropFirst(4).split(separator: ":").first,
                      methodNames.contains(String(name)), !routes.isEmpty {
                routes[routes.count - 1].methods.append(name.uppercased())
            }
        }
        return routes
    }()

    /// The methods of the route whose template matches `path` (`{name}` matches
    /// one non-empty segment); empty when no route matches.
    static func methods(allowedOn path: String, in routes: [Route]) -> [String] {
        let segments = path.split(separator: "/")
        for route in routes {
            let template = route.template.split(separator: "/")
            guard template.count == segments.count else { continue }
            let matches = zip(template, segments).allSatisfy { pattern, segment in
                (pattern.hasPrefix("{") && pattern.hasSuffix("}")) || pattern == segment
            }
            if matches { return route.methods }
        }
        return []
    }
}
