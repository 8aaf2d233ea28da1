import Foundation

/// How `reorg_journal` stores a row key (a JSON array) and a previous row
/// image (a JSON object, column → value, or SQL NULL for "did not exist").
/// Plain JSON, so an operator can read the journal with `psql`.
enum JournalImage {
    static func encode(key: RowKey) throws -> String {
        try text(JSONEncoder.sorted.encode(key.values.map(JSONScalar.init)))
    }

    static func encode(row: ProjectionRow) throws -> String {
        try text(JSONEncoder.sorted.encode(row.values.mapValues(JSONScalar.init)))
    }

    static func decodeKey(_ text: String, table: ProjectionTable, sequence: Int64) throws -> RowKey {
        let scalars = try JSONDecoder().decode([JSONScalar].self, from: Data(text.utf8))
        guard scalars.count == table.keyColumns.count else {
            throw StoreError.invalidJournalEntry(sequence: sequence, reason: "key \(text) does not fit \(table.name)")
        }
        var values: [StoreValue] = []
        for (name, scalar) in zip(table.keyColumns, scalars) {
            guard let column = table.column(named: name), let value = scalar.value(for: column.type) else {
                throw StoreError.invalidJournalEntry(sequence: sequence, reason: "key value \(name) in \(text)")
            }
            values.append(value)
        }
        return RowKey(values)
    }

    static func decodeRow(_ text: String, table: ProjectionTable, sequence: Int64) throws -> ProjectionRow {
        let scalars = try JSONDecoder().decode([String: JSONScalar].self, from: Data(text.utf8))
        var values: [String: StoreValue] = [:]
        for (name, scalar) in scalars {
            guard let column = table.column(named: name) else {
                throw StoreError.invalidJournalEntry(sequence: sequence, reason: "\(table.name) has no column \(name)")
            }
            guard let value = scalar.value(for: column.type) else {
                throw StoreError.invalidJournalEntry(sequence: sequence, reason: "\(table.name).\(name) cannot hold \(scalar)")
            }
            values[name] = value
        }
        return ProjectionRow(table, values)
    }

    private static func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }
}

/// A JSON scalar; which ``StoreValue`` it becomes depends on the column type.
private enum JSONScalar: Codable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int64)
    case string(String)

    init(_ value: StoreValue) {
        switch value {
        case .null: self = .null
        case let .bool(bool): self = .bool(bool)
        case let .int(int): self = .int(int)
        case let .text(text): self = .string(text)
        }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let int = try? container.decode(Int64.self) {
            self = .int(int)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .bool(bool): try container.encode(bool)
        case let .int(int): try container.encode(int)
        case let .string(string): try container.encode(string)
        }
    }

    func value(for type: ProjectionColumnType) -> StoreValue? {
        switch (self, type) {
        case (.null, _): .null
        case let (.int(int), .integer): .int(int)
        case let (.bool(bool), .boolean): .bool(bool)
        case let (.int(int), .boolean) where int == 0 || int == 1: .bool(int == 1)
        case let (.string(text), .text), let (.string(text), .json), let (.string(text), .numeric): .text(text)
        default: nil
        }
    }

    var description: String {
        switch self {
        case .null: "null"
        case let .bool(bool): String(bool)
        case let .int(int): String(int)
        case let .string(string): "\"\(string)\""
        }
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
