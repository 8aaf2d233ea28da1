import Crypto
import Ethereum
import Foundation

/// What an access token says: who (EIP-55 address), which session family,
/// which role, and when it was issued and expires (Unix seconds).
public struct AccessClaims: Sendable, Hashable {
    public enum Role: String, Sendable {
        case admin
        case user
    }

    public var subject: Address
    /// The session family (`sessions.family_id`) the token belongs to.
    public var sessionID: String
    public var role: Role
    public var issuedAt: Int64
    public var expiresAt: Int64

    public init(subject: Address, sessionID: String, role: Role, issuedAt: Int64, expiresAt: Int64) {
        self.subject = subject
        self.sessionID = sessionID
        self.role = role
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }
}

/// Why a presented access token was refused.
public enum AccessTokenError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not three base64url parts of JSON, or too long.
    case malformed
    /// A header naming another algorithm (`none`, RS256, …) or a critical extension.
    case unsupportedAlgorithm(String)
    case badSignature
    /// Required claims missing or of the wrong type, or issued in the future.
    case invalidClaims(String)
    case expired

    public var description: String {
        switch self {
        case .malformed: "the access token is not a compact JWS"
        case let .unsupportedAlgorithm(alg): "the access token's algorithm \(alg) is not HS256"
        case .badSignature: "the access token's signature is not valid"
        case let .invalidClaims(reason): "the access token's claims are invalid: \(reason)"
        case .expired: "the access token has expired"
        }
    }
}

/// HS256 JSON Web Tokens (RFC 7519) for access tokens, hand-rolled on
/// swift-crypto's HMAC: the header is fixed, only HS256 is accepted (the
/// `alg` of a presented token is checked, never trusted), and MACs are
/// compared in constant time.
///
/// ```swift
/// let tokens = AccessTokenCodec(secret: secret)
/// let token = tokens.sign(AccessClaims(subject: address, sessionID: family, role: .user, issuedAt: now, expiresAt: now + 900))
/// let claims = try tokens.verify(token, at: Date(), skew: 60)
/// ```
public struct AccessTokenCodec: Sendable {
    let key: SymmetricKey

    public init(secret: JWTSecret) {
        key = secret.key
    }

    /// Far above any token we issue; bounds the work a garbage header costs.
    static let maxLength = 4096
    static let header = Base64URL.encode(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))

    public func sign(_ claims: AccessClaims) -> String {
        let payload: [String: Any] = [
            "sub": claims.subject.checksummed, "sid": claims.sessionID, "role": claims.role.rawValue,
            "iat": claims.issuedAt, "exp": claims.expiresAt,
        ]
        let json = (try? JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])) ?? Data("{}".utf8)
        let signingInput = Self.header + "." + Base64URL.encode(json)
        let mac = HMAC<SHA256>.authenticationCode(for: Array(signingInput.utf8), using: key)
        return signingInput + "." + Base64URL.encode(mac)
    }

    /// The token's claims, if its signature is ours, its algorithm HS256,
    /// `now` before `exp`, and `iat` not beyond `skew` seconds in the future.
    public func verify(_ token: String, at now: Date, skew: Double) throws(AccessTokenError) -> AccessClaims {
        guard token.utf8.count <= Self.maxLength else { throw .malformed }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Base64URL.decode(parts[0]), let signature = Base64URL.decode(parts[2]),
              let header = try? JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any] else {
            throw .malformed
        }
        guard let alg = header["alg"] as? String else { throw .malformed }
        // RFC 7515 §4.1.11: extensions we do not understand must be refused.
        guard alg == "HS256", header["crit"] == nil else { throw .unsupportedAlgorithm(alg) }
        let signingInput = Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        // Constant-time comparison inside swift-crypto.
        guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: signingInput, using: key) else {
            throw .badSignature
        }
        guard let payloadBytes = Base64URL.decode(parts[1]),
              let payload = try? JSONSerialization.jsonObject(with: Data(payloadBytes)) as? [String: Any] else {
            throw .malformed
        }
        guard let sub = payload["sub"] as? String, let subject = try? Address(sub) else { throw .invalidClaims("sub is not an address") }
        guard let sid = payload["sid"] as? String, !sid.isEmpty else { throw .invalidClaims("sid is missing") }
        guard let roleText = payload["role"] as? String, let role = AccessClaims.Role(rawValue: roleText) else {
            throw .invalidClaims("role is missing")
        }
        guard let exp = Self.integer(payload["exp"]), let iat = Self.integer(payload["iat"]) else {
            throw .invalidClaims("exp and iat must be integers")
        }
        let seconds = now.timeIntervalSince1970
        guard Double(iat) <= seconds + skew else { throw .invalidClaims("issued in the future") }
        guard seconds < Double(exp) else { throw .expired }
        return AccessClaims(subject: subject, sessionID: sid, role: role, issuedAt: iat, expiresAt: exp)
    }

    /// A JSON number that is an integer (NSNumber bridges booleans too: refuse them).
    static func integer(_ value: Any?) -> Int64? {
        guard let number = value as? NSNumber, !(value is Bool) else { return nil }
        let double = number.doubleValue
        guard double.rounded() == double, abs(double) < 1e15 else { return nil }
        return number.int64Value
    }
}
