/// The projection rows one batch transaction has read or written, and the
/// journal entries it has not written yet.
///
/// The projector reads and writes one row at a time, several times per
/// event; as SQL that is a database round trip each, and round trips, not
/// the database's work, bounded indexing speed. With this cache a row is
/// read from the database at most once per transaction, every later read and
/// write is a memory operation, and the final images go back in bulk
/// (``SQLTransaction/flush()``): before any statement that reads the tables
/// as a whole (counts it cannot answer, undo, clearing, journal queries) and
/// before COMMIT. Within a transaction the store is the only writer (the
/// leader lease), so a cached image is the row's true current value.
///
/// An image is the whole row (every column), as ``IndexerTransaction/row(_:key:)``
/// returns it; nil means the row does not exist.
final class RowCache {
    struct Entry {
        var image: ProjectionRow?
        /// Changed since it was read or last flushed.
        var dirty: Bool
    }

    /// A `reorg_journal` row to insert, in the order the changes happened.
    struct JournalEntry {
        var block: UInt64
        var table: ProjectionTable
        var key: String
        var previous: String?
    }

    /// Every row of `table` on `chain` whose `column` equals `value` is cached.
    struct Slice: Hashable {
        var table: ProjectionTable
        var chain: String
        var column: String
        var value: StoreValue
    }

    /// A derived column whose value is counted when it is needed
    /// (``SQLTransaction/updateCount(_:key:column:counting:where:values:journalBlock:)``).
    struct PendingCount {
        var column: String
        var counted: ProjectionTable
        var chain: String
        var conditions: [(column: ProjectionColumn, value: StoreValue)]
    }

    private(set) var entries: [ProjectionTable: [RowKey: Entry]] = [:]
    private(set) var pending: [ProjectionTable: [RowKey: PendingCount]] = [:]
    private(set) var dirtyKeys: [ProjectionTable: Set<RowKey>] = [:]
    var journal: [JournalEntry] = []
    private(set) var slices: Set<Slice> = []
    /// For each column some slice was loaded on: value → keys of the cached
    /// rows holding it, so a count reads only the rows that can match.
    private var indexes: [ProjectionTable: [String: [StoreValue: Set<RowKey>]]] = [:]

    func entry(_ table: ProjectionTable, _ key: RowKey) -> Entry? {
        entries[table]?[key]
    }

    func hasDirtyRows(_ table: ProjectionTable) -> Bool {
        !(dirtyKeys[table]?.isEmpty ?? true)
    }

    func pendingCount(_ table: ProjectionTable, _ key: RowKey) -> PendingCount? {
        pending[table]?[key]
    }

    func hasPendingCounts(_ table: ProjectionTable) -> Bool {
        !(pending[table]?.isEmpty ?? true)
    }

    func setPending(_ table: ProjectionTable, _ key: RowKey, _ count: PendingCount?) {
        pending[table, default: [:]][key] = count
    }

    /// Pending counts of one table, or of all; removed from the cache.
    func takePending(_ table: ProjectionTable? = nil) -> [(table: ProjectionTable, key: RowKey, count: PendingCount)] {
        let tables = table.map { [$0] } ?? Array(pending.keys)
        var taken: [(table: ProjectionTable, key: RowKey, count: PendingCount)] = []
        for table in tables {
            for (key, count) in pending.removeValue(forKey: table) ?? [:] { taken.append((table, key, count)) }
        }
        return taken
    }

    /// Records the row's current image (nil: absent).
    func set(_ table: ProjectionTable, _ key: RowKey, image: ProjectionRow?, dirty: Bool) {
        let old = entries[table]?[key]
        if let columns = indexes[table] {
            for (column, _) in columns {
                let before = old?.image?[column]
                let after = image?[column]
                guard before != after else { continue }
                if let before { indexes[table]?[column]?[before]?.remove(key) }
                if let after { indexes[table]?[column]?[after, default: []].insert(key) }
            }
        }
        let isDirty = dirty || (old?.dirty ?? false)
        entries[table, default: [:]][key] = Entry(image: image, dirty: isDirty)
        if isDirty { dirtyKeys[table, default: []].insert(key) }
    }

    /// Caches a row read from the database unless the cache already knows it
    /// (then the cached image is the newer one).
    func learn(_ table: ProjectionTable, _ key: RowKey, image: ProjectionRow?) {
        if entries[table]?[key] == nil { set(table, key, image: image, dirty: false) }
    }

    /// The dirty rows of `table`, marked clean.
    func takeDirty(_ table: ProjectionTable) -> [(key: RowKey, image: ProjectionRow?)] {
        guard let keys = dirtyKeys.removeValue(forKey: table) else { return [] }
        return keys.compactMap { key in
            guard var entry = entries[table]?[key] else { return nil }
            entry.dirty = false
            entries[table]?[key] = entry
            return (key, entry.image)
        }
    }

    func takeJournal() -> [JournalEntry] {
        defer { journal = [] }
        return journal
    }

    func isLoaded(_ slice: Slice) -> Bool { slices.contains(slice) }

    /// Starts indexing `column` of `table` (over every cached row) and notes
    /// the slice as loaded; the caller has just cached its rows.
    func markLoaded(_ slice: Slice) {
        if indexes[slice.table]?[slice.column] == nil {
            var index: [StoreValue: Set<RowKey>] = [:]
            for (key, entry) in entries[slice.table] ?? [:] {
                if let value = entry.image?[slice.column] { index[value, default: []].insert(key) }
            }
            indexes[slice.table, default: [:]][slice.column] = index
        }
        slices.insert(slice)
    }

    /// Cached rows of the slice's table whose slice column holds the slice's value.
    func keys(in slice: Slice) -> Set<RowKey> {
        indexes[slice.table]?[slice.column]?[slice.value] ?? []
    }

    /// Forgets everything (after a statement changed the tables behind the
    /// cache's back); callers flush first, which resolves pending counts.
    func clear() {
        entries = [:]
        dirtyKeys = [:]
        slices = []
        indexes = [:]
    }

    /// Forgets one table's rows (callers flush the table and resolve its pending counts first).
    func forget(_ table: ProjectionTable) {
        entries[table] = nil
        dirtyKeys[table] = nil
        indexes[table] = nil
        slices = slices.filter { $0.table != table }
    }
}
