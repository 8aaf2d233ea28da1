import Foundation
import GRDB
import PostgresNIO

/// Plain SQL for the store's own tests and maintenance code inside this
/// module (never for callers' values: no binds). Not public on purpose.
protocol RawSQL: Sendable {
    /// Runs a script (PostgreSQL: split into statements).
    func rawExecute(_ script: String) async throws
    /// The first column of every row, as text (`CAST(… AS TEXT)` in the query keeps both engines alike).
    func rawColumn(_ query: String) async throws -> [String?]
}

extension PostgresStore: RawSQL {
    func rawExecute(_ script: String) async throws {
        try await client.withConnection { connection in
            for statement in SQLStatements.split(script) {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
        }
    }

    func rawColumn(_ query: String) async throws -> [String?] {
        try await client.query(PostgresQuery(unsafeSQL: query), logger: logger).collect().map {
            try $0.makeRandomAccess()[0].decode(String?.self)
        }
    }
}

extension SQLiteStore: RawSQL {
    func rawExecute(_ script: String) async throws {
        try await gate.pass {
            try await pool.writeWithoutTransaction { db in try db.execute(sql: script) }
        }
    }

    func rawColumn(_ query: String) async throws -> [String?] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: query).map { row in
                let value: DatabaseValue = row[0]
                switch value.storage {
                case .null: return nil
                case let .int64(int): return String(int)
                case let .double(double): return String(double)
                case let .string(string): return string
                case let .blob(data): return data.map { String(format: "%02x", $0) }.joined()
                }
            }
        }
    }
}

/// Migrating with another list than ``Migrations/all`` (tests of the mechanism).
protocol MigratingStore: Sendable {
    func migrate(_ migrations: [Migration]) async throws
}

extension PostgresStore: MigratingStore {}
extension SQLiteStore: MigratingStore {}
