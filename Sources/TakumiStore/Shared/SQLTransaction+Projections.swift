/// The generic projection rows and their reorg journal, for both backends.
extension SQLTransaction {
    func row(_ table: ProjectionTable, key: RowKey) async throws -> ProjectionRow? {
        let pairs = try table.validated(key)
        var sql = BoundSQL()
        sql.append("SELECT \(table.columns.map { quoted($0.name) }.joined(separator: ", ")) FROM \(quoted(table.name)) WHERE ")
        sql.appendConditions(pairs)
        guard let values = try await executor.fetch(sql, types: table.columns.map(\.type)).first else { return nil }
        return ProjectionRow(table, Dictionary(uniqueKeysWithValues: zip(table.columns.map(\.name), values)))
    }

    func upsert(_ row: ProjectionRow, journalBlock: UInt64?) async throws {
        let columns = try row.validatedColumns()
        let key = try row.key()
        try requireLeaseChain(key.chain)
        if let journalBlock {
            try await journal(row.table, key: key, block: journalBlock)
        }
        try await write(columns, into: row.table)
    }

    func count(_ table: ProjectionTable, chain: String, where conditions: [String: StoreValue]) async throws -> Int {
        var sql = BoundSQL("SELECT COUNT(*) FROM \(quoted(table.name)) WHERE \(quoted("chain")) = ")
        sql.append(value: .text(chain))
        for name in conditions.keys.sorted() {
            guard let column = table.column(named: name), let value = conditions[name] else {
                throw StoreError.unknownColumn(table: table.name, column: name)
            }
            if value.isNull {
                sql.append(" AND \(quoted(name)) IS NULL")
                continue
            }
            guard column.accepts(value) else {
                throw StoreError.wrongValueType(table: table.name, column: name, expected: column.type.description, got: value.description)
            }
            sql.append(" AND \(quoted(name)) = ")
            sql.append(value: value)
        }
        return Int(try await executor.fetch(sql, types: [.integer]).first?.first?.int ?? 0)
    }

    func delete(_ table: ProjectionTable, key: RowKey, journalBlock: UInt64?) async throws {
        let pairs = try table.validated(key)
        try requireLeaseChain(key.chain)
        if let journalBlock {
            // Deleting a row that is not there changes nothing, so there is nothing to undo.
            guard try await row(table, key: key) != nil else { return }
            try await journal(table, key: key, block: journalBlock)
        }
        try await deleteRow(table, pairs)
    }

    func undo(chain: String, afterBlock: UInt64) async throws -> Int {
        try requireLeaseChain(chain)
        var select: BoundSQL = "SELECT sequence, table_name, row_key, previous_row FROM reorg_journal WHERE chain = "
        select.append(value: .text(chain))
        select.append(" AND block_number > ")
        select.append(value: Self.bound(afterBlock))
        select.append(" ORDER BY sequence DESC")
        let entries = try await executor.fetch(select, types: [.integer, .text, .text, .json])
        for entry in entries {
            guard case let .int(sequence) = entry[0], case let .text(tableName) = entry[1], case let .text(keyText) = entry[2] else {
                throw StoreError.corruptRow(table: "reorg_journal", reason: "NULL in a NOT NULL column")
            }
            guard let table = ProjectionTable(rawValue: tableName) else {
                throw StoreError.invalidJournalEntry(sequence: sequence, reason: "unknown table \(tableName)")
            }
            let key = try JournalImage.decodeKey(keyText, table: table, sequence: sequence)
            if case let .text(image) = entry[3] {
                let previous = try JournalImage.decodeRow(image, table: table, sequence: sequence)
                try await write(try previous.validatedColumns(), into: table)
            } else {
                try await deleteRow(table, try table.validated(key))
            }
        }
        var delete: BoundSQL = "DELETE FROM reorg_journal WHERE chain = "
        delete.append(value: .text(chain))
        delete.append(" AND block_number > ")
        delete.append(value: Self.bound(afterBlock))
        try await executor.execute(delete)
        return entries.count
    }

    func journalFloor(chain: String) async throws -> UInt64? {
        var sql: BoundSQL = "SELECT MIN(block_number) FROM reorg_journal WHERE chain = "
        sql.append(value: .text(chain))
        return try await fetchBlock(sql, table: "reorg_journal")
    }

    func clearProjections(chain: String) async throws {
        try requireLeaseChain(chain)
        for table in ProjectionTable.allCases.map(\.name) + ["reorg_journal"] {
            var sql = BoundSQL("DELETE FROM \(quoted(table)) WHERE chain = ")
            sql.append(value: .text(chain))
            try await executor.execute(sql)
        }
    }

    // MARK: Helpers

    /// Records the row's current image (or its absence) before a change in `block`.
    private func journal(_ table: ProjectionTable, key: RowKey, block: UInt64) async throws {
        let previous = try await row(table, key: key)
        var sql: BoundSQL = "INSERT INTO reorg_journal (chain, block_number, table_name, row_key, previous_row) VALUES ("
        sql.append(values: [
            .text(chain), try StoreValue(block), .text(table.name),
            .text(try JournalImage.encode(key: key)), StoreValue(try previous.map(JournalImage.encode(row:))),
        ])
        sql.append(")")
        try await executor.execute(sql)
    }

    /// Inserts the row or updates the given columns of the existing one.
    /// A complete row is one `INSERT … ON CONFLICT DO UPDATE`; a partial
    /// one cannot be (both engines check NOT NULL on the proposed insert
    /// before resolving the conflict), so it is `UPDATE … RETURNING`, then
    /// an INSERT only when no row was there.
    private func write(_ columns: [(column: ProjectionColumn, value: StoreValue)], into table: ProjectionTable) async throws {
        let names = columns.map(\.column.name)
        let keys = columns.filter { table.keyColumns.contains($0.column.name) }
        let updates = columns.filter { !table.keyColumns.contains($0.column.name) }
        let complete = table.columns.allSatisfy { names.contains($0.name) }
        if !complete, !updates.isEmpty {
            var update = BoundSQL("UPDATE \(quoted(table.name)) SET ")
            for (index, pair) in updates.enumerated() {
                update.append((index == 0 ? "" : ", ") + "\(quoted(pair.column.name)) = ")
                update.append(value: pair.value)
            }
            update.append(" WHERE ")
            update.appendConditions(keys)
            update.append(" RETURNING 1")
            guard try await executor.fetch(update, types: [.integer]).isEmpty else { return }
        }
        var insert = BoundSQL("INSERT INTO \(quoted(table.name)) (\(names.map(quoted).joined(separator: ", "))) VALUES (")
        insert.append(values: columns.map(\.value))
        insert.append(") ON CONFLICT (\(table.keyColumns.map(quoted).joined(separator: ", "))) ")
        if updates.isEmpty || !complete {
            insert.append("DO NOTHING")
        } else {
            insert.append("DO UPDATE SET " + updates.map { "\(quoted($0.column.name)) = excluded.\(quoted($0.column.name))" }.joined(separator: ", "))
        }
        try await executor.execute(insert)
    }

    private func deleteRow(_ table: ProjectionTable, _ pairs: [(column: ProjectionColumn, value: StoreValue)]) async throws {
        var sql = BoundSQL()
        sql.append("DELETE FROM \(quoted(table.name)) WHERE ")
        sql.appendConditions(pairs)
        try await executor.execute(sql)
    }
}
