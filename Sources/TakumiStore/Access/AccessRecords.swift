import Foundation

/// One refresh token of a Sign-In with Ethereum session (a `sessions` row).
/// Only the token's SHA-256 is stored: a database leak gives no usable token.
public struct SessionRecord: Sendable, Hashable {
    /// Hex SHA-256 of the refresh token.
    public var tokenHash: String
    /// Every token of one sign-in shares a family: rotation keeps it, reuse revokes it whole.
    public var familyID: String
    /// Lowercase 0x-hex, as every address in the store.
    public var address: String
    public var chainID: UInt64
    public var issuedAt: Date
    public var expiresAt: Date
    /// When the token was exchanged for its successor (a second use is a reuse).
    public var usedAt: Date?
    public var revokedAt: Date?

    public init(
        tokenHash: String, familyID: String, address: String, chainID: UInt64, issuedAt: Date, expiresAt: Date,
        usedAt: Date? = nil, revokedAt: Date? = nil
    ) {
        self.tokenHash = tokenHash
        self.familyID = familyID
        self.address = address
        self.chainID = chainID
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.usedAt = usedAt
        self.revokedAt = revokedAt
    }
}

/// What ``AccessStore/rotate(_:replacement:expiresAt:at:)`` found.
public enum SessionRotation: Sendable, Hashable {
    /// The token was fresh: it is now used, and `successor` (same family) was stored.
    case rotated(previous: SessionRecord, successor: SessionRecord)
    /// No such token.
    case unknown
    case expired
    /// The family was revoked (logout, or an earlier reuse).
    case revoked
    /// The token had already been exchanged: someone holds a copy. The whole
    /// family is now revoked, the legitimate holder's newest token included.
    case reused(familyID: String)
}

/// An API key as listed to admins: never the key, only its display prefix.
public struct APIKeyRecord: Sendable, Hashable {
    public var id: Int64
    public var name: String
    /// The first characters of the key (`tk_AbCd1234`), to recognise it in lists.
    public var prefix: String
    /// The admin who created it (EIP-55).
    public var createdBy: String
    public var createdAt: Date
    public var revokedAt: Date?
    public var lastUsedAt: Date?
    /// The key's own rate limit; nil means the server's default for keys.
    public var requestsPerMinute: Int?

    public var isActive: Bool { revokedAt == nil }
}

/// What ``AccessStore/revokeAPIKey(id:at:audit:)`` did.
public enum APIKeyRevocation: String, Sendable, Hashable {
    case revoked
    case alreadyRevoked = "already-revoked"
    case notFound = "not-found"
}

/// One `audit_log` row to write.
public struct AuditEntryDraft: Sendable, Hashable {
    /// Who acted (an admin's EIP-55 address).
    public var actor: String
    /// What they did, dotted (`api-key.create`).
    public var action: String
    /// What it was done to (`api-key/7`), when there is one.
    public var target: String?
    /// A JSON object with the specifics (never secrets).
    public var detail: String
    public var requestID: String?

    public init(actor: String, action: String, target: String? = nil, detail: String = "{}", requestID: String? = nil) {
        self.actor = actor
        self.action = action
        self.target = target
        self.detail = detail
        self.requestID = requestID
    }
}

/// One `audit_log` row as read back.
public struct AuditEntry: Sendable, Hashable {
    public var id: Int64
    public var at: Date
    public var actor: String
    public var action: String
    public var target: String?
    /// JSON object text.
    public var detail: String
    public var requestID: String?
}

/// An incident that is not resolved (an `incidents` row whose status is
/// `open` or `mitigated`), as the status page lists it.
public struct IncidentRecord: Sendable, Hashable {
    public var id: Int64
    public var title: String
    /// `P1` (most severe) … `P4`.
    public var severity: String
    /// `open` or `mitigated`.
    public var status: String
    /// Who opened it (an on-call engineer's name or address).
    public var openedBy: String
    public var openedAt: Date
    /// What is known so far; empty until someone writes it.
    public var summary: String

    public init(id: Int64, title: String, severity: String, status: String, openedBy: String, openedAt: Date, summary: String) {
        self.id = id
        self.title = title
        self.severity = severity
        self.status = status
        self.openedBy = openedBy
        self.openedAt = openedAt
        self.summary = summary
    }
}
