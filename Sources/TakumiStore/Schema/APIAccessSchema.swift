/// Migration 2: what the HTTP API keeps besides projections: API keys
/// (stored as SHA-256 hashes, shown once), Sign-In with Ethereum sessions
/// (one row per refresh token, grouped in families so a reused token can
/// revoke its whole family), the admin audit log, and incidents with their
/// timelines (the runbook's incident procedure).
enum APIAccessSchema {
    static let postgres = """
        CREATE TABLE api_keys (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name TEXT NOT NULL,
            key_hash TEXT NOT NULL UNIQUE,
            prefix TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            revoked_at TIMESTAMPTZ,
            last_used_at TIMESTAMPTZ,
            requests_per_minute INTEGER CHECK (requests_per_minute IS NULL OR requests_per_minute > 0)
        );

        CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY,
            family_id TEXT NOT NULL,
            address TEXT NOT NULL,
            chain_id BIGINT NOT NULL,
            issued_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            expires_at TIMESTAMPTZ NOT NULL,
            used_at TIMESTAMPTZ,
            revoked_at TIMESTAMPTZ
        );
        CREATE INDEX sessions_by_family ON sessions (family_id);
        CREATE INDEX sessions_by_address ON sessions (address);

        CREATE TABLE audit_log (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at TIMESTAMPTZ NOT NULL DEFAULT now(),
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT,
            detail TEXT NOT NULL DEFAULT '{}',
            request_id TEXT
        );
        CREATE INDEX audit_log_by_time ON audit_log (at DESC);

        CREATE TABLE incidents (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            title TEXT NOT NULL,
            severity TEXT NOT NULL CHECK (severity IN ('P1', 'P2', 'P3', 'P4')),
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'mitigated', 'resolved')),
            opened_by TEXT NOT NULL,
            opened_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            resolved_at TIMESTAMPTZ,
            summary TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX incidents_open ON incidents (status) WHERE status <> 'resolved';

        CREATE TABLE incident_events (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            incident_id BIGINT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
            at TIMESTAMPTZ NOT NULL DEFAULT now(),
            kind TEXT NOT NULL,
            actor TEXT NOT NULL,
            message TEXT NOT NULL
        );
        CREATE INDEX incident_events_by_incident ON incident_events (incident_id, at);
        """

    static let sqlite = """
        CREATE TABLE api_keys (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL,
            key_hash TEXT NOT NULL UNIQUE,
            prefix TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
            revoked_at TEXT,
            last_used_at TEXT,
            requests_per_minute INTEGER CHECK (requests_per_minute IS NULL OR requests_per_minute > 0)
        );

        CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY,
            family_id TEXT NOT NULL,
            address TEXT NOT NULL,
            chain_id INTEGER NOT NULL,
            issued_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
            expires_at TEXT NOT NULL,
            used_at TEXT,
            revoked_at TEXT
        );
        CREATE INDEX sessions_by_family ON sessions (family_id);
        CREATE INDEX sessions_by_address ON sessions (address);

        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT,
            detail TEXT NOT NULL DEFAULT '{}',
            request_id TEXT
        );
        CREATE INDEX audit_log_by_time ON audit_log (at DESC);

        CREATE TABLE incidents (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            title TEXT NOT NULL,
            severity TEXT NOT NULL CHECK (severity IN ('P1', 'P2', 'P3', 'P4')),
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'mitigated', 'resolved')),
            opened_by TEXT NOT NULL,
            opened_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
            resolved_at TEXT,
            summary TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX incidents_open ON incidents (status) WHERE status <> 'resolved';

        CREATE TABLE incident_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
            at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
            kind TEXT NOT NULL,
            actor TEXT NOT NULL,
            message TEXT NOT NULL
        );
        CREATE INDEX incident_events_by_incident ON incident_events (incident_id, at);
        """
}
