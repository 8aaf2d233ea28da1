import Crypto
import Ethereum
import Foundation

/// Sign-In with Ethereum and session settings. Present in
/// ``ServerConfiguration/auth`` ⇒ the `/api/v1/auth`, `/api/v1/me` and
/// `/api/v1/admin` routes exist; absent (no `JWT_SECRET`) ⇒ they do not.
///
/// A message is accepted only for exactly this `domain`, exactly this `uri`
/// (no prefix matching: a prefix rule would also accept URIs an attacker's
/// page can craft, e.g. `https://app.example.evil/`), and this `chainID`.
///
/// ```swift
/// let auth = AuthConfiguration(
///     secret: try JWTSecret(environment["JWT_SECRET"] ?? ""),
///     domain: "app.takumi.dev", uri: "https://app.takumi.dev/login", chainID: 11155111,
///     admins: [try Address("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")])
/// ```
public struct AuthConfiguration: Sendable {
    public var secret: JWTSecret
    /// The EIP-4361 `domain` (RFC 3986 authority) messages must name.
    public var domain: String
    /// The EIP-4361 `URI` messages must carry, compared exactly.
    public var uri: String
    public var chainID: UInt64
    /// A scheme the message may name before its domain (none is accepted too).
    public var scheme: String
    /// Addresses whose tokens carry `role: admin`.
    public var admins: Set<Address>
    public var accessTokenTTL: Duration
    public var refreshTokenTTL: Duration
    public var nonceTTL: Duration
    /// Slack on the message's Issued At, Expiration Time and Not Before, and on a token's `iat`.
    public var clockSkew: Duration

    public init(
        secret: JWTSecret, domain: String, uri: String, chainID: UInt64, scheme: String = "https", admins: Set<Address> = [],
        accessTokenTTL: Duration = .seconds(15 * 60), refreshTokenTTL: Duration = .seconds(7 * 24 * 3600),
        nonceTTL: Duration = .seconds(5 * 60), clockSkew: Duration = .seconds(60)
    ) {
        self.secret = secret
        self.domain = domain
        self.uri = uri
        self.chainID = chainID
        self.scheme = scheme
        self.admins = admins
        self.accessTokenTTL = accessTokenTTL
        self.refreshTokenTTL = refreshTokenTTL
        self.nonceTTL = nonceTTL
        self.clockSkew = clockSkew
    }
}

/// The HS256 key of access tokens (`JWT_SECRET`). Its description never
/// shows the key, so configuration dumps and logs cannot leak it.
public struct JWTSecret: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    let key: SymmetricKey

    /// At least 32 bytes (RFC 7518 §3.2: the key must be at least as long as the hash).
    public init(_ text: String) throws(AuthConfigurationError) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 32 else { throw .secretTooShort(bytes.count) }
        key = SymmetricKey(data: bytes)
    }

    public var description: String { "JWTSecret(redacted)" }
    public var debugDescription: String { description }
}

public enum AuthConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    case secretTooShort(Int)

    public var description: String {
        switch self {
        case let .secretTooShort(count): "JWT_SECRET must be at least 32 bytes, got \(count) (generate one with `openssl rand -base64 48`)"
        }
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
