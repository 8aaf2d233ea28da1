/// Migration 4: the exploit detector's memory, and P0 incidents.
///
/// `security_alerts` has one row per rule and triggering transaction; the
/// detector inserts it in the same transaction as the incident, so a
/// transaction fires each rule at most once, ever: a resync or a reorg that
/// indexes it again finds the row and stays quiet (issue 7: "a resync cannot
/// pause production"). It is not a projection: nothing rolls it back, and it
/// cannot be rebuilt from the chain (like `incidents`, it is in backups).
///
/// Migration 2 allowed severities P1–P4, but the runbook's scale (and
/// ``Severity``) is P0–P3, and an exploit is P0. The check now accepts P0
/// (P4 stays allowed so that no existing row can fail the migration).
/// SQLite cannot change a CHECK in place: both incident tables are copied
/// (child first, so the parent's implicit delete cascades nowhere) and renamed.
enum SecuritySchema {
    static let postgres = """
        ALTER TABLE incidents DROP CONSTRAINT incidents_severity_check;
        ALTER TABLE incidents ADD CONSTRAINT incidents_severity_check CHECK (severity IN ('P0', 'P1', 'P2', 'P3', 'P4'));

        CREATE TABLE security_alerts (
            chain TEXT NOT NULL,
            rule TEXT NOT NULL,
            tx_hash TEXT NOT NULL,
            block_number BIGINT NOT NULL CHECK (block_number >= 0),
            subject TEXT,
            incident_id BIGINT REFERENCES incidents (id) ON DELETE SET NULL,
            created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            PRIMARY KEY (chain, rule, tx_hash)
        );
        CREATE INDEX security_alerts_by_subject ON security_alerts (chain, rule, subject, block_number);
        """

    static let sqlite = """
        CREATE TABLE incidents_v4 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            title TEXT NOT NULL,
            severity TEXT NOT NULL CHECK (severity IN ('P0', 'P1', 'P2', 'P3', 'P4')),
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'mitigated', 'resolved')),
            opened_by TEXT NOT NULL,
            opened_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
            resolved_at TEXT,
            summary TEXT NOT NULL DEFAULT ''
        );
        INSERT INTO incidents_v4 (id, title, severity, status, opened_by, opened_at, resolved_at, summary)
            SELECT id, title, severity, status, opened_by, opened_at, resolved_at, summary FROM incidents;

        CREATE TABLE incident_events_v4 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            incident_id INTEGER NOT NULL REFERENCES incidents_v4 (id) ON DELETE CASCADE,
            at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
            kind TEXT NOT NULL,
            actor TEXT NOT NULL,
            message TEXT NOT NULL
        );
        INSERT INTO incident_events_v4 (id, incident_id, at, kind, actor, message)
            SELECT id, incident_id, at, kind, actor, message FROM incident_events;

        DROP TABLE incident_events;
        DROP TABLE incidents;
        ALTER TABLE incidents_v4 RENAME TO incidents;
        ALTER TABLE incident_events_v4 RENAME TO incident_events;
        CREATE INDEX incidents_open ON incidents (status) WHERE status <> 'resolved';
        CREATE INDEX incident_events_by_incident ON incident_events (incident_id, at);

        CREATE TABLE security_alerts (
            chain TEXT NOT NULL,
            rule TEXT NOT NULL,
            tx_hash TEXT NOT NULL,
            block_number INTEGER NOT NULL CHECK (block_number >= 0),
            subject TEXT,
            incident_id INTEGER REFERENCES incidents (id) ON DELETE SET NULL,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
            PRIMARY KEY (chain, rule, tx_hash)
        );
        CREATE INDEX security_alerts_by_subject ON security_alerts (chain, rule, subject, block_number);
        """
}
