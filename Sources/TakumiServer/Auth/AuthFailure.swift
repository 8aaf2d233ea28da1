import Ethereum
import Foundation
import HTTPTypes
import Hummingbird
import Metrics
import NIOCore

/// A refused authentication: 401 problem+json of type `…/auth-failed` with a
/// stable `reason` member clients can branch on, counted in
/// `takumi_auth_failures_total{reason}`.
///
/// ```json
/// {"type":"https://takumi.dev/problems/auth-failed","title":"Authentication failed","status":401,
///  "reason":"expired","detail":"SIWE message expired at 2026-01-01T00:00:00.000Z","instance":"/api/v1/auth/verify"}
/// ```
struct AuthFailure: Error, Sendable, CustomStringConvertible {
    enum Reason: String, Sendable, CaseIterable {
        // Sign-in (POST /auth/verify).
        case malformed
        case domain
        case uri
        case chain
        /// The nonce was never issued here, or has expired.
        case nonce
        /// The nonce was already used: the same message presented again.
        case replay
        case expired
        case notYetValid = "not-yet-valid"
        case issuedInFuture = "issued-in-future"
        case signature
        // Refresh tokens (POST /auth/refresh, /auth/logout).
        case refreshInvalid = "refresh-invalid"
        case refreshExpired = "refresh-expired"
        case refreshRevoked = "refresh-revoked"
        case refreshReused = "refresh-reused"
        // Access tokens (Authorization: Bearer).
        case tokenMissing = "token-missing"
        case tokenInvalid = "token-invalid"
        case tokenExpired = "token-expired"
        case sessionRevoked = "session-revoked"

        /// Failures of a presented access token, answered with `WWW-Authenticate` (RFC 6750 §3).
        var isBearer: Bool { [.tokenMissing, .tokenInvalid, .tokenExpired, .sessionRevoked].contains(self) }
    }

    var reason: Reason
    /// Safe to show and log: names fields and times, never tokens or keys.
    var detail: String

    init(_ reason: Reason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }

    var description: String { "\(reason.rawValue): \(detail)" }

    static let kind = "auth-failed"

    /// Maps a SIWE verification error to its reason.
    init(_ error: SIWEVerificationError) {
        let reason: Reason = switch error {
        case .malformed: .malformed
        case .domainMismatch, .schemeMismatch: .domain
        case .uriMismatch: .uri
        case .chainIDMismatch: .chain
        case .nonceMismatch: .nonce
        case .issuedInFuture: .issuedInFuture
        case .expired: .expired
        case .notYetValid: .notYetValid
        case .invalidSignature, .signerMismatch, .contractRejected, .contractCheckFailed: .signature
        }
        self.init(reason, error.description)
    }

    init(_ error: AccessTokenError) {
        self.init(error == .expired ? .tokenExpired : .tokenInvalid, error.description)
    }

    func response(path: String) -> Response {
        let problem = Problem(status: .unauthorized, kind: Self.kind, title: "Authentication failed", detail: detail)
        var object = problem.json
        object["reason"] = reason.rawValue
        object["instance"] = path
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        var headers: HTTPFields = [.contentType: "application/problem+json", .cacheControl: "no-store"]
        if reason.isBearer {
            headers[.wwwAuthenticate] = reason == .tokenMissing ? #"Bearer realm="takumi""# : #"Bearer realm="takumi", error="invalid_token""#
        }
        return Response(status: .unauthorized, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// `takumi_auth_failures_total{reason}`, every reason registered up front so
/// dashboards and alerts see zeros rather than missing series.
struct AuthFailureCounters: Sendable {
    private let counters: [AuthFailure.Reason: Counter]

    init(factory: any MetricsFactory) {
        var counters: [AuthFailure.Reason: Counter] = [:]
        for reason in AuthFailure.Reason.allCases {
            counters[reason] = Counter(label: "takumi_auth_failures_total", dimensions: [("reason", reason.rawValue)], factory: factory)
        }
        self.counters = counters
    }

    func record(_ reason: AuthFailure.Reason) {
        counters[reason]?.increment()
    }
}
