import GRDB
import PostgresNIO

/// Read-only queries over the projection tables and the indexer state, for
/// the HTTP API: a row by key, pages of rows in key order (keyset
/// pagination: a page starts after the last key of the previous one, so
/// rows inserted meanwhile neither repeat nor vanish), and counts.
///
/// Reads run outside the indexer's batch transactions and never see a batch
/// before it commits. Column names come from ``ProjectionTable``; filter
/// values are bound, never spliced into SQL.
///
/// ```swift
/// let reader = store.reader()
/// let page = try await reader.rows(.profiles, chain: "dev", limit: 20)
/// let next = try await reader.rows(.profiles, chain: "dev", after: page.last?["owner"], limit: 20)
/// let alice = try await reader.row(.profiles, key: RowKey([.text("dev"), .text("0x70997970…")]))
/// ```
public struct ProjectionReader: Sendable {
    let executor: any SQLReadExecutor

    init(_ executor: any SQLReadExecutor) {
        self.executor = executor
    }

    /// A filter on one column.
    public enum Condition: Sendable, Hashable {
        /// `column = value` (NULL matches NULL).
        case equals(String, StoreValue)
        /// Case-insensitive substring match on a text column.
        case contains(String, String)
        /// `column IN (SELECT … )` of another table: rows whose `column`
        /// appears in `otherColumn` of `table`'s rows matching `conditions`.
        case inTable(String, table: ProjectionTable, column: String, where: [Condition])
    }

    /// The row with this key (chain first), or nil.
    public func row(_ table: ProjectionTable, key: RowKey) async throws -> ProjectionRow? {
        let pairs = try table.validated(key)
        var sql = BoundSQL("SELECT \(columnList(table)) FROM \(quoted(table.name)) WHERE ")
        sql.appendConditions(pairs)
        return try await fetchRows(table, sql).first
    }

    /// Up to `limit` rows of `chain` in key order, starting after the row
    /// whose last key column is `after`; only rows matching every condition.
    /// Tables with a two-column key (chain plus one) page by that column.
    public func rows(
        _ table: ProjectionTable, chain: String, where conditions: [Condition] = [], after: StoreValue? = nil,
        descending: Bool = false, limit: Int
    ) async throws -> [ProjectionRow] {
        let order = table.keyColumns.dropFirst()
        var sql = BoundSQL("SELECT \(columnList(table)) FROM \(quoted(table.name)) WHERE \(quoted("chain")) = ")
        sql.append(value: .text(chain))
        try append(conditions, of: table, to: &sql)
        if let after, let column = order.first, order.count == 1 {
            sql.append(" AND \(quoted(column)) \(descending ? "<" : ">") ")
            sql.append(value: after)
        }
        sql.append(" ORDER BY " + order.map { "\(quoted($0)) \(descending ? "DESC" : "ASC")" }.joined(separator: ", "))
        sql.append(" LIMIT ")
        sql.append(value: .int(Int64(max(0, limit))))
        return try await fetchRows(table, sql)
    }

    /// How many rows of `chain` match every condition.
    public func count(_ table: ProjectionTable, chain: String, where conditions: [Condition] = []) async throws -> Int {
        var sql = BoundSQL("SELECT COUNT(*) FROM \(quoted(table.name)) WHERE \(quoted("chain")) = ")
        sql.append(value: .text(chain))
        try append(conditions, of: table, to: &sql)
        guard case let .int(count)? = try await executor.fetch(sql, types: [.integer]).first?.first else { return 0 }
        return Int(count)
    }

    /// Each contract's paused flag on `chain`, as indexed (`contract_state`).
    public func pausedContracts(chain: String) async throws -> [String: Bool] {
        var paused: [String: Bool] = [:]
        for row in try await rows(.contractState, chain: chain, limit: 1_000) {
            if let name = row["contract"]?.text { paused[name] = row["paused"]?.bool ?? false }
        }
        return paused
    }

    /// `chain_events` rows of `chain` (all events, decoded or raw).
    public func eventCount(chain: String) async throws -> Int {
        var sql = BoundSQL("SELECT COUNT(*) FROM chain_events WHERE chain = ")
        sql.append(value: .text(chain))
        guard case let .int(count)? = try await executor.fetch(sql, types: [.integer]).first?.first else { return 0 }
        return Int(count)
    }

    /// The most recent events of `chain`, newest first: (block, event name, transaction hash, log index).
    public func recentEvents(chain: String, limit: Int) async throws -> [RecentEvent] {
        var sql = BoundSQL("SELECT block_number, event_name, tx_hash, log_index, address FROM chain_events WHERE chain = ")
        sql.append(value: .text(chain))
        sql.append(" ORDER BY block_number DESC, log_index DESC LIMIT ")
        sql.append(value: .int(Int64(max(0, limit))))
        return try await executor.fetch(sql, types: [.integer, .text, .text, .integer, .text]).compactMap { row in
            guard case let .int(block) = row[0], case let .int(logIndex) = row[3] else { return nil }
            return RecentEvent(
                blockNumber: UInt64(clamping: block), eventName: row[1].text, transactionHash: row[2].text ?? "",
                logIndex: UInt64(clamping: logIndex), address: row[4].text ?? ""
            )
        }
    }

    private func columnList(_ table: ProjectionTable) -> String {
        table.columns.map { quoted($0.name) }.joined(separator: ", ")
    }

    private func fetchRows(_ table: ProjectionTable, _ sql: BoundSQL) async throws -> [ProjectionRow] {
        let names = table.columns.map(\.name)
        return try await executor.fetch(sql, types: table.columns.map(\.type)).map { values in
            ProjectionRow(table, Dictionary(uniqueKeysWithValues: zip(names, values)))
        }
    }

    private func append(_ conditions: [Condition], of table: ProjectionTable, to sql: inout BoundSQL) throws {
        for condition in conditions {
            sql.append(" AND ")
            try append(condition, of: table, to: &sql)
        }
    }

    private func append(_ condition: Condition, of table: ProjectionTable, to sql: inout BoundSQL) throws {
        switch condition {
        case let .equals(name, value):
            let column = try checkedColumn(name, of: table)
            guard value.isNull || column.accepts(value) else {
                throw StoreError.wrongValueType(table: table.name, column: name, expected: column.type.description, got: value.description)
            }
            if value.isNull {
                sql.append("\(quoted(name)) IS NULL")
            } else {
                sql.append("\(quoted(name)) = ")
                sql.append(value: value)
            }
        case let .contains(name, text):
            let column = try checkedColumn(name, of: table)
            guard column.type == .text else {
                throw StoreError.wrongValueType(table: table.name, column: name, expected: "text", got: column.type.description)
            }
            // LIKE with the pattern's own wildcards escaped: the text is matched literally.
            let escaped = text.lowercased()
                .replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_")
            sql.append("lower(\(quoted(name))) LIKE ")
            sql.append(value: .text("%" + escaped + "%"))
            sql.append(" ESCAPE '\\'")
        case let .inTable(name, other, otherColumn, conditions):
            _ = try checkedColumn(name, of: table)
            _ = try checkedColumn(otherColumn, of: other)
            sql.append("\(quoted(name)) IN (SELECT \(quoted(otherColumn)) FROM \(quoted(other.name)) WHERE \(quoted("chain")) = \(quoted(table.name)).\(quoted("chain"))")
            try append(conditions, of: other, to: &sql)
            sql.append(")")
        }
    }

    private func checkedColumn(_ name: String, of table: ProjectionTable) throws -> ProjectionColumn {
        guard let column = table.column(named: name) else { throw StoreError.unknownColumn(table: table.name, column: name) }
        return column
    }
}

/// One row of `chain_events`, as the activity feed shows it.
public struct RecentEvent: Sendable, Hashable {
    public var blockNumber: UInt64
    public var eventName: String?
    public var transactionHash: String
    public var logIndex: UInt64
    public var address: String
}

/// Runs a read-only query outside any batch transaction.
protocol SQLReadExecutor: Sendable {
    var dialect: SQLDialect { get }
    func fetch(_ sql: BoundSQL, types: [ProjectionColumnType]) async throws -> [[StoreValue]]
}

/// Reads through the PostgreSQL pool, one pooled connection per query.
struct PostgresReadExecutor: SQLReadExecutor {
    let store: PostgresStore
    var dialect: SQLDialect { .postgresql }

    func fetch(_ sql: BoundSQL, types: [ProjectionColumnType]) async throws -> [[StoreValue]] {
        try await store.client.withConnection { connection in
            try await PostgresExecutor(connection: connection, logger: store.logger).fetch(sql, types: types)
        }
    }
}

/// Reads through GRDB's reader connections (WAL: never blocked by the writer).
struct SQLiteReadExecutor: SQLReadExecutor {
    let store: SQLiteStore
    var dialect: SQLDialect { .sqlite }

    func fetch(_ sql: BoundSQL, types: [ProjectionColumnType]) async throws -> [[StoreValue]] {
        let (text, values) = sql.sqlite()
        return try await store.pool.read { db in
            try Row.fetchAll(db, sql: text, arguments: StatementArguments(values)).map { row in
                try types.enumerated().map { index, type in
                    try SQLiteExecutor.value(row.decode(DatabaseValue.self, atIndex: index), as: type)
                }
            }
        }
    }
}

extension PostgresStore {
    public func reader() -> ProjectionReader { ProjectionReader(PostgresReadExecutor(store: self)) }
}

extension SQLiteStore {
    public func reader() -> ProjectionReader { ProjectionReader(SQLiteReadExecutor(store: self)) }
}
