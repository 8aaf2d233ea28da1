/// What the indexer needs from the database: migrations, its state, a
/// single-writer lease with a fencing epoch, and one transaction per batch.
/// Both backends conform (``PostgresStore``, ``SQLiteStore``); the SQL lives
/// only in them.
///
/// ```swift
/// try await store.migrate()
/// let lease = try await store.acquireLease(chain: "dev", wait: .seconds(30))
/// try await store.write(lease) { tx in
///     try await tx.insertEvents(events)
///     try await tx.upsert(row, journalBlock: 12)
///     try await tx.setCheckpoint(block: 12, hash: "0xab…")
/// }                                   // commits; a throw rolls everything back
/// ```
public protocol IndexerStore: Sendable {
    /// Applies the migrations this binary knows and the database lacks, each
    /// in its own transaction. Idempotent; throws ``StoreError/schemaTooNew(unknownVersions:latestKnown:)``
    /// when the database was migrated by a newer release.
    func migrate() async throws

    /// The `indexer_state` row of `chain`; nil before the first lease was taken.
    func state(chain: String) async throws -> IndexerState?

    /// Exactly one writer per chain. Takes the lease (PostgreSQL: `pg_advisory_lock`
    /// on a dedicated connection, held until ``IndexerLease/release()``; SQLite:
    /// an exclusive lock on a file beside the database), polling while another
    /// process holds it, for at most `wait` (then ``StoreError/leaseTimeout(chain:waited:)``).
    /// Increments `indexer_state.epoch` and returns it in the lease.
    func acquireLease(chain: String, wait: Duration) async throws -> IndexerLease

    /// One database transaction. First checks `indexer_state.epoch == lease.epoch`
    /// (else ``StoreError/fenced(chain:leaseEpoch:currentEpoch:)``) and that the
    /// lease is still held (else ``StoreError/leaseLost(chain:reason:)``);
    /// commits when `body` returns, rolls back when it throws.
    func write<T: Sendable>(_ lease: IndexerLease, _ body: (any IndexerTransaction) async throws -> T) async throws -> T
}

/// The operations of one batch, valid only inside ``IndexerStore/write(_:_:)``.
/// Writes are refused for chains other than the lease's
/// (``StoreError/chainMismatch(lease:requested:)``).
///
/// ```swift
/// try await store.write(lease) { tx in
///     if let previous = try await tx.row(.skills, key: ["dev", 7]) { … }
///     try await tx.upsert(ProjectionRow(.skills, ["chain": "dev", "id": 7, "verified": true, "last_block": 15]), journalBlock: 15)
/// }
/// ```
public protocol IndexerTransaction {
    /// The lease chain's checkpoint; nil before the first one. `hash` is empty
    /// when an operator moved the block by hand (the hash of that block is unknown).
    func checkpoint() async throws -> (block: UInt64, hash: String)?
    func setCheckpoint(block: UInt64, hash: String) async throws
    func setLastError(_ message: String?) async throws

    /// Bulk insert; an event already stored (same chain, tx hash, log index) is
    /// skipped. PostgreSQL: COPY into a temporary table, then INSERT … SELECT … ON CONFLICT DO NOTHING.
    func insertEvents(_ events: [ChainEventRecord]) async throws
    /// Ordered by block number, then log index; both bounds inclusive.
    func events(chain: String, fromBlock: UInt64, toBlock: UInt64) async throws -> [ChainEventRecord]
    func deleteEvents(chain: String, afterBlock: UInt64) async throws
    func maxEventBlock(chain: String) async throws -> UInt64?

    /// Inserts or replaces the hashes of these blocks.
    func saveBlockHashes(_ blocks: [BlockHashRecord]) async throws
    func blockHash(chain: String, number: UInt64) async throws -> BlockHashRecord?
    func deleteBlockHashes(chain: String, afterBlock: UInt64) async throws
    /// Forgets `block_hashes` and `reorg_journal` entries below `block` (they are final).
    func pruneBelow(chain: String, block: UInt64) async throws

    /// The whole row (every column of its table), or nil.
    func row(_ table: ProjectionTable, key: RowKey) async throws -> ProjectionRow?
    /// Whether the row exists: ``row(_:key:)`` `!= nil`, without making the
    /// store take a pending count of it (``updateCount(_:key:column:counting:where:values:journalBlock:)``).
    func exists(_ table: ProjectionTable, key: RowKey) async throws -> Bool
    /// Reads the rows of `table` with these keys that the transaction does
    /// not know yet, in bulk, so later ``row(_:key:)`` and ``exists(_:key:)``
    /// calls about them need no query. Only a hint: no result changes. The
    /// indexer calls it before ``insertEvents(_:)``, whose background COPY
    /// any later query waits for.
    func prefetch(_ table: ProjectionTable, keys: [RowKey]) async throws
    /// Inserts the row, or updates the columns it names (others keep their
    /// values). With `journalBlock`, first records the previous image (or its
    /// absence) in `reorg_journal` so ``undo(chain:afterBlock:)`` can restore it exactly.
    func upsert(_ row: ProjectionRow, journalBlock: UInt64?) async throws
    /// How many rows of `table` on `chain` have exactly these values (`.null`
    /// matches NULL); columns are checked like a row's.
    func count(_ table: ProjectionTable, chain: String, where conditions: [String: StoreValue]) async throws -> Int
    /// A derived counter: if the row `key` of `table` exists, sets `values`
    /// on it and `column` to the number of `counted` rows on the key's chain
    /// with exactly these values (as ``count(_:chain:where:)``); an absent
    /// row stays absent. Outside journaled blocks the number may be taken
    /// later — at the row's next read, before a journal entry or a count
    /// about its table, at the latest before COMMIT — so it then includes
    /// later changes of this transaction: callers recount after every change
    /// that can move it. That lets a backend count many rows in one query.
    func updateCount(
        _ table: ProjectionTable, key: RowKey, column: String, counting counted: ProjectionTable,
        where conditions: [String: StoreValue], values: [String: StoreValue], journalBlock: UInt64?
    ) async throws
    /// Deletes the row if present; journaled like ``upsert(_:journalBlock:)``.
    func delete(_ table: ProjectionTable, key: RowKey, journalBlock: UInt64?) async throws
    /// Replays the journal entries of blocks > `afterBlock` newest first, then
    /// deletes them; returns how many were replayed.
    func undo(chain: String, afterBlock: UInt64) async throws -> Int
    /// The lowest block still journaled, nil when the journal is empty.
    func journalFloor(chain: String) async throws -> UInt64?
    /// Empties every projection table and the reorg journal of `chain`, for a
    /// rebuild from `chain_events`.
    func clearProjections(chain: String) async throws
}

extension IndexerTransaction {
    /// No prefetching: every row is read when first asked for.
    public func prefetch(_ table: ProjectionTable, keys: [RowKey]) async throws {}
}

/// A store the process runs: the indexer's API plus health and lifecycle.
/// ``TakumiDatabase/open(url:sqlitePath:logger:)`` picks the backend.
///
/// ```swift
/// let database = try await TakumiDatabase.open(url: env["DATABASE_URL"], sqlitePath: ".takumi/takumi.sqlite", logger: logger)
/// async let running: Void = database.run()      // or a ServiceLifecycle service around it
/// try await database.migrate()
/// print(try await database.check())
/// ```
public protocol DatabaseStore: IndexerStore {
    var backend: DatabaseBackend { get }
    /// Connects (or opens the file), runs `SELECT 1`, and reports latency and version.
    func check() async throws -> DatabaseHealth
    /// The store's background work, until the calling task is cancelled
    /// (PostgreSQL: the connection pool, which also stops on a ServiceLifecycle
    /// graceful shutdown; SQLite: nothing but waiting). On return, open leases
    /// are released and connections closed. Queries need it running
    /// (PostgreSQL); call it once. In a ServiceLifecycle `Service`:
    /// `await cancelWhenGracefulShutdown { await database.run() }`.
    func run() async
    /// Read-only queries for the HTTP API, outside batch transactions.
    func reader() -> ProjectionReader
    /// Sessions, API keys and the audit log, for the HTTP API's auth.
    func access() -> AccessStore
}
