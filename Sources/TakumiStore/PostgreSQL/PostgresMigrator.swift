import Logging
import PostgresNIO

extension PostgresStore {
    /// Advisory-lock key of migrations: one process migrates at a time.
    static let migrationLockKey: Int32 = 0x4D49_4752   // "MIGR"

    public func migrate() async throws {
        try await migrate(Migrations.all)
    }

    func migrate(_ migrations: [Migration]) async throws {
        try await client.withConnection { connection in
            try await connection.query(
                "SELECT pg_advisory_lock(\(PostgresLeaseHandle.namespace), \(Self.migrationLockKey))", logger: logger
            )
            do {
                try await applyPending(migrations, on: connection)
                try await unlockMigrations(connection)
            } catch {
                try? await unlockMigrations(connection)
                throw error
            }
        }
    }

    private func unlockMigrations(_ connection: PostgresConnection) async throws {
        try await connection.query(
            "SELECT pg_advisory_unlock(\(PostgresLeaseHandle.namespace), \(Self.migrationLockKey))", logger: logger
        )
    }

    private func applyPending(_ migrations: [Migration], on connection: PostgresConnection) async throws {
        try await connection.query("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )
            """, logger: logger)
        let applied = try await connection.query("SELECT version FROM schema_migrations", logger: logger)
            .collect().map { Int(try $0.decode(Int64.self)) }
        for migration in try Migrations.pending(applied: applied, known: migrations) {
            try await connection.query("BEGIN", logger: logger)
            do {
                for statement in SQLStatements.split(migration.postgres) {
                    // Migration SQL is a constant compiled into this binary, never input.
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (version, name) VALUES (\(Int64(migration.version)), \(migration.name))",
                    logger: logger
                )
                try await connection.query("COMMIT", logger: logger)
            } catch {
                await rollback(connection)
                throw StoreError.migrationFailed(version: migration.version, name: migration.name, reason: String(reflecting: error))
            }
            logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
        }
    }
}
