import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An error answered as RFC 9457 `application/problem+json`, with a stable
/// `type` per kind of error so clients can branch on it.
///
/// ```swift
/// throw Problem.badParameter("address", "not an Ethereum address: 0x12")
/// // 400 {"type":"https://takumi.dev/problems/bad-parameter","title":"Bad parameter","status":400,
/// //      "detail":"not an Ethereum address: 0x12","parameter":"address"}
/// ```
public struct Problem: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    /// The last path segment of the `type` URI, e.g. `bad-parameter`.
    public var kind: String
    public var title: String
    public var detail: String
    /// The query or path parameter at fault, when there is one.
    public var parameter: String?
    public var headers: HTTPFields = [:]

    public init(status: HTTPResponse.Status, kind: String, title: String, detail: String, parameter: String? = nil) {
        self.status = status
        self.kind = kind
        self.title = title
        self.detail = detail
        self.parameter = parameter
    }

    public static let typeBase = "https://takumi.dev/problems/"
    public var type: String { Self.typeBase + kind }
    public var description: String { "\(status.code) \(kind): \(detail)" }

    public static func badParameter(_ name: String, _ detail: String) -> Problem {
        Problem(status: .badRequest, kind: "bad-parameter", title: "Bad parameter", detail: detail, parameter: name)
    }

    public static func notFound(_ detail: String) -> Problem {
        Problem(status: .notFound, kind: "not-found", title: "Not found", detail: detail)
    }

    public static func unavailable(_ detail: String) -> Problem {
        Problem(status: .serviceUnavailable, kind: "unavailable", title: "Service unavailable", detail: detail)
    }

    public static let `internal` = Problem(
        status: .internalServerError, kind: "internal", title: "Internal error",
        detail: "the server failed to answer; the error is logged"
    )

    public var json: [String: Any] {
        var object: [String: Any] = ["type": type, "title": title, "status": Int(status.code), "detail": detail]
        if let parameter { object["parameter"] = parameter }
        return object
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var object = json
        object["instance"] = request.uri.path
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Turns every error into problem+json: our ``Problem``s as they are,
/// Hummingbird's own (unknown route → 404, bad body → 400, 413) with their
/// status, anything else as a logged 500 that reveals nothing.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            throw problem
        } catch let error as HTTPError {
            switch error.status {
            case .notFound:
                throw Problem.notFound("no route for \(request.method) \(request.uri.path)")
            case .contentTooLarge:
                throw Problem(status: .contentTooLarge, kind: "body-too-large", title: "Request body too large", detail: error.body ?? "the request body is over the limit")
            case .methodNotAllowed:
                throw Problem(status: .methodNotAllowed, kind: "method-not-allowed", title: "Method not allowed", detail: "\(request.method) is not allowed on \(request.uri.path)")
            default:
                throw Problem(status: error.status, kind: "http-\(error.status.code)", title: error.status.reasonPhrase, detail: error.body ?? error.status.reasonPhrase)
            }
        } catch {
            context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            throw Problem.internal
        }
    }
}
