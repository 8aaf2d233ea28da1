/// The generic projection rows and their reorg journal, for both backends.
extension SQLTransaction {
    func row(_ table: ProjectionTable, key: RowKey) async throws -> ProjectionRow? {
        let pairs = try table.validated(key)
        if cache.pendingCount(table, key) != nil { try await resolveCounts(of: [(table, key)]) }
        if let entry = cache.entry(table, key) { return entry.image }
        let image = try await fetchRow(table, pairs)
        cache.learn(table, key, image: image)
        return image
    }

    func exists(_ table: ProjectionTable, key: RowKey) async throws -> Bool {
        _ = try table.validated(key)
        if let entry = cache.entry(table, key) { return entry.image != nil }
        return try await row(table, key: key) != nil
    }

    /// One query per statement-sized chunk for tables keyed by chain and one
    /// column (every table but `role_members`, whose rows are then read one
    /// by one as before); rows not found are cached as absent, as ``row(_:key:)`` does.
    func prefetch(_ table: ProjectionTable, keys: [RowKey]) async throws {
        guard table.keyColumns.count == 2, let keyColumn = table.column(named: table.keyColumns[1]) else { return }
        var wanted: [RowKey] = []
        var seen = Set<RowKey>()
        for key in keys where key.chain == chain && cache.entry(table, key) == nil && seen.insert(key).inserted {
            _ = try table.validated(key)
            wanted.append(key)
        }
        guard !wanted.isEmpty else { return }
        let names = table.columns.map(\.name)
        let perStatement = Self.rowsPerStatement(columns: 1)
        for start in stride(from: 0, to: wanted.count, by: perStatement) {
            var sql = BoundSQL("SELECT \(names.map(quoted).joined(separator: ", ")) FROM \(quoted(table.name)) WHERE \(quoted("chain")) = ")
            sql.append(value: .text(chain))
            sql.append(" AND \(quoted(keyColumn.name)) IN (")
            sql.append(values: wanted[start..<min(start + perStatement, wanted.count)].map { $0.values[1] })
            sql.append(")")
            for values in try await executor.fetch(sql, types: table.columns.map(\.type)) {
                let image = ProjectionRow(table, Dictionary(uniqueKeysWithValues: zip(names, values)))
                cache.learn(table, try image.key(), image: image)
            }
        }
        for key in wanted { cache.learn(table, key, image: nil) }
    }

    /// Applied to the cached image; written back at the next flush. The
    /// previous image is read from the database only when the cache does not
    /// know it and it matters (a journal entry, or a partial row to merge).
    func upsert(_ row: ProjectionRow, journalBlock: UInt64?) async throws {
        let (columns, key) = try row.validated()
        try requireLeaseChain(key.chain)
        let table = row.table
        let complete = columns.count == table.columns.count
        if let pending = cache.pendingCount(table, key) {
            if journalBlock != nil {
                // The journal must hold the row as it is, counted.
                try await resolveCounts(of: [(table, key)])
            } else if row[pending.column] != nil {
                // Set explicitly after the count was asked for: the later value wins.
                cache.setPending(table, key, nil)
            }
        }
        var previous = cache.entry(table, key).map(\.image)
        if previous == nil, journalBlock != nil || !complete {
            previous = .some(try await self.row(table, key: key))
        }
        if let journalBlock {
            cache.journal.append(.init(
                block: journalBlock, table: table, key: try JournalImage.encode(key: key),
                previous: try (previous ?? nil).map(JournalImage.encode(row:))
            ))
        }
        if complete {
            cache.set(table, key, image: row, dirty: true)
        } else if case let .some(.some(existing)) = previous {
            var merged = existing
            for (column, value) in columns { merged[column.name] = value }
            cache.set(table, key, image: merged, dirty: true)
        } else {
            // Some columns of a row that does not exist: only the database
            // knows the other columns' defaults (or refuses the row), so this
            // one goes straight to SQL. The projector never does it.
            try await resolveAllCounts(in: table)
            try await flush(table)
            try await write(columns, into: table)
            cache.forget(table)
        }
    }

    func count(_ table: ProjectionTable, chain: String, where conditions: [String: StoreValue]) async throws -> Int {
        var checked: [(column: ProjectionColumn, value: StoreValue)] = []
        for name in conditions.keys.sorted() {
            guard let column = table.column(named: name), let value = conditions[name] else {
                throw StoreError.unknownColumn(table: table.name, column: name)
            }
            guard value.isNull || column.accepts(value) else {
                throw StoreError.wrongValueType(table: table.name, column: name, expected: column.type.description, got: value.description)
            }
            checked.append((column, value))
        }
        if cache.hasPendingCounts(table) { try await resolveAllCounts(in: table) }
        // A selective condition (an owner, an id; not a flag, not NULL) lets
        // the cache answer: every row with that value is loaded once, then
        // counted in memory together with this transaction's changes.
        if let selective = checked.first(where: { !$0.value.isNull && $0.column.type != .boolean }) {
            let slice = RowCache.Slice(table: table, chain: chain, column: selective.column.name, value: selective.value)
            try await load([slice])
            return countCached(slice, checked)
        }
        try await flush(table)
        var sql = BoundSQL("SELECT COUNT(*) FROM \(quoted(table.name)) WHERE \(quoted("chain")) = ")
        sql.append(value: .text(chain))
        for (column, value) in checked {
            if value.isNull {
                sql.append(" AND \(quoted(column.name)) IS NULL")
            } else {
                sql.append(" AND \(quoted(column.name)) = ")
                sql.append(value: value)
            }
        }
        return Int(try await executor.fetch(sql, types: [.integer]).first?.first?.int ?? 0)
    }

    func delete(_ table: ProjectionTable, key: RowKey, journalBlock: UInt64?) async throws {
        _ = try table.validated(key)
        try requireLeaseChain(key.chain)
        if journalBlock != nil {
            // The journal must hold the row as it is, counted.
            try await resolveCounts(of: [(table, key)])
        } else {
            cache.setPending(table, key, nil)
        }
        if let journalBlock {
            // Deleting a row that is not there changes nothing, so there is nothing to undo.
            guard let previous = try await row(table, key: key) else { return }
            cache.journal.append(.init(
                block: journalBlock, table: table, key: try JournalImage.encode(key: key), previous: try JournalImage.encode(row: previous)
            ))
        }
        cache.set(table, key, image: nil, dirty: true)
    }

    /// The row gets `values` now; `column` is counted when needed: at the
    /// row's next read, before a journal entry about it, before a count over
    /// its table, at the end of the transaction. Pending counts are then
    /// taken together, with one query per counted table for all the rows
    /// they range over, instead of one query per event. In a journaled block
    /// the count is taken at once.
    func updateCount(
        _ table: ProjectionTable, key: RowKey, column: String, counting counted: ProjectionTable,
        where conditions: [String: StoreValue], values: [String: StoreValue], journalBlock: UInt64?
    ) async throws {
        _ = try table.validated(key)
        guard let target = table.column(named: column), target.type == .integer else {
            throw StoreError.unknownColumn(table: table.name, column: column)
        }
        try requireLeaseChain(key.chain)
        var checked: [(column: ProjectionColumn, value: StoreValue)] = []
        for name in conditions.keys.sorted() {
            guard let condition = counted.column(named: name), let value = conditions[name] else {
                throw StoreError.unknownColumn(table: counted.name, column: name)
            }
            guard value.isNull || condition.accepts(value) else {
                throw StoreError.wrongValueType(table: counted.name, column: name, expected: condition.type.description, got: value.description)
            }
            checked.append((condition, value))
        }
        guard try await exists(table, key: key) else { return }
        var row = ProjectionRow(table, values)
        for (name, value) in zip(table.keyColumns, key.values) { row[name] = value }
        guard let chain = key.chain else { throw StoreError.missingKeyColumn(table: table.name, column: "chain") }
        if journalBlock != nil {
            row[column] = .int(Int64(try await count(counted, chain: chain, where: conditions)))
            try await upsert(row, journalBlock: journalBlock)
            return
        }
        // The cached value stays until the count replaces it (a partial row keeps it).
        try await upsert(row, journalBlock: nil)
        cache.setPending(table, key, .init(column: column, counted: counted, chain: chain, conditions: checked))
    }

    /// Takes the pending counts of these rows, if they have any.
    func resolveCounts(of rows: [(ProjectionTable, RowKey)]) async throws {
        var work: [(table: ProjectionTable, key: RowKey, count: RowCache.PendingCount)] = []
        for (table, key) in rows {
            guard let count = cache.pendingCount(table, key) else { continue }
            cache.setPending(table, key, nil)
            work.append((table, key, count))
        }
        try await resolve(work)
    }

    /// Takes every pending count of `table` (nil: of every table).
    func resolveAllCounts(in table: ProjectionTable? = nil) async throws {
        try await resolve(cache.takePending(table))
    }

    /// Loads what the counts range over, one query per counted table and
    /// column, then counts in memory and writes the numbers into the images.
    private func resolve(_ work: [(table: ProjectionTable, key: RowKey, count: RowCache.PendingCount)]) async throws {
        guard !work.isEmpty else { return }
        let slices = work.compactMap { item in
            Self.selective(item.count.conditions).map {
                RowCache.Slice(table: item.count.counted, chain: item.count.chain, column: $0.column.name, value: $0.value)
            }
        }
        try await load(slices)
        for item in work {
            let number: Int
            if let selective = Self.selective(item.count.conditions) {
                let slice = RowCache.Slice(table: item.count.counted, chain: item.count.chain, column: selective.column.name, value: selective.value)
                number = countCached(slice, item.count.conditions)
            } else {
                var conditions: [String: StoreValue] = [:]
                for (column, value) in item.count.conditions { conditions[column.name] = value }
                number = try await count(item.count.counted, chain: item.count.chain, where: conditions)
            }
            guard var image = cache.entry(item.table, item.key)?.image else { continue }
            image[item.count.column] = .int(Int64(number))
            cache.set(item.table, item.key, image: image, dirty: true)
        }
    }

    /// The condition that makes a slice: a value that picks few rows (an
    /// owner, an id), not a flag and not NULL.
    static func selective(_ conditions: [(column: ProjectionColumn, value: StoreValue)]) -> (column: ProjectionColumn, value: StoreValue)? {
        conditions.first { !$0.value.isNull && $0.column.type != .boolean }
    }

    /// Rows of a loaded slice that match every condition.
    private func countCached(_ slice: RowCache.Slice, _ conditions: [(column: ProjectionColumn, value: StoreValue)]) -> Int {
        cache.keys(in: slice).reduce(0) { total, key in
            guard let image = cache.entry(slice.table, key)?.image, image["chain"] == .text(slice.chain),
                  conditions.allSatisfy({ image[$0.column.name] == $0.value })
            else { return total }
            return total + 1
        }
    }

    func undo(chain: String, afterBlock: UInt64) async throws -> Int {
        try requireLeaseChain(chain)
        // The journal is replayed with SQL: the cache's changes go first and
        // its images are stale afterwards.
        try await flush()
        cache.clear()
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
        try await flushJournal()
        var sql: BoundSQL = "SELECT MIN(block_number) FROM reorg_journal WHERE chain = "
        sql.append(value: .text(chain))
        return try await fetchBlock(sql, table: "reorg_journal")
    }

    func clearProjections(chain: String) async throws {
        try requireLeaseChain(chain)
        try await flush()
        cache.clear()
        for table in ProjectionTable.allCases.map(\.name) + ["reorg_journal"] {
            var sql = BoundSQL("DELETE FROM \(quoted(table)) WHERE chain = ")
            sql.append(value: .text(chain))
            try await executor.execute(sql)
        }
    }

    // MARK: Helpers

    /// One row straight from the database.
    private func fetchRow(_ table: ProjectionTable, _ pairs: [(column: ProjectionColumn, value: StoreValue)]) async throws -> ProjectionRow? {
        var sql = BoundSQL()
        sql.append("SELECT \(table.columns.map { quoted($0.name) }.joined(separator: ", ")) FROM \(quoted(table.name)) WHERE ")
        sql.appendConditions(pairs)
        guard let values = try await executor.fetch(sql, types: table.columns.map(\.type)).first else { return nil }
        return ProjectionRow(table, Dictionary(uniqueKeysWithValues: zip(table.columns.map(\.name), values)))
    }

    /// Caches every row of these slices (one query per table, chain and
    /// column); rows the cache knows keep their cached image.
    private func load(_ slices: [RowCache.Slice]) async throws {
        let missing = Set(slices.filter { !cache.isLoaded($0) })
        let groups = Dictionary(grouping: missing) { [$0.table.name, $0.chain, $0.column] }
        for group in groups.values {
            guard let first = group.first else { continue }
            let table = first.table
            let names = table.columns.map(\.name)
            let values = group.map(\.value)
            let perStatement = Self.rowsPerStatement(columns: 1)
            for start in stride(from: 0, to: values.count, by: perStatement) {
                var sql = BoundSQL("SELECT \(names.map(quoted).joined(separator: ", ")) FROM \(quoted(table.name)) WHERE \(quoted("chain")) = ")
                sql.append(value: .text(first.chain))
                sql.append(" AND \(quoted(first.column)) IN (")
                sql.append(values: Array(values[start..<min(start + perStatement, values.count)]))
                sql.append(")")
                for row in try await executor.fetch(sql, types: table.columns.map(\.type)) {
                    let image = ProjectionRow(table, Dictionary(uniqueKeysWithValues: zip(names, row)))
                    cache.learn(table, try image.key(), image: image)
                }
            }
            for slice in group { cache.markLoaded(slice) }
        }
    }

    /// Writes every cached change back: journal entries in order, then each
    /// table's changed rows in bulk. ``IndexerStore/write(_:_:)`` calls it
    /// before COMMIT; statements that read the tables as a whole call it first.
    func flush() async throws {
        try await resolveAllCounts()
        try await flushJournal()
        for table in ProjectionTable.allCases { try await flush(table) }
    }

    func flushJournal() async throws {
        let entries = cache.takeJournal()
        // 5 binds a row: far below both engines' bind limits.
        for start in stride(from: 0, to: entries.count, by: Self.rowsPerStatement(columns: 5)) {
            var sql: BoundSQL = "INSERT INTO reorg_journal (chain, block_number, table_name, row_key, previous_row) VALUES "
            for (index, entry) in entries[start..<min(start + Self.rowsPerStatement(columns: 5), entries.count)].enumerated() {
                sql.append(index == 0 ? "(" : ", (")
                sql.append(values: [.text(chain), try StoreValue(entry.block), .text(entry.table.name), .text(entry.key), StoreValue(entry.previous)])
                sql.append(")")
            }
            try await executor.execute(sql)
        }
    }

    /// The changed rows of one table: deletes, then whole-row upserts.
    func flush(_ table: ProjectionTable) async throws {
        let changed = cache.takeDirty(table)
        guard !changed.isEmpty else { return }
        let keyCount = table.keyColumns.count
        let deleted = changed.filter { $0.image == nil }.map(\.key)
        for start in stride(from: 0, to: deleted.count, by: Self.rowsPerStatement(columns: keyCount)) {
            var sql = BoundSQL("DELETE FROM \(quoted(table.name)) WHERE (\(table.keyColumns.map(quoted).joined(separator: ", "))) IN (")
            for (index, key) in deleted[start..<min(start + Self.rowsPerStatement(columns: keyCount), deleted.count)].enumerated() {
                sql.append(index == 0 ? "(" : ", (")
                sql.append(values: key.values)
                sql.append(")")
            }
            sql.append(")")
            try await executor.execute(sql)
        }
        let images = changed.compactMap(\.image)
        guard !images.isEmpty else { return }
        try await executor.upsertRows(table, images.map { image in table.columns.map { image[$0.name] ?? .null } })
    }

    /// Rows per multi-row statement: at most ~30,000 binds (SQLite allows
    /// 32,766, PostgreSQL 65,535).
    static func rowsPerStatement(columns: Int) -> Int { max(1, 30_000 / max(1, columns)) }

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
