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

    /// A profile with its skills (not removed, in id order, at most
    /// `skillLimit`) and its active endorsement counts, or nil: what
    /// `GET /api/v1/profiles/{address}` answers, read in one statement (one
    /// round trip and one snapshot, where four separate queries were the
    /// route's cost under load). PostgreSQL prepares it once per connection.
    public func profile(chain: String, owner: String, skillLimit: Int) async throws -> ProfileDetail? {
        ProfileQuery.detail(try await executor.fetchProfile(ProfileQuery(chain: chain, owner: owner, skillLimit: skillLimit)))
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
        Self.columnLists[table] ?? table.columns.map { quoted($0.name) }.joined(separator: ", ")
    }

    /// Each table's quoted column list, built once (quoting is string work every query would repeat).
    private static let columnLists: [ProjectionTable: String] = Dictionary(uniqueKeysWithValues: ProjectionTable.allCases.map { table in
        (table, table.columns.map { quoted($0.name) }.joined(separator: ", "))
    })

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

/// A profile as its page shows it: ``ProjectionReader/profile(chain:owner:skillLimit:)``.
///
/// Kept as the statement's values in column order, not as dictionaries:
/// the profile route writes them straight into JSON, and building two
/// dictionaries per answer only to read them back was measurable CPU on
/// the busiest route. ``profile`` and ``skills`` give them as rows.
public struct ProfileDetail: Sendable, Hashable {
    /// The profile's values, in `ProjectionTable.profiles.columns` order.
    public var profileValues: [StoreValue]
    /// Each skill's values, in `ProjectionTable.skills.columns` order.
    public var skillValues: [[StoreValue]]
    public var endorsementsReceived: Int
    public var endorsementsGiven: Int

    public init(profileValues: [StoreValue], skillValues: [[StoreValue]], endorsementsReceived: Int, endorsementsGiven: Int) {
        self.profileValues = profileValues
        self.skillValues = skillValues
        self.endorsementsReceived = endorsementsReceived
        self.endorsementsGiven = endorsementsGiven
    }

    /// From rows; a column a row lacks is NULL.
    public init(profile: ProjectionRow, skills: [ProjectionRow], endorsementsReceived: Int, endorsementsGiven: Int) {
        self.init(
            profileValues: Self.values(of: profile, in: .profiles), skillValues: skills.map { Self.values(of: $0, in: .skills) },
            endorsementsReceived: endorsementsReceived, endorsementsGiven: endorsementsGiven
        )
    }

    /// The profile as a row.
    public var profile: ProjectionRow { Self.row(profileValues, of: .profiles) }
    /// The skills as rows, in id order.
    public var skills: [ProjectionRow] { skillValues.map { Self.row($0, of: .skills) } }

    private static func values(of row: ProjectionRow, in table: ProjectionTable) -> [StoreValue] {
        table.columns.map { row[$0.name] ?? .null }
    }

    private static func row(_ values: [StoreValue], of table: ProjectionTable) -> ProjectionRow {
        ProjectionRow(table, Dictionary(uniqueKeysWithValues: zip(table.columns.map(\.name), values)))
    }
}

/// The one statement behind ``ProjectionReader/profile(chain:owner:skillLimit:)``,
/// the same text on both backends: the profile (with its two endorsement
/// counts as scalar subqueries) left-joined to its skills, one result row
/// per skill, or one with NULL skill columns when it has none.
///
/// The profile sits in a derived table with `LIMIT 1` (it matches at most
/// one row by key anyway) so that PostgreSQL does not pull it up into the
/// join and evaluate the counts once per skill row.
///
/// The text is built once: only the values change between requests
/// (building it quoted every column name again, a tenth of a profile
/// answer's CPU).
struct ProfileQuery: Sendable {
    static let profileColumns = ProjectionTable.profiles.columns
    static let skillColumns = ProjectionTable.skills.columns
    static let types: [ProjectionColumnType] = profileColumns.map(\.type) + [.integer, .integer] + skillColumns.map(\.type)
    /// The statement with placeholder values; ``values`` fill them in order.
    static let template = build(chain: "", owner: "", skillLimit: 1)

    let chain: String
    let owner: String
    let skillLimit: Int
    /// The bound values, in the order of the statement's placeholders.
    let values: [StoreValue]

    init(chain: String, owner: String, skillLimit: Int) {
        self.chain = chain
        self.owner = owner
        self.skillLimit = skillLimit
        values = Self.values(chain: chain, owner: owner, skillLimit: skillLimit)
    }

    private static func values(chain: String, owner: String, skillLimit: Int) -> [StoreValue] {
        [.bool(true), .bool(true), .text(chain), .text(owner), .bool(false), .int(Int64(max(1, skillLimit)))]
    }

    /// ``template`` with this request's values.
    var sql: BoundSQL {
        var sql = BoundSQL()
        var next = values.makeIterator()
        for part in Self.template.parts {
            switch part {
            case let .sql(text): sql.append(text)
            case .value: sql.append(value: next.next() ?? .null)
            }
        }
        return sql
    }

    /// The statement built from scratch; its values appear in ``values(chain:owner:skillLimit:)`` order.
    static func build(chain: String, owner: String, skillLimit: Int) -> BoundSQL {
        var values = values(chain: chain, owner: owner, skillLimit: skillLimit).makeIterator()
        func nextValue() -> StoreValue { values.next() ?? .null }
        let profiles = quoted(ProjectionTable.profiles.name)
        let endorsements = quoted(ProjectionTable.endorsements.name)
        let profileList = profileColumns.map { "p.\(quoted($0.name))" }.joined(separator: ", ")
        let skillList = skillColumns.map { "s.\(quoted($0.name))" }.joined(separator: ", ")
        let innerList = profileColumns.map { "\(profiles).\(quoted($0.name))" }.joined(separator: ", ")
        var sql = BoundSQL("SELECT \(profileList), p.endorsements_received, p.endorsements_given, \(skillList) FROM (SELECT \(innerList)")
        for (name, column) in [("endorsements_received", "endorsee"), ("endorsements_given", "endorser")] {
            sql.append(", (SELECT COUNT(*) FROM \(endorsements) AS e WHERE e.\(quoted("chain")) = \(profiles).\(quoted("chain")) AND e.\(quoted(column)) = \(profiles).\(quoted("owner")) AND e.\(quoted("active")) = ")
            sql.append(value: nextValue())  // true
            sql.append(") AS \(name)")
        }
        sql.append(" FROM \(profiles) WHERE \(profiles).\(quoted("chain")) = ")
        sql.append(value: nextValue())  // chain
        sql.append(" AND \(profiles).\(quoted("owner")) = ")
        sql.append(value: nextValue())  // owner
        sql.append(" LIMIT 1) AS p LEFT JOIN \(quoted(ProjectionTable.skills.name)) AS s ON s.\(quoted("chain")) = p.\(quoted("chain")) AND s.\(quoted("owner")) = p.\(quoted("owner")) AND s.\(quoted("removed")) = ")
        sql.append(value: nextValue())  // false
        sql.append(" ORDER BY s.\(quoted("id")) ASC LIMIT ")
        sql.append(value: nextValue())  // skill limit
        return sql
    }

    /// The result rows (in ``types`` order) as a detail; nil without a profile.
    static func detail(_ rows: [[StoreValue]]) -> ProfileDetail? {
        guard let first = rows.first else { return nil }
        let profileCount = profileColumns.count
        let skills = rows.compactMap { row -> [StoreValue]? in
            let values = row.dropFirst(profileCount + 2)
            // A profile without skills comes back as one row whose skill columns are all NULL.
            guard let key = values.first, !key.isNull else { return nil }
            return Array(values)
        }
        func count(_ index: Int) -> Int {
            guard first.indices.contains(index), case let .int(count) = first[index] else { return 0 }
            return Int(count)
        }
        return ProfileDetail(
            profileValues: Array(first.prefix(profileCount)), skillValues: skills,
            endorsementsReceived: count(profileCount), endorsementsGiven: count(profileCount + 1)
        )
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
    /// ``ProfileQuery``'s rows (its statement prepared where the backend can).
    func fetchProfile(_ query: ProfileQuery) async throws -> [[StoreValue]]
}

extension SQLReadExecutor {
    func fetchProfile(_ query: ProfileQuery) async throws -> [[StoreValue]] {
        try await fetch(query.sql, types: ProfileQuery.types)
    }
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

    /// Coalesced with concurrent reads of other profiles on the same event loop (``ProfileReadShards``).
    func fetchProfile(_ query: ProfileQuery) async throws -> [[StoreValue]] {
        try await store.profileReads.rows(chain: query.chain, owner: query.owner, skillLimit: query.skillLimit)
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
