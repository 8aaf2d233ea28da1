import Foundation
import GRDB

/// Runs ``BoundSQL`` on the SQLite writer connection, inside the
/// transaction ``SQLiteStore/write(_:_:)`` opened (the store's write gate
/// keeps every other writer out meanwhile).
struct SQLiteExecutor: SQLExecutor {
    let pool: DatabasePool
    var dialect: SQLDialect { .sqlite }

    func execute(_ sql: BoundSQL) async throws {
        let (text, values) = sql.sqlite()
        try await pool.writeWithoutTransaction { db in
            try db.execute(sql: text, arguments: StatementArguments(values))
        }
    }

    func fetch(_ sql: BoundSQL, types: [ProjectionColumnType]) async throws -> [[StoreValue]] {
        let (text, values) = sql.sqlite()
        return try await pool.writeWithoutTransaction { db in
            try Row.fetchAll(db, sql: text, arguments: StatementArguments(values)).map { row in
                try types.enumerated().map { index, type in try Self.value(row.decode(DatabaseValue.self, atIndex: index), as: type) }
            }
        }
    }

    func insertEvents(_ events: [ChainEventRecord]) async throws {
        let encoder = JSONEncoder()
        let rows: [[DatabaseValue]] = try events.map { event in
            [
                event.chain.databaseValue, try Self.integer(event.blockNumber), event.blockHash.databaseValue,
                event.txHash.databaseValue, try Self.integer(event.logIndex), event.address.databaseValue,
                event.eventName?.databaseValue ?? .null, String(decoding: try encoder.encode(event.topics), as: UTF8.self).databaseValue,
                event.data.databaseValue, event.args?.databaseValue ?? .null,
            ]
        }
        try await pool.writeWithoutTransaction { db in
            let statement = try db.makeStatement(sql: """
                INSERT INTO chain_events (chain, block_number, block_hash, tx_hash, log_index, address, event_name, topics, data, args)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (chain, block_number, log_index) DO NOTHING
                """)
            for row in rows {
                try statement.execute(arguments: StatementArguments(row))
            }
        }
    }

    func upsertRows(_ table: ProjectionTable, _ rows: [[StoreValue]]) async throws {
        try await insertOrReplace(table, rows)
    }

    static func integer(_ number: UInt64) throws(StoreError) -> DatabaseValue {
        guard let value = Int64(exactly: number) else { throw .valueOutOfRange(what: "integer", value: String(number)) }
        return value.databaseValue
    }

    static func value(_ value: DatabaseValue, as type: ProjectionColumnType) throws -> StoreValue {
        switch (value.storage, type) {
        case (.null, _): return .null
        case let (.int64(int), .integer): return .int(int)
        case let (.int64(int), .boolean): return .bool(int != 0)
        case let (.string(text), .text), let (.string(text), .json), let (.string(text), .numeric): return .text(text)
        default: throw StoreError.corruptRow(table: "(sqlite)", reason: "\(value) is not \(type)")
        }
    }
}

extension BoundSQL {
    /// SQL with `?` placeholders and its arguments.
    func sqlite() -> (String, [DatabaseValue]) {
        var text = ""
        var values: [DatabaseValue] = []
        for part in parts {
            switch part {
            case let .sql(sql):
                text += sql
            case let .value(value):
                text += "?"
                switch value {
                case .null: values.append(.null)
                case let .int(int): values.append(int.databaseValue)
                case let .text(string): values.append(string.databaseValue)
                case let .bool(bool): values.append(bool.databaseValue)
                }
            }
        }
        return (text, values)
    }
}
