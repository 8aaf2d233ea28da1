import Foundation
import GRDB
import Logging

/// The embedded store: one SQLite file (WAL mode, GRDB `DatabasePool`), the
/// default when `DATABASE_URL` is unset. Readers never see a batch before
/// it commits; writers go one at a time through a gate because a batch
/// transaction spans several accesses to the single writer connection.
///
/// ```swift
/// let store = try SQLiteStore(path: ".takumi/takumi.sqlite", logger: logger)
/// try await store.migrate()
/// let lease = try await store.acquireLease(chain: "dev", wait: .seconds(5))
/// ```
public final class SQLiteStore: DatabaseStore {
    public let path: String
    public var backend: DatabaseBackend { .sqlite }
    let pool: DatabasePool
    let gate = WriteGate()
    let logger: Logger
    private let leases = LockedValue<[SQLiteLeaseHandle]>([])

    /// Opens (or creates) the database file, creating its folders.
    public init(path: String, logger: Logger) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var configuration = Configuration()
        // A batch is one transaction spread over several writer accesses (see WriteGate).
        configuration.allowsUnsafeTransactions = true
        // Another process (an API replica, the CLI) may hold the write lock briefly.
        configuration.busyMode = .timeout(10)
        configuration.label = "takumi"
        self.path = path
        self.pool = try DatabasePool(path: path, configuration: configuration)
        self.logger = logger
    }

    var executor: SQLiteExecutor { SQLiteExecutor(pool: pool) }

    // MARK: Lifecycle and health

    public func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(3600))
        }
        for lease in leases.withLock({ leases in defer { leases = [] }; return leases }) {
            await lease.release()
        }
    }

    public func check() async throws -> DatabaseHealth {
        let start = ContinuousClock.now
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError.unavailable(location: path, reason: "the database file does not exist")
        }
        let version = try await pool.read { db in
            _ = try Int.fetchOne(db, sql: "SELECT 1")
            return try String.fetchOne(db, sql: "SELECT sqlite_version()") ?? "unknown"
        }
        return DatabaseHealth(backend: .sqlite, location: path, serverVersion: version, latency: ContinuousClock.now - start)
    }

    // MARK: IndexerStore

    public func migrate() async throws {
        try await migrate(Migrations.all)
    }

    func migrate(_ migrations: [Migration]) async throws {
        try await gate.pass {
            try await pool.writeWithoutTransaction { db in
                try db.execute(sql: """
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version INTEGER PRIMARY KEY,
                        name TEXT NOT NULL,
                        applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))
                    )
                    """)
                let applied = try Int.fetchAll(db, sql: "SELECT version FROM schema_migrations")
                for migration in try Migrations.pending(applied: applied, known: migrations) {
                    try db.inTransaction(.immediate) {
                        // Another process may have migrated since the first look.
                        let now = try Int.fetchAll(db, sql: "SELECT version FROM schema_migrations")
                        guard try Migrations.pending(applied: now, known: migrations).contains(migration) else { return .commit }
                        do {
                            try db.execute(sql: migration.sqlite)
                        } catch {
                            throw StoreError.migrationFailed(version: migration.version, name: migration.name, reason: "\(error)")
                        }
                        try db.execute(
                            sql: "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                            arguments: [migration.version, migration.name]
                        )
                        return .commit
                    }
                    self.logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                }
            }
        }
    }

    public func state(chain: String) async throws -> IndexerState? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT last_synced_block, last_synced_hash, updated_at, epoch, last_error FROM indexer_state WHERE chain = ?
                """, arguments: [chain])
            else { return nil }
            let block = try row.decode(Int64?.self, atIndex: 0)
            return IndexerState(
                chain: chain, lastSyncedBlock: block.flatMap(UInt64.init(exactly:)),
                lastSyncedHash: try row.decode(String?.self, atIndex: 1),
                updatedAt: try row.decode(Date?.self, atIndex: 2) ?? Date(timeIntervalSince1970: 0),
                epoch: try row.decode(Int64.self, atIndex: 3), lastError: try row.decode(String?.self, atIndex: 4)
            )
        }
    }

    public func acquireLease(chain: String, wait: Duration) async throws -> IndexerLease {
        let handle = try await SQLiteLeaseHandle.acquire(
            path: SQLiteLeaseHandle.lockPath(databasePath: path, chain: chain), chain: chain, wait: wait
        )
        do {
            let epoch = try await gate.pass {
                try await pool.write { db in
                    try db.execute(sql: """
                        INSERT INTO indexer_state (chain, epoch) VALUES (?, 1)
                        ON CONFLICT (chain) DO UPDATE SET epoch = epoch + 1
                        """, arguments: [chain])
                    return try Int64.fetchOne(db, sql: "SELECT epoch FROM indexer_state WHERE chain = ?", arguments: [chain]) ?? 0
                }
            }
            leases.withLock { leases in
                leases.removeAll { $0.lostReason != nil }
                leases.append(handle)
            }
            logger.info("indexer lease acquired", metadata: ["chain": "\(chain)", "epoch": "\(epoch)"])
            return IndexerLease(chain: chain, epoch: epoch, handle: handle)
        } catch {
            await handle.release()
            throw error
        }
    }

    public func write<T: Sendable>(_ lease: IndexerLease, _ body: (any IndexerTransaction) async throws -> T) async throws -> T {
        try await gate.pass {
            try await pool.writeWithoutTransaction { db in
                if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") }
                try db.execute(sql: "BEGIN IMMEDIATE")
            }
            do {
                try await verify(lease)
                let transaction = SQLTransaction(executor: executor, chain: lease.chain)
                let value = try await body(transaction)
                // The batch's cached projection changes, written in bulk.
                try await transaction.flush()
                try await pool.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }
                return value
            } catch {
                await rollback()
                throw error
            }
        }
    }

    // MARK: Helpers

    private func verify(_ lease: IndexerLease) async throws {
        var sql: BoundSQL = "SELECT epoch FROM indexer_state WHERE chain = "
        sql.append(value: .text(lease.chain))
        let current = try await executor.fetch(sql, types: [.integer]).first?.first?.int
        guard current == lease.epoch else {
            throw StoreError.fenced(chain: lease.chain, leaseEpoch: lease.epoch, currentEpoch: current)
        }
        guard lease.handle is SQLiteLeaseHandle else {
            throw StoreError.leaseLost(chain: lease.chain, reason: "the lease belongs to another store")
        }
        if let reason = lease.handle.lostReason {
            throw StoreError.leaseLost(chain: lease.chain, reason: reason)
        }
    }

    /// Rolls back even when the calling task was cancelled (GRDB refuses
    /// accesses from a cancelled task), so no transaction is left open.
    private func rollback() async {
        let pool = self.pool
        await Task {
            do {
                try await pool.writeWithoutTransaction { db in
                    if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") }
                }
            } catch {
                self.logger.error("rollback failed", metadata: ["error": "\(error)"])
            }
        }.value
    }
}
