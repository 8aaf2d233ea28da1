/// A Sign-In with Ethereum (EIP-4361) message: what the wallet shows and signs.
///
/// ``init(parsing:)`` follows the EIP's ABNF exactly (field order, RFC 3986 URIs and
/// authority, EIP-55 address, nonce of at least 8 letters or digits, RFC 3339 times);
/// ``text`` renders it back byte for byte. Verification is ``SIWEVerifier``'s job.
///
/// ```swift
/// let message = SIWEMessage(
///     domain: "takumi.example", address: key.address, statement: "Sign in to Takumi",
///     uri: "https://takumi.example/login", chainID: 1, nonce: "k3Jd82Hs0aPq",
///     issuedAt: RFC3339Timestamp(now))
/// let signature = try key.sign(PersonalMessage(message.text))
/// try SIWEMessage(parsing: message.text) == message // true
/// ```
public struct SIWEMessage: Hashable, Sendable, CustomStringConvertible {
    /// The optional URI scheme before the domain (`https` in `https://example.com wants…`).
    public var scheme: String?
    /// The RFC 3986 authority requesting the sign-in.
    public var domain: String
    public var address: Address
    /// One line of human-readable text, or nil.
    public var statement: String?
    /// The RFC 3986 URI the sign-in is for.
    public var uri: String
    /// Always "1".
    public var version: String
    public var chainID: UInt64
    /// At least 8 ASCII letters or digits, issued by the server to prevent replay.
    public var nonce: String
    public var issuedAt: RFC3339Timestamp
    public var expirationTime: RFC3339Timestamp?
    public var notBefore: RFC3339Timestamp?
    /// RFC 3986 `*pchar`.
    public var requestID: String?
    /// URIs listed under "Resources:"; nil omits the section, empty keeps the bare header.
    public var resources: [String]?

    public init(
        scheme: String? = nil, domain: String, address: Address, statement: String? = nil, uri: String,
        version: String = "1", chainID: UInt64, nonce: String, issuedAt: RFC3339Timestamp,
        expirationTime: RFC3339Timestamp? = nil, notBefore: RFC3339Timestamp? = nil,
        requestID: String? = nil, resources: [String]? = nil
    ) {
        self.scheme = scheme
        self.domain = domain
        self.address = address
        self.statement = statement
        self.uri = uri
        self.version = version
        self.chainID = chainID
        self.nonce = nonce
        self.issuedAt = issuedAt
        self.expirationTime = expirationTime
        self.notBefore = notBefore
        self.requestID = requestID
        self.resources = resources
    }

    static let headerSuffix = " wants you to sign in with your Ethereum account:"

    /// The message text in EIP-4361 layout, lines separated by LF, no trailing newline.
    public var text: String {
        var lines = ["\(scheme.map { "\($0)://" } ?? "")\(domain)\(Self.headerSuffix)", address.checksummed, ""]
        if let statement { lines.append(statement) }
        lines += [
            "", "URI: \(uri)", "Version: \(version)", "Chain ID: \(chainID)", "Nonce: \(nonce)",
            "Issued At: \(issuedAt.text)",
        ]
        if let expirationTime { lines.append("Expiration Time: \(expirationTime.text)") }
        if let notBefore { lines.append("Not Before: \(notBefore.text)") }
        if let requestID { lines.append("Request ID: \(requestID)") }
        if let resources {
            lines.append("Resources:")
            lines += resources.map { "- \($0)" }
        }
        return lines.joined(separator: "\n")
    }

    public var description: String { text }

    /// The EIP-191 message a wallet signs: the UTF-8 of ``text``.
    public var personalMessage: PersonalMessage { PersonalMessage(text) }
}

/// Why text is not an EIP-4361 message. `line` counts from 1.
///
/// ```swift
/// try SIWEMessage(parsing: text) // throws .invalidNonce("1234567") for a 7-character nonce
/// ```
public enum SIWEError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The first line is not `[scheme://]domain wants you to sign in with your Ethereum account:`.
    case invalidHeader
    case invalidScheme(String)
    /// Not an RFC 3986 authority with a host.
    case invalidDomain(String)
    /// Not an EIP-55 checksummed address.
    case invalidAddress(AddressError)
    /// The statement contains characters outside RFC 3986 reserved/unreserved and space.
    case invalidStatement
    /// The line does not hold the field the grammar requires next.
    case expectedField(String, line: Int)
    case invalidURI(String)
    case unsupportedVersion(String)
    /// Not decimal digits, has a leading zero, or does not fit in 64 bits.
    case invalidChainID(String)
    /// Fewer than 8 characters, or not only ASCII letters and digits.
    case invalidNonce(String)
    case invalidTimestamp(field: String, value: String)
    case invalidRequestID(String)
    case invalidResource(String)
    /// Text after the last field (including a trailing newline).
    case unexpectedLine(Int)

    public var description: String {
        switch self {
        case .invalidHeader: "SIWE message does not start with \"<domain> wants you to sign in with your Ethereum account:\""
        case .invalidScheme(let scheme): "SIWE scheme \"\(scheme)\" is not an RFC 3986 scheme"
        case .invalidDomain(let domain): "SIWE domain \"\(domain)\" is not an RFC 3986 authority"
        case .invalidAddress(let error): "SIWE address is invalid: \(error)"
        case .invalidStatement: "SIWE statement contains characters outside RFC 3986 reserved/unreserved and space"
        case .expectedField(let field, let line): "SIWE message line \(line) should be \"\(field)\""
        case .invalidURI(let uri): "SIWE URI \"\(uri)\" is not an RFC 3986 URI"
        case .unsupportedVersion(let version): "SIWE version \"\(version)\" is not 1"
        case .invalidChainID(let text): "SIWE chain ID \"\(text)\" is not a canonical decimal integer"
        case .invalidNonce(let nonce): "SIWE nonce \"\(nonce)\" is not at least 8 letters or digits"
        case .invalidTimestamp(let field, let value): "SIWE \(field) \"\(value)\" is not an RFC 3339 date-time"
        case .invalidRequestID(let text): "SIWE request ID \"\(text)\" contains characters outside RFC 3986 pchar"
        case .invalidResource(let text): "SIWE resource \"\(text)\" is not \"- \" followed by an RFC 3986 URI"
        case .unexpectedLine(let line): "SIWE message has unexpected content at line \(line)"
        }
    }
}
