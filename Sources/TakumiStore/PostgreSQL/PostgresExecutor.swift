import Logging
import PostgresNIO
import Synchronization

/// Runs ``BoundSQL`` on the connection that holds the open batch
/// transaction of ``PostgresStore/write(_:_:)``.
///
/// The bulk event insert runs in the background: the server ingests the
/// batch's events while the indexer projects them (which, with the row
/// cache, rarely needs the database). Every other statement first waits for
/// it, so statements still run one at a time and in order, and its error
/// surfaces at the next statement or at ``settle()`` before COMMIT.
struct PostgresExecutor: SQLExecutor {
    let connection: PostgresConnection
    let logger: Logger
    let background = BackgroundStatement()
    var dialect: SQLDialect { .postgresql }

    /// Waits for the background insert; rethrows its error.
    func settle() async throws {
        try await background.wait()
    }

    func execute(_ sql: BoundSQL) async throws {
        try await settle()
        do {
            try await connection.query(sql.postgres(), logger: logger)
        } catch {
            throw Self.readable(error)
        }
    }

    func fetch(_ sql: BoundSQL, types: [ProjectionColumnType]) async throws -> [[StoreValue]] {
        try await settle()
        let rows: [PostgresRow]
        do {
            rows = try await connection.query(sql.postgres(), logger: logger).collect()
        } catch {
            throw Self.readable(error)
        }
        return try rows.map { row in
            let cells = row.makeRandomAccess()
            return try types.enumerated().map { index, type in try Self.value(cells[index], as: type) }
        }
    }

    func insertEvents(_ events: [ChainEventRecord]) async throws {
        try await settle()
        let (connection, logger) = (connection, logger)
        background.start {
            do {
                try await PostgresCopy.insertEvents(events, on: connection, logger: logger)
            } catch {
                throw Self.readable(error)
            }
        }
    }

    func upsertRows(_ table: ProjectionTable, _ rows: [[StoreValue]]) async throws {
        // A few rows: one statement. Many: COPY, which costs the server far
        // less than parsing and binding a value list.
        guard rows.count >= Self.copyThreshold else { return try await insertOrReplace(table, rows) }
        try await settle()
        do {
            try await PostgresCopy.upsertRows(table, rows, on: connection, logger: logger)
        } catch {
            throw Self.readable(error)
        }
    }

    static let copyThreshold = 100

    /// PostgresNIO hides server messages from `description` (they may quote
    /// data); the SQLSTATE and primary message are what an operator needs.
    static func readable(_ error: any Error) -> any Error {
        guard let error = error as? PSQLError else { return error }
        if let info = error.serverInfo, let message = info[.message] {
            return StoreError.queryFailed(sqlState: info[.sqlState] ?? "", message: message)
        }
        return StoreError.queryFailed(sqlState: "", message: "\(error.code)")
    }

    static func value(_ cell: PostgresCell, as type: ProjectionColumnType) throws -> StoreValue {
        switch type {
        case .integer: StoreValue(try cell.decode(Int64?.self))
        case .text, .json, .numeric: StoreValue(try cell.decode(String?.self))
        case .boolean: try cell.decode(Bool?.self).map(StoreValue.bool) ?? .null
        }
    }
}

extension BoundSQL {
    /// An interpolated `PostgresQuery`: every value becomes a `$n` bind.
    func postgres() -> PostgresQuery {
        var query = PostgresQuery.StringInterpolation(literalCapacity: 0, interpolationCount: parts.count)
        for part in parts {
            switch part {
            case let .sql(sql): query.appendLiteral(sql)
            case .value(.null): query.appendInterpolation(String?.none)
            case let .value(.int(int)): query.appendInterpolation(int)
            case let .value(.text(text)): query.appendInterpolation(text)
            case let .value(.bool(bool)): query.appendInterpolation(bool)
            }
        }
        return PostgresQuery(stringInterpolation: query)
    }
}

/// At most one statement running apart from the caller, on the executor's connection.
final class BackgroundStatement: Sendable {
    private let running = Mutex<Task<Void, any Error>?>(nil)

    /// Starts `work`; the caller has waited for the previous one.
    func start(_ work: @escaping @Sendable () async throws -> Void) {
        running.withLock { $0 = Task { try await work() } }
    }

    /// Waits for the running statement, if any, and rethrows its error (once).
    func wait() async throws {
        guard let task = running.withLock({ running -> Task<Void, any Error>? in
            defer { running = nil }
            return running
        }) else { return }
        try await task.value
    }
}
