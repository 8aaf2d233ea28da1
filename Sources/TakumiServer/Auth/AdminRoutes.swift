import Ethereum
import Foundation
import Hummingbird
import TakumiStore

/// Admin routes under `/api/v1/admin`, for Bearer tokens of an address in
/// the configured admin list (others: 403 problem+json):
///
/// - `POST api-keys` `{name, requestsPerMinute?}` → 201 `{id, key, prefix, name, requestsPerMinute}` (the key is shown only here)
/// - `GET api-keys` → `{items: [{id, name, prefix, createdBy, createdAt, revokedAt, lastUsedAt, requestsPerMinute, active}]}`
/// - `DELETE api-keys/{id}` → 204 (404 for an unknown id)
/// - `GET audit-log?limit=` → `{items: [{id, at, actor, action, target, detail, requestId}]}`, newest first
///
/// Every admin request writes an `audit_log` entry, reads included; a
/// change and its entry commit in one transaction.
struct AdminRoutes: Sendable {
    let auth: AuthRoutes

    static let defaultAuditLimit = 50
    static let maxAuditLimit = 500
    static let maxNameLength = 100
    static let maxRequestsPerMinute = 1_000_000

    func add<Context: RequestContext>(to group: RouterGroup<Context>) {
        group.post("admin/api-keys", use: auth.guarded { request, context in try await self.createKey(request, context) })
        group.get("admin/api-keys", use: auth.guarded { request, context in try await self.listKeys(request, context) })
        group.delete("admin/api-keys/:id", use: auth.guarded { request, context in try await self.revokeKey(request, context) })
        group.get("admin/audit-log", use: auth.guarded { request, context in try await self.auditLog(request, context) })
    }

    struct CreateKeyBody: Decodable {
        var name: String
        var requestsPerMinute: Int?
    }

    func createKey(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let admin = try await requireAdmin(request)
        let body = try await AuthRoutes.body(
            CreateKeyBody.self, request, limit: auth.maxBodyBytes, shape: #"{"name": string, "requestsPerMinute"?: integer}"#
        )
        let name = body.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...Self.maxNameLength).contains(name.count) else {
            throw Problem(status: .badRequest, kind: "bad-body", title: "Bad request body", detail: "name must be 1 to \(Self.maxNameLength) characters", parameter: "name")
        }
        if let limit = body.requestsPerMinute, !(1...Self.maxRequestsPerMinute).contains(limit) {
            throw Problem(
                status: .badRequest, kind: "bad-body", title: "Bad request body",
                detail: "requestsPerMinute must be from 1 to \(Self.maxRequestsPerMinute), got \(limit)", parameter: "requestsPerMinute"
            )
        }
        let (key, prefix) = APIKeyMaterial.generate()
        let requestID = AuthRoutes.requestID(request, context)
        let id = try await auth.access.createAPIKey(
            name: name, keyHash: APIKeyMaterial.hash(key), prefix: prefix, createdBy: admin.checksummed,
            requestsPerMinute: body.requestsPerMinute, at: Date()
        ) { id in
            AuditEntryDraft(
                actor: admin.checksummed, action: "api-key.create", target: "api-key/\(id)",
                detail: Self.detail(["name": name, "prefix": prefix, "requestsPerMinute": body.requestsPerMinute.map { $0 as Any } ?? NSNull()]),
                requestID: requestID
            )
        }
        return AuthRoutes.json(
            ["id": id, "key": key, "prefix": prefix, "name": name, "requestsPerMinute": body.requestsPerMinute.map { $0 as Any } ?? NSNull()],
            status: .created
        )
    }

    func listKeys(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let admin = try await requireAdmin(request)
        let keys = try await auth.access.apiKeys()
        try await auth.access.appendAudit(
            AuditEntryDraft(actor: admin.checksummed, action: "api-key.list", detail: Self.detail(["count": keys.count]), requestID: AuthRoutes.requestID(request, context)),
            at: Date()
        )
        return AuthRoutes.json(["items": keys.map { key -> [String: Any] in
            [
                "id": key.id, "name": key.name, "prefix": key.prefix, "createdBy": key.createdBy,
                "createdAt": RFC3339Timestamp(key.createdAt).text, "revokedAt": Self.time(key.revokedAt),
                "lastUsedAt": Self.time(key.lastUsedAt), "requestsPerMinute": key.requestsPerMinute ?? NSNull(), "active": key.isActive,
            ]
        }])
    }

    func revokeKey(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let admin = try await requireAdmin(request)
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text), id > 0 else { throw Problem.badParameter("id", "id must be a positive integer, got \(text)") }
        let requestID = AuthRoutes.requestID(request, context)
        let outcome = try await auth.access.revokeAPIKey(id: id, at: Date()) { outcome in
            AuditEntryDraft(
                actor: admin.checksummed, action: "api-key.revoke", target: "api-key/\(id)",
                detail: Self.detail(["result": outcome.rawValue]), requestID: requestID
            )
        }
        guard outcome != .notFound else { throw Problem.notFound("no API key \(id)") }
        return Response(status: .noContent)
    }

    func auditLog(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let admin = try await requireAdmin(request)
        var limit = Self.defaultAuditLimit
        if let text = request.uri.queryParameters.get("limit") {
            guard let value = Int(text), (1...Self.maxAuditLimit).contains(value) else {
                throw Problem.badParameter("limit", "limit must be an integer from 1 to \(Self.maxAuditLimit), got \(text)")
            }
            limit = value
        }
        let entries = try await auth.access.auditLog(limit: limit)
        // Written after the read: the answer shows what happened before this request.
        try await auth.access.appendAudit(
            AuditEntryDraft(actor: admin.checksummed, action: "audit-log.read", detail: Self.detail(["limit": limit]), requestID: AuthRoutes.requestID(request, context)),
            at: Date()
        )
        return AuthRoutes.json(["items": entries.map { entry -> [String: Any] in
            [
                "id": entry.id, "at": RFC3339Timestamp(entry.at).text, "actor": entry.actor, "action": entry.action,
                "target": entry.target ?? NSNull(), "requestId": entry.requestID ?? NSNull(),
                "detail": (try? JSONSerialization.jsonObject(with: Data(entry.detail.utf8))) ?? entry.detail,
            ]
        }])
    }

    /// The admin's address, or 401 (no valid token) / 403 (not an admin).
    func requireAdmin(_ request: Request) async throws -> Address {
        let claims = try await auth.authenticate(request)
        guard auth.effectiveRole(claims) == .admin else {
            throw Problem(status: .forbidden, kind: "forbidden", title: "Forbidden", detail: "this route is for admins; \(claims.subject.checksummed) is not one")
        }
        return claims.subject
    }

    static func detail(_ object: [String: Any]) -> String {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            .map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func time(_ date: Date?) -> Any {
        date.map { RFC3339Timestamp($0).text } ?? NSNull()
    }
}
