import Logging

/// Opens the store the configuration asks for: PostgreSQL when
/// `DATABASE_URL` is set, else SQLite at `SQLITE_PATH` (folders created).
///
/// ```swift
/// // A service (ServiceLifecycle) around the store:
/// let database = try await TakumiDatabase.open(url: config.databaseURL, sqlitePath: config.sqlitePath, logger: logger)
/// // run: try await cancelWhenGracefulShutdown { await database.run() }
///
/// // Tests and one-shot commands:
/// try await TakumiDatabase.withDatabase(url: nil, sqlitePath: "/tmp/t.sqlite", logger: logger) { database in
///     try await database.check()
/// }
/// ```
public enum TakumiDatabase {
    public static func open(url: String?, sqlitePath: String, logger: Logger) async throws -> any DatabaseStore {
        if let url, !url.isEmpty {
            return PostgresStore(url: try PostgresURL(url), logger: logger)
        }
        return try SQLiteStore(path: sqlitePath, logger: logger)
    }

    /// Opens the store, runs it for the duration of `body` (migrated first
    /// unless `migrate` is false), then shuts it down, releasing leases.
    public static func withDatabase<T: Sendable>(
        url: String?, sqlitePath: String, logger: Logger, migrate: Bool = true,
        _ body: (any DatabaseStore) async throws -> T
    ) async throws -> T {
        try await run(try await open(url: url, sqlitePath: sqlitePath, logger: logger), migrate: migrate, body)
    }

    /// Runs an already opened store for the duration of `body`.
    public static func run<T: Sendable>(
        _ database: any DatabaseStore, migrate: Bool = true, _ body: (any DatabaseStore) async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.run() }
            do {
                if migrate { try await database.migrate() }
                let result = try await body(database)
                group.cancelAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }
}
