import Foundation

/// What the HTTP API keeps besides projections (migration 2): Sign-In with
/// Ethereum sessions, API keys and the admin audit log, over either backend.
///
/// Tokens and keys are never stored, only their SHA-256 (hex); callers hash.
/// Times are passed in (`at:`) so expiry is decided by one clock, the API's.
///
/// ```swift
/// let access = store.access()
/// try await access.insertSession(SessionRecord(tokenHash: h1, familyID: f, address: a, chainID: 1, issuedAt: now, expiresAt: later))
/// switch try await access.rotate(h1, replacement: h2, expiresAt: later, at: now) {
/// case .rotated: …                    // h2 is the family's live token now
/// case .reused: …                     // h1 was used before: the family is revoked
/// case .unknown, .expired, .revoked: …
/// }
/// ```
public struct AccessStore: Sendable {
    let backend: any AccessBackend

    init(_ backend: any AccessBackend) {
        self.backend = backend
    }

    var dialect: SQLDialect { backend.dialect }

    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    static func date(_ value: StoreValue) -> Date? {
        guard case let .int(milliseconds) = value else { return nil }
        return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    // MARK: Sessions

    private var sessionColumns: String {
        "token_hash, family_id, address, chain_id, \(dialect.milliseconds("issued_at")), \(dialect.milliseconds("expires_at")), "
            + "\(dialect.milliseconds("used_at")), \(dialect.milliseconds("revoked_at"))"
    }

    private static let sessionTypes: [ProjectionColumnType] = [.text, .text, .text, .integer, .integer, .integer, .integer, .integer]

    private static func session(_ row: [StoreValue]) throws -> SessionRecord {
        guard row.count == 8, let hash = row[0].text, let family = row[1].text, let address = row[2].text,
              case let .int(chain) = row[3], let issued = date(row[4]), let expires = date(row[5]) else {
            throw StoreError.corruptRow(table: "sessions", reason: "\(row)")
        }
        return SessionRecord(
            tokenHash: hash, familyID: family, address: address, chainID: UInt64(clamping: chain),
            issuedAt: issued, expiresAt: expires, usedAt: date(row[6]), revokedAt: date(row[7])
        )
    }

    /// Stores a new refresh token (a sign-in starts a family with it).
    public func insertSession(_ session: SessionRecord) async throws {
        let dialect = self.dialect
        try await backend.transaction { executor in
            try await executor.execute(Self.insert(session, dialect))
        }
    }

    private static func insert(_ session: SessionRecord, _ dialect: SQLDialect) throws -> BoundSQL {
        var sql: BoundSQL = "INSERT INTO sessions (token_hash, family_id, address, chain_id, issued_at, expires_at) VALUES ("
        sql.append(values: [.text(session.tokenHash), .text(session.familyID), .text(session.address), try StoreValue(session.chainID)])
        sql.append(", ")
        sql.append(time: session.issuedAt, dialect)
        sql.append(", ")
        sql.append(time: session.expiresAt, dialect)
        sql.append(")")
        return sql
    }

    /// The refresh token's row, or nil.
    public func session(tokenHash: String) async throws -> SessionRecord? {
        var sql = BoundSQL("SELECT \(sessionColumns) FROM sessions WHERE token_hash = ")
        sql.append(value: .text(tokenHash))
        return try await backend.read(sql, types: Self.sessionTypes).first.map(Self.session)
    }

    /// Exchanges a refresh token for `replacement`, in one transaction:
    /// unknown, revoked or expired tokens change nothing; a token already
    /// used revokes its whole family (someone replayed a copy, and we cannot
    /// tell which holder is legitimate); a fresh one is marked used and
    /// `replacement` joins its family.
    public func rotate(_ tokenHash: String, replacement: String, expiresAt: Date, at now: Date) async throws -> SessionRotation {
        let (dialect, columns) = (self.dialect, sessionColumns)
        return try await backend.transaction { executor in
            var select = BoundSQL("SELECT \(columns) FROM sessions WHERE token_hash = ")
            select.append(value: .text(tokenHash))
            select.append(dialect.forUpdate)
            guard let row = try await executor.fetch(select, types: Self.sessionTypes).first else { return .unknown }
            let previous = try Self.session(row)
            if previous.revokedAt != nil { return .revoked }
            if previous.usedAt != nil {
                try await executor.execute(Self.revokeFamilySQL(previous.familyID, at: now, dialect))
                return .reused(familyID: previous.familyID)
            }
            if previous.expiresAt <= now { return .expired }
            var markUsed = BoundSQL("UPDATE sessions SET used_at = ")
            markUsed.append(time: now, dialect)
            markUsed.append(" WHERE token_hash = ")
            markUsed.append(value: .text(tokenHash))
            try await executor.execute(markUsed)
            let successor = SessionRecord(
                tokenHash: replacement, familyID: previous.familyID, address: previous.address, chainID: previous.chainID,
                issuedAt: now, expiresAt: expiresAt
            )
            try await executor.execute(Self.insert(successor, dialect))
            var used = previous
            used.usedAt = Date(timeIntervalSince1970: Double(Self.milliseconds(now)) / 1000)
            return .rotated(previous: used, successor: successor)
        }
    }

    private static func revokeFamilySQL(_ familyID: String, at now: Date, _ dialect: SQLDialect) -> BoundSQL {
        var sql = BoundSQL("UPDATE sessions SET revoked_at = ")
        sql.append(time: now, dialect)
        sql.append(" WHERE revoked_at IS NULL AND family_id = ")
        sql.append(value: .text(familyID))
        return sql
    }

    /// Revokes every token of the family (logout); returns how many were still live.
    @discardableResult
    public func revokeFamily(_ familyID: String, at now: Date) async throws -> Int {
        let dialect = self.dialect
        return try await backend.transaction { executor in
            var count = BoundSQL("SELECT COUNT(*) FROM sessions WHERE revoked_at IS NULL AND family_id = ")
            count.append(value: .text(familyID))
            let live = try await executor.fetch(count, types: [.integer]).first?.first?.int ?? 0
            try await executor.execute(Self.revokeFamilySQL(familyID, at: now, dialect))
            return Int(live)
        }
    }

    /// Whether the family still has an unrevoked token: access tokens name
    /// their family, so a logout or a detected reuse ends them too.
    public func isFamilyActive(_ familyID: String) async throws -> Bool {
        var sql = BoundSQL("SELECT COUNT(*) FROM sessions WHERE revoked_at IS NULL AND family_id = ")
        sql.append(value: .text(familyID))
        return (try await backend.read(sql, types: [.integer]).first?.first?.int ?? 0) > 0
    }

    // MARK: API keys

    private var keyColumns: String {
        "id, name, prefix, created_by, \(dialect.milliseconds("created_at")), \(dialect.milliseconds("revoked_at")), "
            + "\(dialect.milliseconds("last_used_at")), CAST(requests_per_minute AS BIGINT)"
    }

    private static let keyTypes: [ProjectionColumnType] = [.integer, .text, .text, .text, .integer, .integer, .integer, .integer]

    private static func apiKey(_ row: [StoreValue]) throws -> APIKeyRecord {
        guard row.count == 8, case let .int(id) = row[0], let name = row[1].text, let prefix = row[2].text,
              let createdBy = row[3].text, let createdAt = date(row[4]) else {
            throw StoreError.corruptRow(table: "api_keys", reason: "\(row)")
        }
        return APIKeyRecord(
            id: id, name: name, prefix: prefix, createdBy: createdBy, createdAt: createdAt, revokedAt: date(row[5]),
            lastUsedAt: date(row[6]), requestsPerMinute: row[7].int.map { Int(clamping: $0) }
        )
    }

    /// Stores a key's hash (and writes `audit` of the new id, in the same
    /// transaction: no key without its entry); returns the key's id.
    public func createAPIKey(
        name: String, keyHash: String, prefix: String, createdBy: String, requestsPerMinute: Int?, at now: Date,
        audit: ((Int64) -> AuditEntryDraft)? = nil
    ) async throws -> Int64 {
        let dialect = self.dialect
        return try await backend.transaction { executor in
            var sql: BoundSQL = "INSERT INTO api_keys (name, key_hash, prefix, created_by, requests_per_minute, created_at) VALUES ("
            sql.append(values: [.text(name), .text(keyHash), .text(prefix), .text(createdBy), StoreValue(requestsPerMinute.map(Int64.init))])
            sql.append(", ")
            sql.append(time: now, dialect)
            sql.append(") RETURNING id")
            guard case let .int(id)? = try await executor.fetch(sql, types: [.integer]).first?.first else {
                throw StoreError.corruptRow(table: "api_keys", reason: "INSERT returned no id")
            }
            if let audit { try await executor.execute(Self.insert(audit(id), at: now, dialect)) }
            return id
        }
    }

    /// Every key, active or revoked, oldest first.
    public func apiKeys() async throws -> [APIKeyRecord] {
        try await backend.read(BoundSQL("SELECT \(keyColumns) FROM api_keys ORDER BY id"), types: Self.keyTypes).map(Self.apiKey)
    }

    /// Revokes the key (and writes `audit` of the outcome, whatever it is, in the same transaction).
    public func revokeAPIKey(id: Int64, at now: Date, audit: ((APIKeyRevocation) -> AuditEntryDraft)? = nil) async throws -> APIKeyRevocation {
        let dialect = self.dialect
        return try await backend.transaction { executor in
            var select = BoundSQL("SELECT \(dialect.milliseconds("revoked_at")) FROM api_keys WHERE id = ")
            select.append(value: .int(id))
            select.append(dialect.forUpdate)
            let outcome: APIKeyRevocation
            if let row = try await executor.fetch(select, types: [.integer]).first {
                if row.first?.isNull == false {
                    outcome = .alreadyRevoked
                } else {
                    var update = BoundSQL("UPDATE api_keys SET revoked_at = ")
                    update.append(time: now, dialect)
                    update.append(" WHERE id = ")
                    update.append(value: .int(id))
                    try await executor.execute(update)
                    outcome = .revoked
                }
            } else {
                outcome = .notFound
            }
            if let audit { try await executor.execute(Self.insert(audit(outcome), at: now, dialect)) }
            return outcome
        }
    }

    /// The active (unrevoked) key with this hash, its `last_used_at` set to `now`; nil otherwise.
    public func activeAPIKey(hash: String, at now: Date) async throws -> APIKeyRecord? {
        let (dialect, columns) = (self.dialect, keyColumns)
        return try await backend.transaction { executor in
            var touch = BoundSQL("UPDATE api_keys SET last_used_at = ")
            touch.append(time: now, dialect)
            touch.append(" WHERE revoked_at IS NULL AND key_hash = ")
            touch.append(value: .text(hash))
            try await executor.execute(touch)
            var select = BoundSQL("SELECT \(columns) FROM api_keys WHERE revoked_at IS NULL AND key_hash = ")
            select.append(value: .text(hash))
            return try await executor.fetch(select, types: Self.keyTypes).first.map(Self.apiKey)
        }
    }

    // MARK: Audit log

    private static func insert(_ entry: AuditEntryDraft, at now: Date, _ dialect: SQLDialect) -> BoundSQL {
        var sql: BoundSQL = #"INSERT INTO audit_log (actor, action, target, detail, request_id, "at") VALUES ("#
        sql.append(values: [.text(entry.actor), .text(entry.action), StoreValue(entry.target), .text(entry.detail), StoreValue(entry.requestID)])
        sql.append(", ")
        sql.append(time: now, dialect)
        sql.append(")")
        return sql
    }

    /// Appends one entry.
    public func appendAudit(_ entry: AuditEntryDraft, at now: Date) async throws {
        let dialect = self.dialect
        try await backend.transaction { executor in
            try await executor.execute(Self.insert(entry, at: now, dialect))
        }
    }

    /// The newest `limit` entries, newest first.
    public func auditLog(limit: Int) async throws -> [AuditEntry] {
        var sql = BoundSQL("SELECT id, \(dialect.milliseconds(#""at""#)), actor, action, target, detail, request_id FROM audit_log ORDER BY \"at\" DESC, id DESC LIMIT ")
        sql.append(value: .int(Int64(max(0, limit))))
        return try await backend.read(sql, types: [.integer, .integer, .text, .text, .text, .text, .text]).map { row in
            guard row.count == 7, case let .int(id) = row[0], let at = Self.date(row[1]), let actor = row[2].text,
                  let action = row[3].text, let detail = row[5].text else {
                throw StoreError.corruptRow(table: "audit_log", reason: "\(row)")
            }
            return AuditEntry(id: id, at: at, actor: actor, action: action, target: row[4].text, detail: detail, requestID: row[6].text)
        }
    }

    // MARK: Incidents

    /// Most incidents the status page lists; more would not be read.
    public static let maxOpenIncidents = 100

    /// Incidents not yet resolved, most severe first, then newest first
    /// (at most ``maxOpenIncidents``). Served by the partial index
    /// `incidents_open`, so the health monitor can ask every few seconds.
    public func openIncidents() async throws -> [IncidentRecord] {
        var sql = BoundSQL(
            "SELECT id, title, severity, status, opened_by, \(dialect.milliseconds("opened_at")), summary FROM incidents "
                + "WHERE status <> 'resolved' ORDER BY severity ASC, opened_at DESC, id DESC LIMIT "
        )
        sql.append(value: .int(Int64(Self.maxOpenIncidents)))
        return try await backend.read(sql, types: [.integer, .text, .text, .text, .text, .integer, .text]).map { row in
            guard row.count == 7, case let .int(id) = row[0], let title = row[1].text, let severity = row[2].text, let status = row[3].text,
                  let openedBy = row[4].text, let openedAt = Self.date(row[5]), let summary = row[6].text else {
                throw StoreError.corruptRow(table: "incidents", reason: "\(row)")
            }
            return IncidentRecord(id: id, title: title, severity: severity, status: status, openedBy: openedBy, openedAt: openedAt, summary: summary)
        }
    }
}
