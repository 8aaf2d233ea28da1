import Foundation
import GRDB
import PostgresNIO

/// Where ``AccessStore`` runs its SQL: single reads, and short transactions
/// for the read-then-write steps (token rotation, revocations with their
/// audit entry) that must not interleave with another request's.
protocol AccessBackend: Sendable {
    var dialect: SQLDialect { get }
    func read(_ sql: BoundSQL, types: [ProjectionColumnType]) async throws -> [[StoreValue]]
    /// Commits when `body` returns, rolls back when it throws.
    func transaction<T: Sendable>(_ body: (any SQLExecutor) async throws -> T) async throws -> T
}

/// PostgreSQL: one pooled connection per transaction. Rows that a
/// transaction reads to decide are locked (`SELECT … FOR UPDATE`).
struct PostgresAccessBackend: AccessBackend {
    let store: PostgresStore
    var dialect: SQLDialect { .postgresql }

    func read(_ sql: BoundSQL, types: [ProjectionColumnType]) async throws -> [[StoreValue]] {
        try await PostgresReadExecutor(store: store).fetch(sql, types: types)
    }

    func transaction<T: Sendable>(_ body: (any SQLExecutor) async throws -> T) async throws -> T {
        try await store.client.withConnection { connection in
            do {
                try await connection.query("BEGIN", logger: store.logger)
            } catch {
                throw PostgresExecutor.readable(error)
            }
            let executor = PostgresExecutor(connection: connection, logger: store.logger)
            do {
                let value = try await body(executor)
                try await connection.query("COMMIT", logger: store.logger)
                return value
            } catch {
                await store.rollback(connection)
                throw PostgresExecutor.readable(error)
            }
        }
    }
}

/// SQLite: the store's single writer connection, entered through its write
/// gate like the indexer's batches (a batch transaction spans several
/// accesses to that connection; ours must not land inside one).
/// `BEGIN IMMEDIATE` takes the write lock up front, so the transaction's
/// reads already exclude every other writer.
struct SQLiteAccessBackend: AccessBackend {
    let store: SQLiteStore
    var dialect: SQLDialect { .sqlite }

    func read(_ sql: BoundSQL, types: [ProjectionColumnType]) async throws -> [[StoreValue]] {
        try await SQLiteReadExecutor(store: store).fetch(sql, types: types)
    }

    func transaction<T: Sendable>(_ body: (any SQLExecutor) async throws -> T) async throws -> T {
        let pool = store.pool
        return try await store.gate.pass {
            try await pool.writeWithoutTransaction { db in
                if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") }
                try db.execute(sql: "BEGIN IMMEDIATE")
            }
            do {
                let value = try await body(store.executor)
                try await pool.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }
                return value
            } catch {
                await Self.rollback(pool, logger: store.logger)
                throw error
            }
        }
    }

    /// In an unstructured task: GRDB refuses accesses from a cancelled task,
    /// and the writer connection must not be left inside a transaction.
    static func rollback(_ pool: DatabasePool, logger: Logger) async {
        await Task {
            do {
                try await pool.writeWithoutTransaction { db in
                    if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") }
                }
            } catch {
                logger.error("rollback failed", metadata: ["error": "\(error)"])
            }
        }.value
    }
}

extension SQLDialect {
    /// A timestamp column as integer milliseconds since 1970 (UTC).
    func milliseconds(_ column: String) -> String {
        switch self {
        case .postgresql: "CAST(EXTRACT(EPOCH FROM \(column)) * 1000 AS BIGINT)"
        // SQLite keeps `YYYY-MM-DD HH:MM:SS.SSS` text; julianday() reads it as UTC.
        case .sqlite: "CAST(ROUND((julianday(\(column)) - 2440587.5) * 86400000.0) AS INTEGER)"
        }
    }

    /// Locks the rows a transaction reads to decide on (PostgreSQL); SQLite's
    /// `BEGIN IMMEDIATE` already holds the database's write lock.
    var forUpdate: String {
        switch self {
        case .postgresql: " FOR UPDATE"
        case .sqlite: ""
        }
    }
}

extension BoundSQL {
    /// `date` as the dialect's timestamp value, bound as integer milliseconds
    /// (the same text SQLite's defaults write, so its text comparisons order correctly).
    mutating func append(time date: Date, _ dialect: SQLDialect) {
        switch dialect {
        case .postgresql:
            append("to_timestamp(CAST(")
            append(value: .int(AccessStore.milliseconds(date)))
            append(" AS DOUBLE PRECISION) / 1000)")
        case .sqlite:
            append("strftime('%Y-%m-%d %H:%M:%f', ")
            append(value: .int(AccessStore.milliseconds(date)))
            append(" / 1000.0, 'unixepoch')")
        }
    }
}

extension PostgresStore {
    public func access() -> AccessStore { AccessStore(PostgresAccessBackend(store: self)) }
}

extension SQLiteStore {
    public func access() -> AccessStore { AccessStore(SQLiteAccessBackend(store: self)) }
}
