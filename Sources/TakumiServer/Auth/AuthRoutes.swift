import Ethereum
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TakumiStore

/// Sign-In with Ethereum and sessions under `/api/v1`:
///
/// - `GET auth/nonce` → `{nonce, expiresAt}`
/// - `POST auth/verify` `{message, signature}` → `{accessToken, refreshToken, tokenType, expiresIn, address, role}`
/// - `POST auth/refresh` `{refreshToken}` → a new pair; the old refresh token is spent
/// - `POST auth/logout` (Bearer access token, or `{refreshToken}`) → 204, the session family revoked
/// - `GET me?limit=` (Bearer) → `{address, role, profile, claims, assignedClaims}`, the last two pages `{items, nextCursor}`
/// - `GET me/claims`, `GET me/assigned-claims` (Bearer) `?limit=&cursor=` → the next pages of those lists
///
/// Access tokens are HS256 JWTs for 15 minutes; refresh tokens are opaque,
/// single use, stored as SHA-256 and grouped in a family per sign-in. Every
/// refusal is a 401 `auth-failed` problem with a `reason` (``AuthFailure``).
struct AuthRoutes: Sendable {
    let configuration: AuthConfiguration
    let access: AccessStore
    let reader: ProjectionReader
    let nonces: any NonceStore
    let tokens: AccessTokenCodec
    let failures: AuthFailureCounters
    let chain: String
    let finalityDepth: UInt64
    let monitor: HealthMonitor
    let maxBodyBytes: Int

    init(
        configuration: AuthConfiguration, access: AccessStore, reader: ProjectionReader, nonces: any NonceStore,
        failures: AuthFailureCounters, chain: String, finalityDepth: UInt64, monitor: HealthMonitor, maxBodyBytes: Int
    ) {
        self.configuration = configuration
        self.access = access
        self.reader = reader
        self.nonces = nonces
        self.tokens = AccessTokenCodec(secret: configuration.secret)
        self.failures = failures
        self.chain = chain
        self.finalityDepth = finalityDepth
        self.monitor = monitor
        self.maxBodyBytes = maxBodyBytes
    }

    static let refreshMarker = "rt_"

    func add<Context: RequestContext>(to group: RouterGroup<Context>) {
        group.get("auth/nonce", use: guarded { _, _ in try await self.nonce() })
        group.post("auth/verify", use: guarded { request, context in try await self.verify(request, context) })
        group.post("auth/refresh", use: guarded { request, _ in try await self.refresh(request) })
        group.post("auth/logout", use: guarded { request, _ in try await self.logout(request) })
        group.get("me", use: guarded { request, _ in try await self.me(request) })
        group.get("me/claims", use: guarded { request, _ in try await self.myClaims(request, assigned: false) })
        group.get("me/assigned-claims", use: guarded { request, _ in try await self.myClaims(request, assigned: true) })
    }

    /// Answers ``AuthFailure``s as 401 problems (counted); everything else
    /// goes on to ``ProblemMiddleware``.
    func guarded<Context: RequestContext>(
        _ handler: @escaping @Sendable (Request, Context) async throws -> Response
    ) -> @Sendable (Request, Context) async throws -> Response {
        { request, context in
            do {
                return try await handler(request, context)
            } catch let failure as AuthFailure {
                failures.record(failure.reason)
                context.logger.info("authentication refused", metadata: ["reason": "\(failure.reason.rawValue)", "path": "\(request.uri.path)"])
                return failure.response(path: request.uri.path)
            }
        }
    }

    // MARK: Handlers

    func nonce() async throws -> Response {
        let nonce: String
        do {
            nonce = try await nonces.issue(ttl: configuration.nonceTTL)
        } catch let error as NonceStoreError {
            switch error {
            case .full: throw Problem.unavailable(error.description)
            case .unavailable: throw Self.dependencyUnavailable("no sign-in nonce can be issued now: \(error.description); try again shortly")
            }
        }
        let expiresAt = Date().addingTimeInterval(configuration.nonceTTL.seconds)
        return Self.json(["nonce": nonce, "expiresAt": RFC3339Timestamp(expiresAt).text])
    }

    struct VerifyBody: Decodable {
        var message: String
        var signature: String
    }

    /// Checks, in order: the message parses (EIP-4361); domain, URI and chain
    /// are ours; Issued At, Expiration Time and Not Before hold within the
    /// clock skew; the signature recovers to the message's address; and last
    /// the nonce is one we issued, consumed now. The nonce goes last so only
    /// a fully valid message spends it (a stray request cannot burn the
    /// nonce a wallet is about to sign with), and consuming is atomic, so a
    /// message presented twice at once signs in only once.
    func verify<Context: RequestContext>(_ request: Request, _ context: Context) async throws -> Response {
        let body = try await Self.body(VerifyBody.self, request, limit: maxBodyBytes, shape: #"{"message": string, "signature": "0x…"}"#)
        let now = Date()
        let message: SIWEMessage
        do {
            message = try SIWEMessage(parsing: body.message)
        } catch {
            throw AuthFailure(.malformed, "not an EIP-4361 message: \(error)")
        }
        guard let signature = try? Hex.decode(body.signature, count: 65, prefix: .optional) else {
            throw AuthFailure(.signature, "the signature must be 65 bytes of hex")
        }
        let verifier = SIWEVerifier(
            domain: configuration.domain, uri: configuration.uri, chainID: configuration.chainID, scheme: configuration.scheme,
            clockTolerance: configuration.clockSkew.seconds
        )
        do {
            _ = try await verifier.verify(body.message, signature: signature, nonce: message.nonce, at: now)
        } catch {
            throw AuthFailure(error)
        }
        let consumed: Bool
        do {
            consumed = try await nonces.consume(message.nonce)
        } catch let error as NonceStoreError {
            // Not an authentication failure: the message may be fine. Its
            // nonce is most likely unspent, so the same message can be sent
            // again once the store answers (unless it expires first).
            throw Self.dependencyUnavailable("the sign-in nonce cannot be checked now: \(error.description); send the signed message again shortly")
        }
        guard consumed else {
            // Only to word the refusal: if the store cannot say, it is an unknown nonce.
            if (try? await nonces.wasConsumed(message.nonce)) == true {
                throw AuthFailure(.replay, "this nonce was already used to sign in; ask for a new one")
            }
            throw AuthFailure(.nonce, "the nonce was not issued by this server or has expired; ask for a new one")
        }
        let family = Base64URL.encode(Secrets.randomBytes(16))
        let refreshToken = Self.refreshMarker + Base64URL.encode(Secrets.randomBytes(32))
        try await access.insertSession(SessionRecord(
            tokenHash: Secrets.hash(refreshToken), familyID: family, address: message.address.lowercased,
            chainID: message.chainID, issuedAt: now, expiresAt: now.addingTimeInterval(configuration.refreshTokenTTL.seconds)
        ))
        context.logger.info("signed in", metadata: ["address": "\(message.address.checksummed)"])
        return tokenResponse(address: message.address, family: family, refreshToken: refreshToken, now: now)
    }

    struct RefreshBody: Decodable {
        var refreshToken: String
    }

    func refresh(_ request: Request) async throws -> Response {
        let body = try await Self.body(RefreshBody.self, request, limit: maxBodyBytes, shape: #"{"refreshToken": string}"#)
        let now = Date()
        let replacement = Self.refreshMarker + Base64URL.encode(Secrets.randomBytes(32))
        let rotation = try await access.rotate(
            Secrets.hash(body.refreshToken), replacement: Secrets.hash(replacement),
            expiresAt: now.addingTimeInterval(configuration.refreshTokenTTL.seconds), at: now
        )
        switch rotation {
        case let .rotated(previous, _):
            guard let address = try? Address(previous.address) else {
                throw AuthFailure(.refreshInvalid, "the session's address is unreadable")
            }
            return tokenResponse(address: address, family: previous.familyID, refreshToken: replacement, now: now)
        case .unknown:
            throw AuthFailure(.refreshInvalid, "the refresh token is not one this server issued")
        case .expired:
            throw AuthFailure(.refreshExpired, "the refresh token has expired; sign in again")
        case .revoked:
            throw AuthFailure(.refreshRevoked, "the session was signed out or revoked; sign in again")
        case .reused:
            throw AuthFailure(.refreshReused, "the refresh token was already used; the session is revoked, sign in again")
        }
    }

    struct LogoutBody: Decodable {
        var refreshToken: String?
    }

    /// Revokes the family of the presented access token, or of the refresh
    /// token in the body: every token of that sign-in stops working. An
    /// already signed-out session answers 204 too (logout is idempotent).
    func logout(_ request: Request) async throws -> Response {
        let now = Date()
        if request.headers[.authorization] != nil {
            let claims = try await authenticate(request, requireLiveSession: false)
            try await access.revokeFamily(claims.sessionID, at: now)
            return Response(status: .noContent)
        }
        let body = try await Self.optionalBody(LogoutBody.self, request, limit: maxBodyBytes, shape: #"{"refreshToken": string}"#)
        guard let token = body?.refreshToken else {
            throw AuthFailure(.tokenMissing, "send Authorization: Bearer <access token>, or {\"refreshToken\": …}")
        }
        guard let session = try await access.session(tokenHash: Secrets.hash(token)) else {
            throw AuthFailure(.refreshInvalid, "the refresh token is not one this server issued")
        }
        try await access.revokeFamily(session.familyID, at: now)
        return Response(status: .noContent)
    }

    /// My profile and the first page of each of my claim lists (`limit`
    /// applies to both); `me/claims` and `me/assigned-claims` continue them
    /// with `cursor` = a page's `nextCursor`.
    func me(_ request: Request) async throws -> Response {
        let claims = try await authenticate(request)
        let owner = claims.subject.lowercased
        let limit = try ReadRoutes.limit(request)
        let renderer = self.renderer
        let profile = try await reader.row(.profiles, key: RowKey([.text(chain), .text(owner)]))
        let ownClaims = try await claimPage(Self.claimConditions(owner, assigned: false), after: nil, limit: limit, renderer: renderer)
        let assigned = try await claimPage(Self.claimConditions(owner, assigned: true), after: nil, limit: limit, renderer: renderer)
        return Self.json([
            "address": claims.subject.checksummed, "role": effectiveRole(claims).rawValue,
            "profile": profile.map(renderer.render) ?? NSNull(),
            "claims": ownClaims, "assignedClaims": assigned,
        ])
    }

    /// `GET me/claims` (claims I made) or `GET me/assigned-claims` (claims
    /// assigned to me for review, still open): pages in id order, like `/claims`.
    func myClaims(_ request: Request, assigned: Bool) async throws -> Response {
        let claims = try await authenticate(request)
        let limit = try ReadRoutes.limit(request)
        let cursor = try ReadRoutes.cursor(request, for: .skillClaims)
        let page = try await claimPage(Self.claimConditions(claims.subject.lowercased, assigned: assigned), after: cursor, limit: limit, renderer: renderer)
        return Self.json(page)
    }

    static func claimConditions(_ address: String, assigned: Bool) -> [ProjectionReader.Condition] {
        assigned ? [.equals("verifier", .text(address)), .equals("status", .text("assigned"))] : [.equals("claimant", .text(address))]
    }

    /// One keyset page of `skill_claims`: `{items, nextCursor}`, one row
    /// more fetched than shown to know whether another page follows.
    func claimPage(_ conditions: [ProjectionReader.Condition], after cursor: StoreValue?, limit: Int, renderer: RowRenderer) async throws -> [String: Any] {
        let rows = try await reader.rows(.skillClaims, chain: chain, where: conditions, after: cursor, limit: limit + 1)
        let shown = rows.prefix(limit)
        var next: Any = NSNull()
        if rows.count > limit, case let .int(id)? = shown.last?["id"] { next = String(id) }
        return ["items": shown.map(renderer.render), "nextCursor": next]
    }

    var renderer: RowRenderer {
        let head = monitor.snapshot.head
        return RowRenderer(finalizedBlock: head.map { $0 > finalityDepth ? $0 - finalityDepth : 0 }, head: head)
    }

    // MARK: Tokens

    func role(of address: Address) -> AccessClaims.Role {
        configuration.admins.contains(address) ? .admin : .user
    }

    /// The token's role, withdrawn at once when the address leaves the admin list.
    func effectiveRole(_ claims: AccessClaims) -> AccessClaims.Role {
        claims.role == .admin && configuration.admins.contains(claims.subject) ? .admin : .user
    }

    func tokenResponse(address: Address, family: String, refreshToken: String, now: Date) -> Response {
        let issuedAt = Int64(now.timeIntervalSince1970)
        let lifetime = Int64(configuration.accessTokenTTL.seconds)
        let role = role(of: address)
        let accessToken = tokens.sign(AccessClaims(subject: address, sessionID: family, role: role, issuedAt: issuedAt, expiresAt: issuedAt + lifetime))
        return Self.json([
            "accessToken": accessToken, "refreshToken": refreshToken, "tokenType": "Bearer", "expiresIn": lifetime,
            "address": address.checksummed, "role": role.rawValue,
        ])
    }

    /// The claims of the request's `Authorization: Bearer` token. With
    /// `requireLiveSession`, its session family must not be revoked, so a
    /// logout or a detected refresh-token reuse ends access tokens too.
    func authenticate(_ request: Request, requireLiveSession: Bool = true) async throws -> AccessClaims {
        guard let header = request.headers[.authorization] else {
            throw AuthFailure(.tokenMissing, "send Authorization: Bearer <access token>")
        }
        // RFC 9110 §11.1: the scheme is case-insensitive.
        guard header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            throw AuthFailure(.tokenInvalid, "the Authorization header must be Bearer <access token>")
        }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        let claims: AccessClaims
        do {
            claims = try tokens.verify(token, at: Date(), skew: configuration.clockSkew.seconds)
        } catch {
            throw AuthFailure(error)
        }
        if requireLiveSession, !(try await access.isFamilyActive(claims.sessionID)) {
            throw AuthFailure(.sessionRevoked, "the session was signed out or revoked; sign in again")
        }
        return claims
    }

    // MARK: Helpers

    /// A JSON response that no cache keeps (tokens, personal data).
    static func json(_ object: Any, status: HTTPResponse.Status = .ok) -> Response {
        var response = JSONResponse.make(object, status: status)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// The JSON body as `T`, read up to `limit` bytes (413 beyond); 400 `bad-body` when it does not decode.
    static func body<T: Decodable>(_ type: T.Type, _ request: Request, limit: Int, shape: String) async throws -> T {
        guard let body = try await optionalBody(type, request, limit: limit, shape: shape) else {
            throw badBody(shape)
        }
        return body
    }

    /// As ``body(_:_:limit:shape:)``, nil for an empty body.
    static func optionalBody<T: Decodable>(_ type: T.Type, _ request: Request, limit: Int, shape: String) async throws -> T? {
        var request = request
        let buffer = try await request.collectBody(upTo: limit)
        guard buffer.readableBytes > 0 else { return nil }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch {
            throw badBody(shape)
        }
    }

    /// 503 `dependency-unavailable`: a store the route needs (Redis) does not
    /// answer. Distinct from `unavailable` (the server itself is saturated),
    /// so clients and alerts can tell an outage from back-pressure.
    static func dependencyUnavailable(_ detail: String) -> Problem {
        var problem = Problem(status: .serviceUnavailable, kind: "dependency-unavailable", title: "Dependency unavailable", detail: detail)
        problem.headers[.retryAfter] = "5"
        return problem
    }

    static func badBody(_ shape: String) -> Problem {
        Problem(status: .badRequest, kind: "bad-body", title: "Bad request body", detail: "the body must be JSON of the form \(shape)")
    }

    /// The client's `X-Request-ID` when it is a plain token, else Hummingbird's id of the request.
    static func requestID(_ request: Request, _ context: some RequestContext) -> String? {
        if let name = HTTPField.Name("X-Request-ID"), let value = request.headers[name], (1...128).contains(value.utf8.count),
           value.utf8.allSatisfy({ byte in
               (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                   || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || "-_.:".utf8.contains(byte)
           }) {
            return value
        }
        return context.logger[metadataKey: "hb.request.id"]?.description
    }
}
