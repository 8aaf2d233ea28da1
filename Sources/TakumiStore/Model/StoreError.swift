/// What went wrong in the store, with the data an operator needs; each case
/// renders to one line (``description``) for logs and the CLI.
///
/// ```swift
/// do {
///     try await store.write(lease) { tx in try await tx.setCheckpoint(block: 10, hash: hash) }
/// } catch StoreError.fenced(let chain, let leaseEpoch, let currentEpoch) {
///     // another indexer took over: stop writing, re-acquire the lease
/// }
/// ```
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A newer lease was taken: this writer's batch is refused.
    case fenced(chain: String, leaseEpoch: Int64, currentEpoch: Int64?)
    /// The lease is gone (its connection died, the server restarted, or it was released).
    case leaseLost(chain: String, reason: String)
    /// Another process kept the lease for the whole waiting time.
    case leaseTimeout(chain: String, waited: Duration)
    /// A write for one chain inside a transaction fenced for another.
    case chainMismatch(lease: String, requested: String)
    /// The database has migrations this binary does not know: it was migrated by a newer release.
    case schemaTooNew(unknownVersions: [Int], latestKnown: Int)
    /// The migration list itself is malformed (versions not strictly increasing).
    case invalidMigrationList(String)
    /// A migration's SQL failed; nothing of it was kept.
    case migrationFailed(version: Int, name: String, reason: String)
    /// A projection row names a column its table does not have.
    case unknownColumn(table: String, column: String)
    /// A projection row lacks a key column.
    case missingKeyColumn(table: String, column: String)
    /// A key has the wrong number of values for its table.
    case keyArity(table: String, expected: Int, got: Int)
    /// A value does not fit its column's type (or is NULL in a NOT NULL column).
    case wrongValueType(table: String, column: String, expected: String, got: String)
    /// A number does not fit the database's 64-bit integers.
    case valueOutOfRange(what: String, value: String)
    /// A reorg journal entry cannot be replayed.
    case invalidJournalEntry(sequence: Int64, reason: String)
    /// A row read back from the database is not what the schema promises.
    case corruptRow(table: String, reason: String)
    /// The database cannot be reached or opened (health checks).
    case unavailable(location: String, reason: String)
    /// The server refused a statement (PostgreSQL SQLSTATE and message) or the connection failed.
    case queryFailed(sqlState: String, message: String)

    public var description: String {
        switch self {
        case let .fenced(chain, leaseEpoch, currentEpoch):
            "indexer lease for \(chain) is fenced: this writer holds epoch \(leaseEpoch), the database is at epoch \(currentEpoch.map(String.init) ?? "none")"
        case let .leaseLost(chain, reason):
            "indexer lease for \(chain) was lost: \(reason)"
        case let .leaseTimeout(chain, waited):
            "indexer lease for \(chain) is held by another process (waited \(waited))"
        case let .chainMismatch(lease, requested):
            "a transaction fenced for chain \(lease) cannot write chain \(requested)"
        case let .schemaTooNew(unknown, latest):
            "the database schema is newer than this binary: it has migration(s) \(unknown.map(String.init).joined(separator: ", ")), this binary knows up to \(latest); run a newer takumi"
        case let .invalidMigrationList(reason):
            "invalid migration list: \(reason)"
        case let .migrationFailed(version, name, reason):
            "migration \(version) (\(name)) failed and was rolled back: \(reason)"
        case let .unknownColumn(table, column):
            "table \(table) has no column \(column)"
        case let .missingKeyColumn(table, column):
            "a row of \(table) needs its key column \(column)"
        case let .keyArity(table, expected, got):
            "a key of \(table) has \(expected) value(s), got \(got)"
        case let .wrongValueType(table, column, expected, got):
            "\(table).\(column) takes \(expected), got \(got)"
        case let .valueOutOfRange(what, value):
            "\(what) \(value) does not fit a 64-bit database integer"
        case let .invalidJournalEntry(sequence, reason):
            "reorg journal entry \(sequence) cannot be replayed: \(reason)"
        case let .corruptRow(table, reason):
            "unexpected row in \(table): \(reason)"
        case let .unavailable(location, reason):
            "database \(location) is unavailable: \(reason)"
        case let .queryFailed(sqlState, message):
            sqlState.isEmpty ? "database error: \(message)" : "database error \(sqlState): \(message)"
        }
    }
}
