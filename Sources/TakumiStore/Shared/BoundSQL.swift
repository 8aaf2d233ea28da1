/// SQL text kept apart from its values, written once for both dialects:
/// PostgreSQL renders the values as `$n` binds of an interpolated
/// `PostgresQuery`, SQLite as `?` arguments. Identifiers come only from
/// ``ProjectionTable`` and the store's own code; values never become SQL text.
struct BoundSQL: Sendable, ExpressibleByStringLiteral {
    enum Part: Sendable {
        case sql(String)
        case value(StoreValue)
    }

    private(set) var parts: [Part] = []

    init() {}
    init(stringLiteral value: String) { parts = [.sql(value)] }
    init(_ sql: String) { parts = [.sql(sql)] }

    mutating func append(_ sql: String) { parts.append(.sql(sql)) }
    mutating func append(value: StoreValue) { parts.append(.value(value)) }

    /// Values separated by `separator`, e.g. `?, ?, ?`.
    mutating func append(values: [StoreValue], separator: String = ", ") {
        for (index, value) in values.enumerated() {
            if index > 0 { append(separator) }
            append(value: value)
        }
    }

    /// `"a" = ? AND "b" = ?`
    mutating func appendConditions(_ pairs: [(column: ProjectionColumn, value: StoreValue)]) {
        for (index, pair) in pairs.enumerated() {
            if index > 0 { append(" AND ") }
            append("\(quoted(pair.column.name)) = ")
            append(value: pair.value)
        }
    }

    static func + (lhs: BoundSQL, rhs: String) -> BoundSQL {
        var copy = lhs
        copy.append(rhs)
        return copy
    }
}

/// Double-quotes an identifier the store itself chose (a ``ProjectionTable``
/// or column name); never called with caller input.
func quoted(_ identifier: String) -> String {
    "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

/// The few places where PostgreSQL and SQLite spell the same thing differently.
enum SQLDialect: Sendable {
    case postgresql
    case sqlite

    /// The current time, as stored in timestamp columns.
    var now: String {
        switch self {
        case .postgresql: "now()"
        case .sqlite: "strftime('%Y-%m-%d %H:%M:%f', 'now')"
        }
    }

    /// `chain_events.topics` as a JSON array text.
    var topicsAsJSON: String {
        switch self {
        case .postgresql: "array_to_json(topics)::text"
        case .sqlite: "topics"
        }
    }

    /// `chain_events.args` as text.
    var argsAsText: String {
        switch self {
        case .postgresql: "args::text"
        case .sqlite: "args"
        }
    }
}

/// Runs ``BoundSQL`` inside the current transaction of one backend.
/// ``SQLTransaction`` is written once against it.
protocol SQLExecutor: Sendable {
    var dialect: SQLDialect { get }
    func execute(_ sql: BoundSQL) async throws
    /// Rows of values decoded as `types` (one per selected column, in order).
    func fetch(_ sql: BoundSQL, types: [ProjectionColumnType]) async throws -> [[StoreValue]]
    /// The dialect's bulk path for events.
    func insertEvents(_ events: [ChainEventRecord]) async throws
    /// Inserts or wholly replaces rows of `table`; each row holds a value
    /// for every column, in ``ProjectionTable/columns`` order, and no key twice.
    func upsertRows(_ table: ProjectionTable, _ rows: [[StoreValue]]) async throws
}

extension SQLExecutor {
    /// Multi-row `INSERT … ON CONFLICT DO UPDATE`, in statements of at most ~30,000 binds.
    func insertOrReplace(_ table: ProjectionTable, _ rows: [[StoreValue]]) async throws {
        let columns = table.columns.map(\.name)
        let updates = columns.filter { !table.keyColumns.contains($0) }
        let head = "INSERT INTO \(quoted(table.name)) (\(columns.map(quoted).joined(separator: ", "))) VALUES "
        let tail = " ON CONFLICT (\(table.keyColumns.map(quoted).joined(separator: ", "))) DO UPDATE SET "
            + updates.map { "\(quoted($0)) = excluded.\(quoted($0))" }.joined(separator: ", ")
        let perStatement = max(1, 30_000 / columns.count)
        for start in stride(from: 0, to: rows.count, by: perStatement) {
            var sql = BoundSQL(head)
            for (index, row) in rows[start..<min(start + perStatement, rows.count)].enumerated() {
                sql.append(index == 0 ? "(" : ", (")
                sql.append(values: row)
                sql.append(")")
            }
            sql.append(tail)
            try await execute(sql)
        }
    }
}
