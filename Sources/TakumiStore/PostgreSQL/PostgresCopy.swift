import Foundation
import Logging
import PostgresNIO

/// The bulk event insert on PostgreSQL: COPY (text format) into a
/// temporary table that lives only inside the batch transaction, then one
/// `INSERT … SELECT … ON CONFLICT DO NOTHING`, so re-delivered events are
/// skipped and nothing outlives a rollback.
enum PostgresCopy {
    static let columns = [
        "chain", "block_number", "block_hash", "tx_hash", "log_index", "address", "event_name", "topics", "data", "args",
    ]
    private static let chunkSize = 1 << 20

    static func insertEvents(_ events: [ChainEventRecord], on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            CREATE TEMPORARY TABLE chain_events_incoming (
                chain TEXT, block_number BIGINT, block_hash TEXT, tx_hash TEXT, log_index BIGINT,
                address TEXT, event_name TEXT, topics TEXT[], data TEXT, args JSON
            ) ON COMMIT DROP
            """, logger: logger)
        try await connection.copyFrom(table: "chain_events_incoming", columns: columns, logger: logger) { writer in
            // Rows are built as text and handed to NIO a chunk at a time: per-field
            // ByteBuffer writes cost more than the COPY itself in debug builds.
            var chunk = ""
            chunk.reserveCapacity(chunkSize + 4096)
            for event in events {
                try append(event, to: &chunk)
                if chunk.utf8.count >= chunkSize {
                    try await writer.write(ByteBuffer(string: chunk))
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            if !chunk.isEmpty { try await writer.write(ByteBuffer(string: chunk)) }
        }
        let list = columns.joined(separator: ", ")
        try await connection.query("""
            INSERT INTO chain_events (\(unescaped: list))
            SELECT \(unescaped: list) FROM chain_events_incoming ORDER BY block_number, log_index
            ON CONFLICT (chain, tx_hash, log_index) DO NOTHING
            """, logger: logger)
        // ON COMMIT DROP would do it at the end; dropping now lets a batch insert twice.
        try await connection.query("DROP TABLE chain_events_incoming", logger: logger)
    }

    /// One line of COPY text format: tab-separated, `\N` for NULL.
    static func append(_ event: ChainEventRecord, to line: inout String) throws {
        guard let block = Int64(exactly: event.blockNumber), let logIndex = Int64(exactly: event.logIndex) else {
            throw StoreError.valueOutOfRange(what: "block number or log index", value: "\(event.blockNumber)/\(event.logIndex)")
        }
        appendText(event.chain, to: &line)
        line += "\t" + String(block) + "\t"
        appendText(event.blockHash, to: &line)
        line += "\t"
        appendText(event.txHash, to: &line)
        line += "\t" + String(logIndex) + "\t"
        appendText(event.address, to: &line)
        line += "\t"
        appendText(event.eventName, to: &line)
        line += "\t{"
        for (index, topic) in event.topics.enumerated() {
            if index > 0 { line += "," }
            appendText(arrayElement(topic), to: &line)
        }
        line += "}\t"
        appendText(event.data, to: &line)
        line += "\t"
        appendText(event.args, to: &line)
        line += "\n"
    }

    /// A text field, escaped; `\N` for nil.
    static func appendText(_ text: String?, to line: inout String) {
        guard let text else {
            line += "\\N"
            return
        }
        line += text.rangeOfCharacter(from: needsEscape) == nil ? text : escape(text)
    }

    private static let needsEscape = CharacterSet(charactersIn: "\\").union(.controlCharacters)

    /// COPY text escaping: backslash and control characters.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count + 8)
        for character in text.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\t": escaped += "\\t"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\u{8}": escaped += "\\b"
            case "\u{C}": escaped += "\\f"
            case "\u{B}": escaped += "\\v"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    private static let arraySpecials = CharacterSet(charactersIn: "\\\"")

    /// An element of a PostgreSQL array literal, always double-quoted.
    static func arrayElement(_ text: String) -> String {
        guard text.rangeOfCharacter(from: arraySpecials) != nil else { return "\"" + text + "\"" }
        return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
