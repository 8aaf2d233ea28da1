import Foundation
import Logging
import PostgresNIO

/// The bulk event insert on PostgreSQL, in chain order (block, log index):
/// the order of `chain_events`' primary key, so its index grows at the end.
///
/// Normally none of a batch's events is stored yet (the checkpoint commits
/// with them), so they are copied straight into `chain_events` inside a
/// savepoint: the cheapest way into an indexed table. An event that
/// is already there (a re-delivered batch) violates the unique key; then the
/// savepoint is rolled back and the batch goes the careful way: COPY into a
/// temporary table that lives only inside the transaction, then one
/// `INSERT … SELECT … ON CONFLICT DO NOTHING`, which skips the stored ones.
enum PostgresCopy {
    static let columns = [
        "chain", "block_number", "block_hash", "tx_hash", "log_index", "address", "event_name", "topics", "data", "args",
    ]
    /// COPY data goes to the server in chunks of about this many bytes.
    private static let chunkSize = 1 << 20
    private static let uniqueViolation = "23505"

    static func insertEvents(_ events: [ChainEventRecord], on connection: PostgresConnection, logger: Logger) async throws {
        let ordered = isInChainOrder(events) ? events : events.sorted {
            ($0.blockNumber, $0.logIndex) < ($1.blockNumber, $1.logIndex)
        }
        try await connection.query("SAVEPOINT takumi_events", logger: logger)
        do {
            try await copy(ordered, into: "chain_events", on: connection, logger: logger)
            try await connection.query("RELEASE SAVEPOINT takumi_events", logger: logger)
            return
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == uniqueViolation {
            try await connection.query("ROLLBACK TO SAVEPOINT takumi_events", logger: logger)
            try await connection.query("RELEASE SAVEPOINT takumi_events", logger: logger)
        }
        try await connection.query("""
            CREATE TEMPORARY TABLE chain_events_incoming (
                chain TEXT, block_number BIGINT, block_hash TEXT, tx_hash TEXT, log_index BIGINT,
                address TEXT, event_name TEXT, topics TEXT[], data TEXT, args JSON
            ) ON COMMIT DROP
            """, logger: logger)
        try await copy(ordered, into: "chain_events_incoming", on: connection, logger: logger)
        let list = columns.joined(separator: ", ")
        try await connection.query("""
            INSERT INTO chain_events (\(unescaped: list))
            SELECT \(unescaped: list) FROM chain_events_incoming ORDER BY block_number, log_index
            ON CONFLICT (chain, block_number, log_index) DO NOTHING
            """, logger: logger)
        // ON COMMIT DROP would do it at the end; dropping now lets a batch insert twice.
        try await connection.query("DROP TABLE chain_events_incoming", logger: logger)
    }

    /// Inserts or wholly replaces projection rows (every column, in
    /// ``ProjectionTable/columns`` order): COPY into a temporary copy of the
    /// table, then one `INSERT … SELECT … ON CONFLICT DO UPDATE`. For a few
    /// thousand rows this is much less work for the server than a VALUES
    /// list with a bind per value.
    ///
    /// The temporary table stays for the session (emptied after use and at
    /// every COMMIT) instead of being created and dropped per flush: each
    /// CREATE made the server create files and catalog rows, a few times a
    /// batch. Its name carries a digest of the table's columns, so a schema
    /// change gets a fresh one.
    static func upsertRows(_ table: ProjectionTable, _ rows: [[StoreValue]], on connection: PostgresConnection, logger: Logger) async throws {
        let temporary = incomingTable(table)
        let names = table.columns.map(\.name)
        let list = names.map(quoted).joined(separator: ", ")
        let updates = names.filter { !table.keyColumns.contains($0) }
            .map { "\(quoted($0)) = excluded.\(quoted($0))" }.joined(separator: ", ")
        try await connection.query(PostgresQuery(
            unsafeSQL: "CREATE TEMPORARY TABLE IF NOT EXISTS \(temporary) (LIKE \(quoted(table.name))) ON COMMIT DELETE ROWS"
        ), logger: logger)
        try await connection.copyFrom(table: temporary, columns: names, logger: logger) { writer in
            var chunk = ByteBuffer()
            chunk.reserveCapacity(chunkSize + 8192)
            for row in rows {
                for (index, value) in row.enumerated() {
                    if index > 0 { chunk.writeInteger(tab) }
                    switch value {
                    case .null: chunk.writeStaticString("\\N")
                    case let .int(int): chunk.writeDecimal(int)
                    case let .text(text): appendText(text, to: &chunk)
                    case let .bool(bool): chunk.writeInteger(UInt8(ascii: bool ? "t" : "f"))
                    }
                }
                chunk.writeInteger(UInt8(ascii: "\n"))
                if chunk.readableBytes >= chunkSize {
                    try await writer.write(chunk)
                    chunk = ByteBuffer()
                    chunk.reserveCapacity(chunkSize + 8192)
                }
            }
            if chunk.readableBytes > 0 { try await writer.write(chunk) }
        }
        try await connection.query(PostgresQuery(unsafeSQL: """
            INSERT INTO \(quoted(table.name)) (\(list)) SELECT \(list) FROM \(temporary)
            ON CONFLICT (\(table.keyColumns.map(quoted).joined(separator: ", "))) DO UPDATE SET \(updates)
            """), logger: logger)
        // Emptied now rather than at COMMIT: a later flush in this transaction fills it again.
        try await connection.query(PostgresQuery(unsafeSQL: "DELETE FROM \(temporary)"), logger: logger)
    }

    /// `takumi_incoming_<table>_<digest of its columns>`.
    static func incomingTable(_ table: ProjectionTable) -> String {
        // FNV-1a: stable across processes (Hasher is seeded per process).
        var digest: UInt32 = 2_166_136_261
        for column in table.columns {
            for byte in "\(column.name):\(column.type):\(column.isNullable);".utf8 {
                digest = (digest ^ UInt32(byte)) &* 16_777_619
            }
        }
        return "takumi_incoming_\(table.name)_\(String(digest, radix: 16))"
    }

    static func isInChainOrder(_ events: [ChainEventRecord]) -> Bool {
        zip(events, events.dropFirst()).allSatisfy { ($0.blockNumber, $0.logIndex) <= ($1.blockNumber, $1.logIndex) }
    }

    private static func copy(_ events: [ChainEventRecord], into table: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
            // Rows are encoded straight into the buffer NIO sends, a chunk at a time.
            var chunk = ByteBuffer()
            chunk.reserveCapacity(chunkSize + 8192)
            for event in events {
                try append(event, to: &chunk)
                if chunk.readableBytes >= chunkSize {
                    try await writer.write(chunk)
                    chunk = ByteBuffer()
                    chunk.reserveCapacity(chunkSize + 8192)
                }
            }
            if chunk.readableBytes > 0 { try await writer.write(chunk) }
        }
    }

    /// One line of COPY text format: tab-separated, `\N` for NULL.
    static func append(_ event: ChainEventRecord, to buffer: inout ByteBuffer) throws {
        guard let block = Int64(exactly: event.blockNumber), let logIndex = Int64(exactly: event.logIndex) else {
            throw StoreError.valueOutOfRange(what: "block number or log index", value: "\(event.blockNumber)/\(event.logIndex)")
        }
        appendText(event.chain, to: &buffer)
        buffer.writeInteger(tab)
        buffer.writeDecimal(block)
        buffer.writeInteger(tab)
        appendText(event.blockHash, to: &buffer)
        buffer.writeInteger(tab)
        appendText(event.txHash, to: &buffer)
        buffer.writeInteger(tab)
        buffer.writeDecimal(logIndex)
        buffer.writeInteger(tab)
        appendText(event.address, to: &buffer)
        buffer.writeInteger(tab)
        appendText(event.eventName, to: &buffer)
        buffer.writeInteger(tab)
        buffer.writeInteger(UInt8(ascii: "{"))
        for (index, topic) in event.topics.enumerated() {
            if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            appendArrayElement(topic, to: &buffer)
        }
        buffer.writeInteger(UInt8(ascii: "}"))
        buffer.writeInteger(tab)
        appendText(event.data, to: &buffer)
        buffer.writeInteger(tab)
        appendText(event.args, to: &buffer)
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    private static let tab = UInt8(ascii: "\t")

    /// ``arrayElement(_:)`` written into the buffer (COPY-escaped), without
    /// building the quoted string when the text needs no escape (hex topics).
    static func appendArrayElement(_ text: String, to buffer: inout ByteBuffer) {
        var text = text
        let plain = text.withUTF8 { bytes in
            !bytes.contains { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || ($0 >= 0x08 && $0 <= 0x0D) }
        }
        guard plain else {
            appendText(arrayElement(text), to: &buffer)
            return
        }
        buffer.writeInteger(UInt8(ascii: "\""))
        buffer.writeString(text)
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    /// A text field, escaped; `\N` for nil.
    static func appendText(_ text: String?, to buffer: inout ByteBuffer) {
        guard let text else {
            buffer.writeStaticString("\\N")
            return
        }
        if needsEscape(text) {
            buffer.writeString(escape(text))
        } else {
            buffer.writeString(text)
        }
    }

    /// Whether the text holds a byte COPY text format must escape
    /// (backslash, or one of the control characters ``escape(_:)`` spells out).
    static func needsEscape(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            bytes.contains { byte in byte == UInt8(ascii: "\\") || (byte >= 0x08 && byte <= 0x0D) }
        }
    }

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

    /// An element of a PostgreSQL array literal, always double-quoted.
    static func arrayElement(_ text: String) -> String {
        var text = text
        let plain = text.withUTF8 { bytes in !bytes.contains { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") } }
        guard !plain else { return "\"" + text + "\"" }
        return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
