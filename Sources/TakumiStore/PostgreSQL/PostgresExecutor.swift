import Logging
import PostgresNIO

/// Runs ``BoundSQL`` on the connection that holds the open batch
/// transaction of ``PostgresStore/write(_:_:)``.
struct PostgresExecutor: SQLExecutor {
    let connection: PostgresConnection
    let logger: Logger
    var dialect: SQLDialect { .postgresql }

    func execute(_ sql: BoundSQL) async throws {
        do {
            try await connection.query(sql.postgres(), logger: logger)
        } catch {
            throw Self.readable(error)
        }
    }

    func fetch(_ sql: BoundSQL, types: [ProjectionColumnType]) async throws -> [[StoreValue]] {
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
        do {
            try await PostgresCopy.insertEvents(events, on: connection, logger: logger)
        } catch {
            throw Self.readable(error)
        }
    }

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
