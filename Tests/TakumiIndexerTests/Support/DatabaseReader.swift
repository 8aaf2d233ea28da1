import Foundation
import GRDB
import Logging
import PostgresNIO
import TakumiStore
import TestSupport

/// Reads a test database with plain SQL, independently of TakumiStore's own
/// queries: PostgresNIO on a connection of its own, GRDB on a read-only
/// SQLite handle. Every value comes back as text (`CAST(… AS TEXT)`), NULL as nil.
enum DatabaseReader: Sendable {
    case postgres(PostgresURL)
    case sqlite(path: String)

    func query(_ sql: String) async throws -> [[String?]] {
        switch self {
        case .postgres(let url):
            let connection = try await PostgresConnection.connect(
                configuration: url.connectionConfiguration, id: 99, logger: Self.logger
            )
            do {
                var rows: [[String?]] = []
                for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Self.logger) {
                    let cells = row.makeRandomAccess()
                    rows.append(try (0..<cells.count).map { try Self.text(cells[$0]) })
                }
                try await connection.close()
                return rows
            } catch {
                try? await connection.close()
                throw error
            }
        case .sqlite(let path):
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            return try await queue.read { db in
                try GRDB.Row.fetchAll(db, sql: sql).map { row in
                    (0..<row.count).map { index -> String? in
                        let value: DatabaseValue = row[index]
                        switch value.storage {
                        case .null: return nil
                        case .int64(let int): return String(int)
                        case .double(let double): return String(double)
                        case .string(let string): return string
                        case .blob(let data): return data.map { String(format: "%02x", $0) }.joined()
                        }
                    }
                }
            }
        }
    }

    /// A PostgreSQL cell as text whatever its type (binary integers are not UTF-8).
    static func text(_ cell: PostgresCell) throws -> String? {
        guard cell.bytes != nil else { return nil }
        switch cell.dataType {
        case .int2, .int4, .int8: return String(try cell.decode(Int64.self))
        case .bool: return String(try cell.decode(Bool.self))
        case .float4, .float8: return String(try cell.decode(Double.self))
        default: return try cell.decode(String.self)
        }
    }

    func scalar(_ sql: String) async throws -> String? {
        try await query(sql).first?.first ?? nil
    }

    func int(_ sql: String) async throws -> Int {
        guard let text = try await scalar(sql), let value = Int(text) else { throw ReaderError("no integer from \(sql)") }
        return value
    }

    /// Every row of a projection table for `chain`, keyed by its primary key
    /// ("id=7"), columns by name; booleans normalised to "true"/"false" so
    /// both engines read alike.
    func rows(_ table: ProjectionTable, chain: String) async throws -> [String: Row] {
        let columns = table.columns
        let select = columns.map { "CAST(\($0.name) AS TEXT)" }.joined(separator: ", ")
        let order = table.keyColumns.joined(separator: ", ")
        var result: [String: Row] = [:]
        for values in try await query("SELECT \(select) FROM \(table.name) WHERE chain = '\(chain)' ORDER BY \(order)") {
            var row: Row = [:]
            for (column, value) in zip(columns, values) {
                row[column.name] = column.type == .boolean ? value.map(Self.boolean) : value
            }
            let key = table.keyColumns.dropFirst().map { "\($0)=\(row[$0]?.flatMap { $0 } ?? "NULL")" }.joined(separator: ",")
            result[key] = row
        }
        return result
    }

    typealias Row = [String: String?]

    /// Every `chain_events` row of `chain`, keyed by tx hash and log index.
    func events(chain: String) async throws -> [String: Row] {
        let columns = ["block_number", "block_hash", "tx_hash", "log_index", "address", "event_name", "topics", "data", "args"]
        let select = columns.map { "CAST(\($0) AS TEXT)" }.joined(separator: ", ")
        var result: [String: Row] = [:]
        for values in try await query("SELECT \(select) FROM chain_events WHERE chain = '\(chain)'") {
            var row: Row = [:]
            for (column, value) in zip(columns, values) { row[column] = value }
            let key = "\(values[2] ?? "?")#\(values[3] ?? "?")"
            if result[key] != nil { throw ReaderError("chain_events holds \(key) twice") }
            result[key] = row
        }
        return result
    }

    /// Every projection table and `chain_events` of `chain`.
    func dump(chain: String, events: Bool = true) async throws -> DatabaseDump {
        var tables: [String: [String: Row]] = [:]
        for table in ProjectionTable.allCases { tables[table.name] = try await rows(table, chain: chain) }
        if events { tables["chain_events"] = try await self.events(chain: chain) }
        return DatabaseDump(tables: tables)
    }

    static func boolean(_ text: String) -> String {
        switch text {
        case "1", "t", "true": "true"
        case "0", "f", "false": "false"
        default: text
        }
    }

    static let logger: Logger = {
        var logger = Logger(label: "takumi.indexer.tests.reader")
        logger.logLevel = .error
        return logger
    }()
}

struct ReaderError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The rows of several tables, comparable; ``differences(from:)`` says
/// which rows differ (the first few per table), for readable failures.
struct DatabaseDump: Equatable, Sendable {
    var tables: [String: [String: DatabaseReader.Row]]

    func count(_ table: String) -> Int { tables[table]?.count ?? 0 }

    func differences(from expected: DatabaseDump, limit: Int = 5) -> [String] {
        var lines: [String] = []
        for name in Set(tables.keys).union(expected.tables.keys).sorted() {
            let mine = tables[name] ?? [:]
            let theirs = expected.tables[name] ?? [:]
            var tableLines: [String] = []
            for key in Set(mine.keys).union(theirs.keys).sorted() where !Self.same(mine[key], theirs[key]) {
                switch (mine[key], theirs[key]) {
                case (nil, .some): tableLines.append("\(name) \(key): missing")
                case (.some, nil): tableLines.append("\(name) \(key): unexpected row \(Self.render(mine[key]!))")
                case let (.some(actual), .some(wanted)):
                    let columns = Set(actual.keys).union(wanted.keys).sorted().filter { !Self.sameValue(actual[$0] ?? nil, wanted[$0] ?? nil) }
                    tableLines.append("\(name) \(key): " + columns.map { "\($0) = \(actual[$0].flatMap { $0 } ?? "NULL"), expected \(wanted[$0].flatMap { $0 } ?? "NULL")" }.joined(separator: "; "))
                default: break
                }
            }
            if !tableLines.isEmpty {
                lines.append(contentsOf: tableLines.prefix(limit))
                if tableLines.count > limit { lines.append("\(name): … \(tableLines.count - limit) more differing rows") }
            }
        }
        return lines
    }

    static func render(_ row: DatabaseReader.Row) -> String {
        row.keys.sorted().map { "\($0)=\(row[$0].flatMap { $0 } ?? "NULL")" }.joined(separator: " ")
    }

    /// Byte equality (String's == is canonical equivalence, which would hide a changed normalisation).
    static func sameValue(_ a: String?, _ b: String?) -> Bool {
        switch (a, b) {
        case (nil, nil): true
        case let (a?, b?): a.utf8.elementsEqual(b.utf8)
        default: false
        }
    }

    static func same(_ a: DatabaseReader.Row?, _ b: DatabaseReader.Row?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return Set(a.keys) == Set(b.keys) && a.keys.allSatisfy { sameValue(a[$0] ?? nil, b[$0] ?? nil) }
    }

    static func == (lhs: DatabaseDump, rhs: DatabaseDump) -> Bool {
        lhs.differences(from: rhs, limit: 1).isEmpty
    }
}
