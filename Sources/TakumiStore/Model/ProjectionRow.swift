/// A row of a projection table as column name → value. Built by the
/// indexer, checked against ``ProjectionTable`` before any SQL is made:
/// unknown columns, missing key columns and wrongly typed values are
/// rejected with a ``StoreError``.
///
/// ```swift
/// let row = ProjectionRow(.skills, [
///     "chain": "dev", "id": 7, "owner": "0x7099…79c8", "name": "Swift", "category": "language",
///     "verified": false, "removed": false, "created_block": 12, "last_block": 12,
/// ])
/// try await tx.upsert(row, journalBlock: 12)
/// ```
public struct ProjectionRow: Sendable, Hashable {
    public var table: ProjectionTable
    public var values: [String: StoreValue]

    public init(_ table: ProjectionTable, _ values: [String: StoreValue]) {
        self.table = table
        self.values = values
    }

    public subscript(column: String) -> StoreValue? {
        get { values[column] }
        set { values[column] = newValue }
    }

    /// The key values in ``ProjectionTable/keyColumns`` order.
    public func key() throws(StoreError) -> RowKey {
        var keyValues: [StoreValue] = []
        for name in table.keyColumns {
            guard let value = values[name], !value.isNull else {
                throw .missingKeyColumn(table: table.name, column: name)
            }
            keyValues.append(value)
        }
        return RowKey(keyValues)
    }

    /// The row's columns in schema order, each checked against its type.
    func validatedColumns() throws(StoreError) -> [(column: ProjectionColumn, value: StoreValue)] {
        try validated().columns
    }

    /// ``validatedColumns()`` and the row's ``key()``, which the check computes anyway.
    func validated() throws(StoreError) -> (columns: [(column: ProjectionColumn, value: StoreValue)], key: RowKey) {
        // One lookup per schema column; a name the schema lacks shows as a
        // count mismatch (looked for only then, it is never the indexer's case).
        var result: [(column: ProjectionColumn, value: StoreValue)] = []
        result.reserveCapacity(values.count)
        for column in table.columns {
            guard let value = values[column.name] else { continue }
            result.append((column, value))
        }
        if result.count != values.count {
            for name in values.keys.sorted() where table.column(named: name) == nil {
                throw .unknownColumn(table: table.name, column: name)
            }
        }
        let key = try key()
        for (column, value) in result where !column.accepts(value) {
            throw .wrongValueType(table: table.name, column: column.name, expected: column.type.description, got: value.description)
        }
        return (result, key)
    }
}

extension ProjectionTable {
    /// The key columns paired with `key`'s values, checked.
    func validated(_ key: RowKey) throws(StoreError) -> [(column: ProjectionColumn, value: StoreValue)] {
        guard key.values.count == keyColumns.count else {
            throw .keyArity(table: name, expected: keyColumns.count, got: key.values.count)
        }
        var pairs: [(column: ProjectionColumn, value: StoreValue)] = []
        for (name, value) in zip(keyColumns, key.values) {
            guard let column = column(named: name) else { throw .unknownColumn(table: self.name, column: name) }
            guard !value.isNull, column.accepts(value) else {
                throw .wrongValueType(table: self.name, column: name, expected: column.type.description, got: value.description)
            }
            pairs.append((column, value))
        }
        return pairs
    }
}
