import Ethereum
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Metrics
import NIOCore
import Prometheus
import Takumi
import TakumiServer
import TakumiStore
import Testing
import TestSupport

/// Sign-In with Ethereum, sessions and the admin routes, end to end through
/// the router with a real store. Messages are built and signed by an
/// independent client (`Support/siwe_client.py`: the reference `siwe`
/// package and eth-account), never by the code under test.
@Suite("Auth: Sign-In with Ethereum, sessions, admin", .serialized)
struct AuthTests {
    // MARK: The store

    @Test("AccessStore: sessions, rotation, reuse, API keys and the audit log behave alike on both backends", arguments: AuthBackend.allCases)
    func accessStore(_ backend: AuthBackend) async throws {
        try await AuthRig.withStore(backend) { store in
            let access = store.access()
            let now = Date(timeIntervalSince1970: 1_800_000_000.123)
            let later = now.addingTimeInterval(3600)
            let address = TestChain.devKeys[0].address.lowercased

            // A sign-in starts a family; its token rotates once.
            try await access.insertSession(SessionRecord(tokenHash: "h1", familyID: "f1", address: address, chainID: 31337, issuedAt: now, expiresAt: later))
            let stored = try #require(try await access.session(tokenHash: "h1"))
            #expect(stored.familyID == "f1" && stored.address == address && stored.chainID == 31337)
            #expect(abs(stored.issuedAt.timeIntervalSince(now)) < 0.002, "milliseconds survive the round trip: \(stored.issuedAt) vs \(now)")
            #expect(abs(stored.expiresAt.timeIntervalSince(later)) < 0.002)
            #expect(stored.usedAt == nil && stored.revokedAt == nil)
            #expect(try await access.isFamilyActive("f1"))

            let rotation = try await access.rotate("h1", replacement: "h2", expiresAt: later, at: now.addingTimeInterval(10))
            guard case let .rotated(previous, successor) = rotation else { Issue.record("expected a rotation, got \(rotation)"); return }
            #expect(previous.usedAt != nil && successor.familyID == "f1" && successor.tokenHash == "h2")
            #expect(try await access.session(tokenHash: "h1")?.usedAt != nil)
            #expect(try await access.rotate("nope", replacement: "h9", expiresAt: later, at: now) == .unknown)

            // h1 again: a reuse. The whole family is revoked, h2 included.
            #expect(try await access.rotate("h1", replacement: "h3", expiresAt: later, at: now.addingTimeInterval(20)) == .reused(familyID: "f1"))
            #expect(try await access.session(tokenHash: "h3") == nil, "no successor for a reused token")
            #expect(try await access.session(tokenHash: "h2")?.revokedAt != nil)
            #expect(try await access.rotate("h2", replacement: "h4", expiresAt: later, at: now.addingTimeInterval(30)) == .revoked)
            #expect(try await !access.isFamilyActive("f1"))

            // Expiry is decided by the caller's clock.
            try await access.insertSession(SessionRecord(tokenHash: "e1", familyID: "f2", address: address, chainID: 31337, issuedAt: now, expiresAt: now.addingTimeInterval(60)))
            #expect(try await access.rotate("e1", replacement: "e2", expiresAt: later, at: now.addingTimeInterval(61)) == .expired)
            #expect(try await access.session(tokenHash: "e1")?.usedAt == nil, "an expired token is not spent")

            // Logout revokes the live tokens of the family, once.
            try await access.insertSession(SessionRecord(tokenHash: "l1", familyID: "f3", address: address, chainID: 31337, issuedAt: now, expiresAt: later))
            #expect(try await access.revokeFamily("f3", at: now) == 1)
            #expect(try await access.revokeFamily("f3", at: now) == 0)
            #expect(try await access.rotate("l1", replacement: "l2", expiresAt: later, at: now) == .revoked)

            // API keys: hash and prefix only; active lookups touch last_used_at; revocation is audited with its outcome.
            let id = try await access.createAPIKey(name: "ci", keyHash: "kh1", prefix: "tk_abcdefgh", createdBy: "0xAdmin", requestsPerMinute: 600, at: now) { id in
                AuditEntryDraft(actor: "0xAdmin", action: "api-key.create", target: "api-key/\(id)", detail: #"{"name":"ci"}"#, requestID: "r1")
            }
            let second = try await access.createAPIKey(name: "bot", keyHash: "kh2", prefix: "tk_ijklmnop", createdBy: "0xAdmin", requestsPerMinute: nil, at: now)
            #expect(second > id)
            let keys = try await access.apiKeys()
            #expect(keys.map(\.id) == [id, second])
            #expect(keys.first?.requestsPerMinute == 600 && keys.last?.requestsPerMinute == nil)
            #expect(keys.allSatisfy { $0.isActive && $0.lastUsedAt == nil && $0.createdBy == "0xAdmin" })
            let used = try #require(try await access.activeAPIKey(hash: "kh1", at: later))
            #expect(used.id == id && used.lastUsedAt.map { abs($0.timeIntervalSince(later)) < 0.002 } == true)
            #expect(try await access.activeAPIKey(hash: "unknown", at: later) == nil)
            let audit: @Sendable (APIKeyRevocation) -> AuditEntryDraft = { outcome in
                AuditEntryDraft(actor: "0xAdmin", action: "api-key.revoke", detail: #"{"result":"\#(outcome.rawValue)"}"#)
            }
            #expect(try await access.revokeAPIKey(id: id, at: later, audit: audit) == .revoked)
            #expect(try await access.revokeAPIKey(id: id, at: later, audit: audit) == .alreadyRevoked)
            #expect(try await access.revokeAPIKey(id: 999_999, at: later, audit: audit) == .notFound)
            #expect(try await access.activeAPIKey(hash: "kh1", at: later) == nil, "a revoked key no longer authenticates")
            #expect(try await access.apiKeys().first?.revokedAt != nil)

            // The audit log, newest first, bounded by the limit.
            try await access.appendAudit(AuditEntryDraft(actor: "0xAdmin", action: "audit-log.read", requestID: "r9"), at: later.addingTimeInterval(1))
            let log = try await access.auditLog(limit: 10)
            #expect(log.map(\.action) == ["audit-log.read", "api-key.revoke", "api-key.revoke", "api-key.revoke", "api-key.create"])
            #expect(log.last?.target == "api-key/\(id)" && log.last?.requestID == "r1" && log.last?.detail == #"{"name":"ci"}"#)
            #expect(log[1].detail == #"{"result":"not-found"}"# && log[3].detail == #"{"result":"revoked"}"#)
            #expect(log.first?.requestID == "r9" && log.first?.target == nil && log.first?.detail == "{}")
            #expect(try await access.auditLog(limit: 2).map(\.id) == Array(log.prefix(2).map(\.id)))
        }
    }

    // MARK: Sign-in

    @Test("sign-in end to end; every refused message is a 401 auth-failed with its reason, counted; bad bodies are 400")
    func signIn() async throws {
        try await AuthRig.with(.sqlite) { rig, client in
            let admin = TestChain.devKeys[0]
            let other = TestChain.devKeys[7]
            let now = Date()
            func time(_ offset: TimeInterval) -> String { RFC3339Timestamp(now.addingTimeInterval(offset)).text }

            // One nonce per message; the client signs them all in one run.
            var nonces: [String] = []
            for _ in 0..<10 {
                let asked = Date()
                let answer = try await rig.call(client, .get, "/api/v1/auth/nonce")
                let answered = Date()
                #expect(answer.status == .ok && answer.headers[.cacheControl] == "no-store")
                let nonce = try #require(answer.json["nonce"] as? String)
                #expect(nonce.count >= 16 && nonce.allSatisfy { $0.isLetter || $0.isNumber })
                let expires = try #require((answer.json["expiresAt"] as? String).flatMap(RFC3339Timestamp.init))
                // Bounded by the request's own start and end, not by `now`: under CI load one
                // request can take seconds, and the TTL is counted from when the nonce was issued.
                // RFC 3339 text carries whole seconds, hence the one-second slack.
                #expect(expires.date >= asked.addingTimeInterval(300 - 1) && expires.date <= answered.addingTimeInterval(300 + 1),
                        "nonces live five minutes from issue")
                nonces.append(nonce)
            }
            #expect(Set(nonces).count == nonces.count)
            let base = AuthRig.request(key: admin, nonce: "", issuedAt: time(0))
            func variant(_ nonce: String, _ changes: [String: Any] = [:]) -> [String: Any] {
                var request = base
                request["nonce"] = nonce
                for (name, value) in changes { request[name] = value }
                return request
            }
            let signed = try await SIWEClient.sign([
                variant(nonces[0], ["expirationTime": time(600)]),                 // 0 valid
                variant(nonces[1], ["expirationTime": time(-600)]),                // 1 expired
                variant(nonces[2], ["notBefore": time(600)]),                      // 2 not yet valid
                variant(nonces[3], ["domain": "evil.example"]),                    // 3 wrong domain
                variant(nonces[4], ["uri": "https://app.takumi.test/other"]),      // 4 wrong URI
                variant(nonces[5], ["chainId": 1]),                                // 5 wrong chain
                variant("unknownNonce0123456789"),                                 // 6 a nonce we never issued
                variant(nonces[6], ["key": AuthRig.hex(other), "address": admin.address.checksummed]), // 7 signed by another key
                variant(nonces[7], ["issuedAt": time(600)]),                       // 8 issued in the future
                variant(nonces[3]),                                                // 9 valid, with the nonce of a refused message
                // 10 expired 30 s ago: inside the 60 s skew. Timed from now, not the test's start, and
                // verified first: under CI load the steps before can take longer than the skew.
                variant(nonces[8], ["expirationTime": RFC3339Timestamp(Date().addingTimeInterval(-30)).text]),
            ])
            // Expired less than the clock skew ago: still accepted.
            #expect(try await rig.verify(client, signed[10]).status == .ok)

            // The valid message signs in; /me answers for its address.
            let tokens = try await rig.verify(client, signed[0])
            #expect(tokens.status == .ok, "\(tokens.json)")
            #expect(tokens.headers[.cacheControl] == "no-store")
            #expect(tokens.json["address"] as? String == admin.address.checksummed)
            #expect(tokens.json["role"] as? String == "admin")
            #expect(tokens.json["tokenType"] as? String == "Bearer")
            #expect(tokens.json["expiresIn"] as? Int == 900)
            let accessToken = try #require(tokens.json["accessToken"] as? String)
            #expect((tokens.json["refreshToken"] as? String)?.hasPrefix("rt_") == true)
            let me = try await rig.call(client, .get, "/api/v1/me", token: accessToken)
            #expect(me.status == .ok, "\(me.json)")
            #expect(me.json["address"] as? String == admin.address.checksummed)
            #expect(me.json["role"] as? String == "admin")

            // Each refusal: 401, its reason, and one more in takumi_auth_failures_total{reason}.
            let refusals: [(Int, String)] = [(0, "replay"), (1, "expired"), (2, "not-yet-valid"), (3, "domain"), (4, "uri"), (5, "chain"), (6, "nonce"), (7, "signature"), (8, "issued-in-future")]
            for (index, reason) in refusals {
                let before = rig.failures(reason)
                let answer = try await rig.verify(client, signed[index])
                rig.expectAuthFailure(answer, reason: reason)
                #expect(rig.failures(reason) == before + 1, "takumi_auth_failures_total{reason=\"\(reason)\"}")
            }
            // A refused message does not spend its nonce: signed again correctly, it signs in.
            #expect(try await rig.verify(client, signed[9]).status == .ok)

            // Not EIP-4361 at all; a signature that is not 65 bytes.
            rig.expectAuthFailure(try await rig.verify(client, ["message": "hello, sign me in", "signature": signed[0]["signature"] ?? ""]), reason: "malformed")
            let truncated = signed[9]["message"].map { String($0.dropLast(5)) } ?? ""
            rig.expectAuthFailure(try await rig.verify(client, ["message": truncated, "signature": signed[9]["signature"] ?? ""]), reason: "malformed")
            rig.expectAuthFailure(try await rig.verify(client, ["message": signed[9]["message"] ?? "", "signature": "0x1234"]), reason: "signature")
            #expect(rig.failures("malformed") == 2)

            // Bodies that are not the expected JSON: 400, not counted as auth failures.
            let totalBefore = rig.failures(nil)
            for body in ["not json", #"{"message": 1}"#, "[]", ""] {
                let answer = try await rig.call(client, .post, "/api/v1/auth/verify", body: body)
                #expect(answer.status == .badRequest, "\(body): \(answer.json)")
                #expect(answer.json["type"] as? String == Problem.typeBase + "bad-body")
            }
            let large = try await rig.call(client, .post, "/api/v1/auth/verify", body: String(repeating: " ", count: 70_000))
            #expect(large.status == .contentTooLarge)
            #expect(rig.failures(nil) == totalBefore)

            // Every reason is exported from the start, zeros included.
            let metrics = rig.metricsText()
            #expect(metrics.contains(#"takumi_auth_failures_total{reason="refresh-reused"} 0"#), "\(metrics.prefix(2000))")
            #expect(!metrics.contains(accessToken), "no token in metrics")
        }
    }

    // MARK: Sessions

    @Test("refresh rotation, reuse revoking the family, logout, access token tampering and expiry", arguments: AuthBackend.allCases)
    func sessions(_ backend: AuthBackend) async throws {
        try await AuthRig.with(backend) { rig, client in
            let user = TestChain.devKeys[6]
            let signIns = try await rig.signIn(client, keys: [user, user, user])
            let first = signIns[0]

            // Rotation: a new pair; the old access token and the new one both work (same family).
            let rotated = try await rig.call(client, .post, "/api/v1/auth/refresh", json: ["refreshToken": first.refresh])
            #expect(rotated.status == .ok, "\(rotated.json)")
            let refresh2 = try #require(rotated.json["refreshToken"] as? String)
            let access2 = try #require(rotated.json["accessToken"] as? String)
            #expect(refresh2 != first.refresh && rotated.json["address"] as? String == user.address.checksummed)
            #expect(rotated.json["role"] as? String == "user")
            #expect(try await rig.call(client, .get, "/api/v1/me", token: access2).status == .ok)
            let rotated3 = try await rig.call(client, .post, "/api/v1/auth/refresh", json: ["refreshToken": refresh2])
            let refresh3 = try #require(rotated3.json["refreshToken"] as? String)
            let access3 = try #require(rotated3.json["accessToken"] as? String)

            // The first refresh token again: a reuse. The family is revoked: the newest refresh and access tokens fail too.
            let reusedBefore = rig.failures("refresh-reused")
            rig.expectAuthFailure(try await rig.call(client, .post, "/api/v1/auth/refresh", json: ["refreshToken": first.refresh]), reason: "refresh-reused")
            #expect(rig.failures("refresh-reused") == reusedBefore + 1)
            rig.expectAuthFailure(try await rig.call(client, .post, "/api/v1/auth/refresh", json: ["refreshToken": refresh3]), reason: "refresh-revoked")
            rig.expectAuthFailure(try await rig.call(client, .get, "/api/v1/me", token: access3), reason: "session-revoked")
            rig.expectAuthFailure(try await rig.call(client, .get, "/api/v1/me", token: first.access), reason: "session-revoked")
            rig.expectAuthFailure(try await rig.call(client, .post, "/api/v1/auth/refresh", json: ["refreshToken": "rt_never-issued"]), reason: "refresh-invalid")
            #expect(try await rig.call(client, .post, "/api/v1/auth/refresh", json: ["token": "x"]).status == .badRequest)

            // Another sign-in of the same account is its own family, untouched.
            let second = signIns[1]
            #expect(try await rig.call(client, .get, "/api/v1/me", token: second.access).status == .ok)

            // Logout with the access token: 204, then its refresh token and access token fail; again: still 204.
            #expect(try await rig.call(client, .post, "/api/v1/auth/logout", token: second.access).status == .noContent)
            rig.expectAuthFailure(try await rig.call(client, .post, "/api/v1/auth/refresh", json: ["refreshToken": second.refresh]), reason: "refresh-revoked")
            rig.expectAuthFailure(try await rig.call(client, .get, "/api/v1/me", token: second.access), reason: "session-revoked")
            #expect(try await rig.call(client, .post, "/api/v1/auth/logout", token: second.access).status == .noContent)

            // Logout with the refresh token in the body.
            let third = signIns[2]
            #expect(try await rig.call(client, .post, "/api/v1/auth/logout", json: ["refreshToken": third.refresh]).status == .noContent)
            rig.expectAuthFailure(try await rig.call(client, .get, "/api/v1/me", token: third.access), reason: "session-revoked")
            rig.expectAuthFailure(try await rig.call(client, .post, "/api/v1/auth/logout"), reason: "token-missing")
            rig.expectAuthFailure(try await rig.call(client, .post, "/api/v1/auth/logout", json: ["refreshToken": "rt_never-issued"]), reason: "refresh-invalid")

            // Access tokens: tampered, foreign, unsigned, expired, missing → 401 (never 500), with WWW-Authenticate.
            let live = try await rig.signIn(client, keys: [user])[0]
            #expect(try await rig.call(client, .get, "/api/v1/me", token: live.access).status == .ok)
            let parts = live.access.split(separator: ".").map(String.init)
            try #require(parts.count == 3)
            let header = try #require(Self.base64URLDecode(parts[0]))
            let payload = try #require(Self.base64URLDecode(parts[1]))
            var claims = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
            #expect(String(decoding: header, as: UTF8.self) == #"{"alg":"HS256","typ":"JWT"}"#)
            #expect(claims["sub"] as? String == user.address.checksummed && claims["role"] as? String == "user")
            #expect((claims["exp"] as? Int).map { $0 - (claims["iat"] as? Int ?? 0) } == 900)
            claims["role"] = "admin"
            let escalated = parts[0] + "." + Self.base64URL(try JSONSerialization.data(withJSONObject: claims)) + "." + parts[2]
            var flipped = Array(parts[2])
            flipped[5] = flipped[5] == "A" ? "B" : "A"
            let unsigned = Self.base64URL(Data(#"{"alg":"none","typ":"JWT"}"#.utf8)) + "." + parts[1] + "."
            let rs256 = Self.base64URL(Data(#"{"alg":"RS256","typ":"JWT"}"#.utf8)) + "." + parts[1] + "." + parts[2]
            let foreign = AccessTokenCodec(secret: try JWTSecret("another-secret-of-at-least-32-bytes!!")).sign(
                AccessClaims(subject: user.address, sessionID: "x", role: .admin, issuedAt: Int64(Date().timeIntervalSince1970), expiresAt: Int64(Date().timeIntervalSince1970) + 900)
            )
            for token in [escalated, parts[0] + "." + parts[1] + "." + String(flipped), unsigned, rs256, foreign, "garbage", live.access + "x"] {
                let answer = try await rig.call(client, .get, "/api/v1/me", token: token)
                rig.expectAuthFailure(answer, reason: "token-invalid")
                #expect(answer.headers[.wwwAuthenticate]?.contains("invalid_token") == true)
            }
            let issued = Int64(Date().timeIntervalSince1970) - 1000
            let expired = rig.codec.sign(AccessClaims(subject: user.address, sessionID: "s", role: .user, issuedAt: issued, expiresAt: issued + 900))
            rig.expectAuthFailure(try await rig.call(client, .get, "/api/v1/me", token: expired), reason: "token-expired")
            let future = Int64(Date().timeIntervalSince1970) + 600
            let early = rig.codec.sign(AccessClaims(subject: user.address, sessionID: "s", role: .user, issuedAt: future, expiresAt: future + 900))
            rig.expectAuthFailure(try await rig.call(client, .get, "/api/v1/me", token: early), reason: "token-invalid")
            let missing = try await rig.call(client, .get, "/api/v1/me")
            rig.expectAuthFailure(missing, reason: "token-missing")
            #expect(missing.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            rig.expectAuthFailure(try await rig.call(client, .get, "/api/v1/me", headers: [.authorization: "Basic dXNlcjpwYXNz"]), reason: "token-invalid")
            // The scheme is case-insensitive.
            #expect(try await rig.call(client, .get, "/api/v1/me", headers: [.authorization: "bearer " + live.access]).status == .ok)
            #expect(rig.failures("token-invalid") >= 8)
        }
    }

    // MARK: /me

    @Test("/me shows the caller's profile, own claims and claims assigned to them, rendered like the read API")
    func me() async throws {
        try await AuthRig.with(.sqlite) { rig, client in
            let claimant = TestChain.devKeys[6].address
            let verifier = TestChain.devKeys[7].address
            let stranger = TestChain.devKeys[8].address
            let lease = try await rig.store.acquireLease(chain: "dev", wait: .seconds(5))
            do {
                try await rig.store.write(lease) { tx in
                    try await tx.upsert(ProjectionRow(.profiles, [
                        "chain": "dev", "owner": .text(claimant.lowercased), "name": "Aiko", "bio": "welder", "metadata_uri": "ipfs://aiko",
                        "skill_count": 1, "created_block": 3, "updated_block": 4, "last_block": 4,
                    ]), journalBlock: nil)
                    for (id, owner, assignee, status) in [(1, claimant, verifier, "assigned"), (2, claimant, stranger, "approved"), (3, stranger, verifier, "assigned"), (4, stranger, verifier, "approved")] {
                        try await tx.upsert(ProjectionRow(.skillClaims, [
                            "chain": "dev", "id": .int(Int64(id)), "claimant": .text(owner.lowercased), "skill_id": 1, "evidence_uri": .text("ipfs://e\(id)"),
                            "verifier": .text(assignee.lowercased), "status": .text(status), "rejection_reason": nil, "dispute_reason": nil,
                            "resolution_note": nil, "created_block": 5, "updated_block": 6, "last_block": 6,
                        ]), journalBlock: nil)
                    }
                }
                await lease.release()
            } catch {
                await lease.release()
                throw error
            }
            let sessions = try await rig.signIn(client, keys: [TestChain.devKeys[6], TestChain.devKeys[7], TestChain.devKeys[9]])

            let mine = try await rig.call(client, .get, "/api/v1/me", token: sessions[0].access)
            #expect(mine.status == .ok && mine.headers[.cacheControl] == "no-store")
            #expect(mine.json["address"] as? String == claimant.checksummed && mine.json["role"] as? String == "user")
            let profile = try #require(mine.json["profile"] as? [String: Any])
            #expect(profile["owner"] as? String == claimant.checksummed && profile["name"] as? String == "Aiko")
            #expect(profile["metadataUri"] as? String == "ipfs://aiko" && profile["chain"] == nil)
            let claims = try #require((mine.json["claims"] as? [String: Any])?["items"] as? [[String: Any]])
            #expect(claims.compactMap { $0["id"] as? Int }.sorted() == [1, 2])
            #expect(claims.first?["claimant"] as? String == claimant.checksummed)
            #expect(((mine.json["assignedClaims"] as? [String: Any])?["items"] as? [Any])?.isEmpty == true)

            let verifying = try await rig.call(client, .get, "/api/v1/me", token: sessions[1].access)
            #expect(verifying.json["profile"] is NSNull, "no profile: null")
            #expect(((verifying.json["claims"] as? [String: Any])?["items"] as? [Any])?.isEmpty == true)
            let assigned = try #require((verifying.json["assignedClaims"] as? [String: Any])?["items"] as? [[String: Any]])
            #expect(assigned.compactMap { $0["id"] as? Int }.sorted() == [1, 3], "assigned to me and still open")
            #expect(assigned.allSatisfy { $0["verifier"] as? String == verifier.checksummed && $0["status"] as? String == "assigned" })

            let nobody = try await rig.call(client, .get, "/api/v1/me", token: sessions[2].access)
            #expect(nobody.status == .ok && nobody.json["profile"] is NSNull)
        }
    }

    // MARK: Admin

    @Test("admin: API keys created (shown once), listed without key material, revoked; audit log entries; non-admins get 403", arguments: AuthBackend.allCases)
    func admin(_ backend: AuthBackend) async throws {
        try await AuthRig.with(backend) { rig, client in
            let adminKey = TestChain.devKeys[0]
            let sessions = try await rig.signIn(client, keys: [adminKey, TestChain.devKeys[6]])
            let (admin, user) = (sessions[0].access, sessions[1].access)
            let requestID = HTTPField.Name("X-Request-ID")

            let created = try await rig.call(client, .post, "/api/v1/admin/api-keys", json: ["name": " CI runner ", "requestsPerMinute": 600], token: admin, headers: requestID.map { [$0: "req-create-1"] } ?? [:])
            #expect(created.status == .created, "\(created.json)")
            #expect(created.headers[.cacheControl] == "no-store")
            let key = try #require(created.json["key"] as? String)
            let id = try #require(created.json["id"] as? Int)
            let prefix = try #require(created.json["prefix"] as? String)
            #expect(key.hasPrefix("tk_") && key.count == 46 && key.hasPrefix(prefix) && prefix.count == 11)
            #expect(created.json["name"] as? String == "CI runner" && created.json["requestsPerMinute"] as? Int == 600)
            let second = try await rig.call(client, .post, "/api/v1/admin/api-keys", json: ["name": "bot"], token: admin)
            let secondKey = try #require(second.json["key"] as? String)
            #expect(secondKey != key && second.json["requestsPerMinute"] is NSNull)

            // The store holds the hash: the key authenticates through it (and its use is recorded).
            let found = try #require(try await rig.store.access().activeAPIKey(hash: APIKeyMaterial.hash(key), at: Date()))
            #expect(found.id == Int64(id) && found.name == "CI runner" && found.createdBy == adminKey.address.checksummed)

            let listed = try await rig.call(client, .get, "/api/v1/admin/api-keys", token: admin)
            #expect(listed.status == .ok)
            #expect(!listed.text.contains(key) && !listed.text.contains(secondKey) && !listed.text.contains(APIKeyMaterial.hash(key)), "no key material in lists")
            let items = try #require(listed.json["items"] as? [[String: Any]])
            #expect(items.compactMap { $0["id"] as? Int } == [id, try #require(second.json["id"] as? Int)])
            let item = try #require(items.first)
            #expect(item["prefix"] as? String == prefix && item["active"] as? Bool == true && item["lastUsedAt"] is String && item["revokedAt"] is NSNull)
            #expect(item["key"] == nil && item["keyHash"] == nil)

            #expect(try await rig.call(client, .delete, "/api/v1/admin/api-keys/\(id)", token: admin).status == .noContent)
            #expect(try await rig.call(client, .delete, "/api/v1/admin/api-keys/\(id)", token: admin).status == .noContent, "idempotent")
            let unknown = try await rig.call(client, .delete, "/api/v1/admin/api-keys/987654", token: admin)
            #expect(unknown.status == .notFound && unknown.json["type"] as? String == Problem.typeBase + "not-found")
            #expect(try await rig.call(client, .delete, "/api/v1/admin/api-keys/abc", token: admin).status == .badRequest)
            #expect(try await rig.store.access().activeAPIKey(hash: APIKeyMaterial.hash(key), at: Date()) == nil, "revoked")
            let afterRevoke = try await rig.call(client, .get, "/api/v1/admin/api-keys", token: admin)
            #expect((afterRevoke.json["items"] as? [[String: Any]])?.first?["active"] as? Bool == false)

            // Bad bodies.
            for body in [["name": ""], ["name": "x", "requestsPerMinute": 0], ["requestsPerMinute": 5]] as [[String: Any]] {
                let answer = try await rig.call(client, .post, "/api/v1/admin/api-keys", json: body, token: admin)
                #expect(answer.status == .badRequest, "\(body): \(answer.json)")
            }

            // The audit log: every admin request, newest first, by the admin's address.
            let log = try await rig.call(client, .get, "/api/v1/admin/audit-log?limit=20", token: admin)
            #expect(log.status == .ok, "\(log.json)")
            let entries = try #require(log.json["items"] as? [[String: Any]])
            #expect(entries.compactMap { $0["action"] as? String } == [
                "api-key.list", "api-key.revoke", "api-key.revoke", "api-key.revoke", "api-key.list", "api-key.create", "api-key.create",
            ])
            #expect(entries.allSatisfy { $0["actor"] as? String == adminKey.address.checksummed })
            let create = try #require(entries.last)
            #expect(create["target"] as? String == "api-key/\(id)" && create["requestId"] as? String == "req-create-1")
            let detail = try #require(create["detail"] as? [String: Any])
            #expect(detail["name"] as? String == "CI runner" && detail["prefix"] as? String == prefix && detail["requestsPerMinute"] as? Int == 600)
            #expect(!log.text.contains(key), "no key in the audit log")
            #expect((entries[1]["detail"] as? [String: Any])?["result"] as? String == "not-found")
            #expect((entries[2]["detail"] as? [String: Any])?["result"] as? String == "already-revoked")
            #expect((entries[3]["detail"] as? [String: Any])?["result"] as? String == "revoked")
            #expect((entries.first?["requestId"] as? String)?.isEmpty == false, "Hummingbird's request id when the client sends none")
            let short = try await rig.call(client, .get, "/api/v1/admin/audit-log?limit=2", token: admin)
            #expect((short.json["items"] as? [Any])?.count == 2)
            #expect((short.json["items"] as? [[String: Any]])?.first?["action"] as? String == "audit-log.read")
            #expect(try await rig.call(client, .get, "/api/v1/admin/audit-log?limit=0", token: admin).status == .badRequest)

            // Not an admin: 403 on every admin route; no token: 401.
            for (method, uri) in [(HTTPRequest.Method.post, "/api/v1/admin/api-keys"), (.get, "/api/v1/admin/api-keys"), (.delete, "/api/v1/admin/api-keys/\(id)"), (.get, "/api/v1/admin/audit-log")] {
                let answer = try await rig.call(client, method, uri, json: method == .post ? ["name": "x"] : nil, token: user)
                #expect(answer.status == .forbidden, "\(method) \(uri)")
                #expect(answer.json["type"] as? String == Problem.typeBase + "forbidden")
                rig.expectAuthFailure(try await rig.call(client, method, uri), reason: "token-missing")
            }
            let afterForbidden = try await rig.store.access().auditLog(limit: 100)
            #expect(afterForbidden.allSatisfy { $0.actor == adminKey.address.checksummed }, "refused requests leave no entry")
        }
    }

    @Test("nonces: single use, expire, bounded")
    func nonceStore() async throws {
        let store = InMemoryNonceStore(capacity: 3)
        let nonce = try await store.issue(ttl: .seconds(60))
        #expect(try await !store.wasConsumed(nonce))
        #expect(try await store.consume(nonce))
        #expect(try await !store.consume(nonce), "single use")
        #expect(try await store.wasConsumed(nonce))
        #expect(try await !store.consume("never-issued-0123"))
        let short = try await store.issue(ttl: .milliseconds(50))
        try await Task.sleep(for: .milliseconds(120))
        #expect(try await !store.consume(short), "expired")
        _ = try await store.issue(ttl: .seconds(60))
        _ = try await store.issue(ttl: .seconds(60))
        await #expect(throws: NonceStoreError.self) { _ = try await store.issue(ttl: .seconds(60)) }
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func base64URLDecode(_ text: String) -> Data? {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        return Data(base64Encoded: standard)
    }
}

enum AuthBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgresql

    var testDescription: String { rawValue }
}

/// The application with auth configured over a fresh store, and helpers to talk to it.
struct AuthRig: Sendable {
    let store: any DatabaseStore
    let registry: PrometheusCollectorRegistry
    let codec: AccessTokenCodec

    static let secret = "test-secret-0123456789abcdef-0123456789abcdef"
    static let domain = "app.takumi.test"
    static let uri = "https://app.takumi.test/login"

    static func withStore<T: Sendable>(_ backend: AuthBackend, _ body: (any DatabaseStore) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("takumi-auth-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("takumi.sqlite").path
        switch backend {
        case .sqlite:
            return try await TakumiDatabase.withDatabase(url: nil, sqlitePath: path, logger: ServerRig.quietLogger, body)
        case .postgresql:
            return try await TestServices.withFreshDatabase { url in
                try await TakumiDatabase.withDatabase(url: url.urlString, sqlitePath: path, logger: ServerRig.quietLogger, body)
            }
        }
    }

    static func with(_ backend: AuthBackend, _ body: @escaping @Sendable (AuthRig, any TestClientProtocol) async throws -> Void) async throws {
        try await withStore(backend) { store in
            let registry = PrometheusCollectorRegistry()
            let factory = PrometheusMetricsFactory(registry: registry)
            let monitor = HealthMonitor(
                probes: .init(
                    chain: "dev", database: { try await store.check() }, rpcHead: { throw ServerTestError("no chain in the auth tests") },
                    indexer: nil, checkpoint: { nil }, pausedContracts: { [:] }
                ),
                logger: ServerRig.quietLogger, metricsFactory: factory
            )
            let secret = try JWTSecret(secret)
            let auth = AuthConfiguration(secret: secret, domain: domain, uri: uri, chainID: TestChain.chainID, admins: [TestChain.devKeys[0].address])
            let dependencies = ServerDependencies(
                store: store, manifest: try manifest(), monitor: monitor, metrics: MetricsRegistry(registry: registry), metricsFactory: factory
            )
            let app = buildApplication(ServerConfiguration(chain: "dev", finalityDepth: 5, auth: auth), dependencies, logger: ServerRig.quietLogger)
            let rig = AuthRig(store: store, registry: registry, codec: AccessTokenCodec(secret: secret))
            try await app.test(.router) { client in try await body(rig, client) }
        }
    }

    /// A deployment manifest without contracts: the auth routes do not need any.
    static func manifest() throws -> DeploymentManifest {
        let zero = Address.zero.checksummed
        let json = """
            {"network": "dev", "chainId": 31337, "startBlock": 0,
             "accounts": {"multisigOwners": [], "guardian": "\(zero)", "operator": "\(zero)"},
             "multisig": {"address": "\(zero)", "threshold": 1, "abi": "none.json", "codehash": "0x", "block": 0},
             "contracts": {}, "candidates": []}
            """
        return try JSONDecoder().decode(DeploymentManifest.self, from: Data(json.utf8))
    }

    static func hex(_ key: PrivateKey) -> String { Hex.encode(key.bytes) }

    /// A signing request for `SIWEClient`: a valid message unless changed.
    static func request(key: PrivateKey, nonce: String, issuedAt: String) -> [String: Any] {
        [
            "key": hex(key), "domain": domain, "uri": uri, "chainId": Int(TestChain.chainID), "nonce": nonce,
            "issuedAt": issuedAt, "statement": "Sign in to Takumi",
        ]
    }

    struct Reply: Sendable {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var text: String
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
        }
    }

    struct Session: Sendable {
        var access: String
        var refresh: String
    }

    func call(
        _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, json: [String: Any]? = nil, body: String? = nil,
        token: String? = nil, headers: HTTPFields = [:]
    ) async throws -> Reply {
        var fields = headers
        if let token { fields[.authorization] = "Bearer " + token }
        var buffer: ByteBuffer?
        if let json {
            buffer = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))
        } else if let body {
            buffer = ByteBuffer(string: body)
        }
        if buffer != nil { fields[.contentType] = "application/json" }
        return try await client.execute(uri: uri, method: method, headers: fields, body: buffer) { response in
            Reply(status: response.status, headers: response.headers, text: String(buffer: response.body))
        }
    }

    func verify(_ client: any TestClientProtocol, _ signed: [String: String]) async throws -> Reply {
        try await call(client, .post, "/api/v1/auth/verify", json: ["message": signed["message"] ?? "", "signature": signed["signature"] ?? ""])
    }

    /// Signs in each key (nonce → the independent client signs → verify).
    func signIn(_ client: any TestClientProtocol, keys: [PrivateKey]) async throws -> [Session] {
        var requests: [[String: Any]] = []
        for key in keys {
            let answer = try await call(client, .get, "/api/v1/auth/nonce")
            guard answer.status == .ok, let nonce = answer.json["nonce"] as? String else {
                throw ServerTestError("no nonce for the sign-in: \(answer.status) \(answer.text)")
            }
            requests.append(Self.request(key: key, nonce: nonce, issuedAt: RFC3339Timestamp(Date()).text))
        }
        var sessions: [Session] = []
        for signed in try await SIWEClient.sign(requests) {
            let answer = try await verify(client, signed)
            guard answer.status == .ok, let access = answer.json["accessToken"] as? String, let refresh = answer.json["refreshToken"] as? String else {
                throw ServerTestError("sign-in failed: \(answer.status) \(answer.text)")
            }
            sessions.append(Session(access: access, refresh: refresh))
        }
        return sessions
    }

    func expectAuthFailure(_ reply: Reply, reason: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reply.status == .unauthorized, "\(reason): \(reply.status) \(reply.text)", sourceLocation: sourceLocation)
        #expect(reply.headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
        let body = reply.json
        #expect(body["type"] as? String == Problem.typeBase + "auth-failed", sourceLocation: sourceLocation)
        #expect(body["reason"] as? String == reason, "\(reply.text)", sourceLocation: sourceLocation)
        #expect(body["status"] as? Int == 401, sourceLocation: sourceLocation)
        #expect((body["detail"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
    }

    func metricsText() -> String {
        String(decoding: registry.emitToBuffer(), as: UTF8.self)
    }

    /// `takumi_auth_failures_total{reason}` now (every reason summed when nil).
    func failures(_ reason: String?) -> Int {
        metricsText().split(separator: "\n").reduce(0) { total, line in
            guard line.hasPrefix("takumi_auth_failures_total{") else { return total }
            if let reason, !line.contains(#"reason="\#(reason)""#) { return total }
            return total + (line.split(separator: " ").last.flatMap { Double($0) }.map { Int($0) } ?? 0)
        }
    }
}

/// Runs `Support/siwe_client.py` (the `siwe` package and eth-account in
/// chain/.venv) as a child process, awaited without blocking a thread.
enum SIWEClient {
    static let script = TestChain.repositoryRoot.appendingPathComponent("Tests/TakumiServerTests/Support/siwe_client.py")

    static func sign(_ requests: [[String: Any]]) async throws -> [[String: String]] {
        guard FileManager.default.isExecutableFile(atPath: TestChain.python.path) else {
            throw ServerTestError("chain/.venv is missing: the SIWE client needs it; run `make chain-env`")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("takumi-siwe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("requests.json")
        let output = folder.appendingPathComponent("answers.json")
        try JSONSerialization.data(withJSONObject: requests).write(to: input)
        let process = try ChildProcess.launch(TestChain.python.path, [script.path, input.path, output.path], log: folder.appendingPathComponent("siwe.log"))
        let status = await process.exitStatus()
        guard status == 0, let data = try? Data(contentsOf: output),
              let answers = try JSONSerialization.jsonObject(with: data) as? [[String: String]], answers.count == requests.count else {
            throw ServerTestError("siwe_client.py exited \(status): \(process.logTail())")
        }
        return answers
    }
}
