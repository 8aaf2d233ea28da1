import Foundation
import Logging
import NIOPosix
import PostgresNIO

/// The production store: PostgreSQL through a PostgresNIO `PostgresClient`
/// (a connection pool that reconnects by itself), plus one dedicated
/// connection per indexer lease for its advisory lock.
///
/// ```swift
/// let store = PostgresStore(url: try PostgresURL(databaseURL), logger: logger)
/// try await withThrowingDiscardingTaskGroup { group in
///     group.addTask { await store.run() }       // the pool's background work
///     try await store.migrate()
///     …
///     group.cancelAll()                         // shuts the pool down, releases leases
/// }
/// ```
public final class PostgresStore: DatabaseStore {
    public let url: PostgresURL
    public var backend: DatabaseBackend { .postgresql }
    let client: PostgresClient
    let logger: Logger
    /// Profile reads, coalesced into one statement per round trip under load.
    let profileReads: ProfileReadShards
    let leases = LockedValue<[PostgresLeaseHandle]>([])
    private let connectionIDs = LockedValue(1_000_000)

    public init(url: PostgresURL, logger: Logger) {
        self.url = url
        self.logger = logger
        let client = PostgresClient(configuration: url.clientConfiguration, backgroundLogger: logger)
        self.client = client
        // One coalescer and one connection per event loop (ProfileReadShards):
        // a statement on the loop of the requests it answers crosses no thread
        // (`make bench`: 9.1k -> 12.6k profile reads/s on two cores). These
        // connections are the pool's neighbours, not part of it, so a
        // DATABASE_URL that limits the pool also limits them: at most half
        // its size (reads on the other loops take these shards in turn).
        let poolSize = url.maximumConnections ?? PostgresURL.defaultMaximumConnections
        self.profileReads = ProfileReadShards(
            eventLoops: Array(MultiThreadedEventLoopGroup.singleton.makeIterator().prefix(max(1, poolSize / 2))),
            configuration: url.connectionConfiguration, logger: logger, makeID: { [connectionIDs] in Self.next(connectionIDs) }
        )
    }

    /// Ids for the store's own connections, apart from the pool's.
    func nextConnectionID() -> Int { Self.next(connectionIDs) }

    private static func next(_ ids: LockedValue<Int>) -> Int {
        ids.withLock { id in
            id += 1
            return id
        }
    }

    // MARK: Lifecycle and health

    /// Runs the connection pool until cancelled (or a ServiceLifecycle
    /// graceful shutdown); then releases open leases. Call it once.
    public func run() async {
        await client.run()
        await profileReads.close()
        for lease in leases.withLock({ leases in defer { leases = [] }; return leases }) {
            await lease.release()
        }
    }

    /// The runbook's `pg_isready` + `SELECT 1`: a fresh connection (so a
    /// stale pool cannot hide an outage), `SELECT 1`, the server version.
    public func check() async throws -> DatabaseHealth {
        let start = ContinuousClock.now
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: url.connectionConfiguration, id: nextConnectionID(), logger: logger
            )
        } catch {
            throw StoreError.unavailable(location: url.description, reason: String(reflecting: error))
        }
        do {
            _ = try await connection.query("SELECT 1", logger: logger).collect()
            let version = try await connection.query("SELECT current_setting('server_version')", logger: logger)
                .collect().first?.decode(String.self) ?? "unknown"
            let latency = ContinuousClock.now - start
            try? await connection.close()
            return DatabaseHealth(backend: .postgresql, location: url.description, serverVersion: version, latency: latency)
        } catch {
            try? await connection.close()
            throw StoreError.unavailable(location: url.description, reason: String(reflecting: error))
        }
    }

    // MARK: IndexerStore

    public func state(chain: String) async throws -> IndexerState? {
        let rows = try await client.query("""
            SELECT last_synced_block, last_synced_hash, updated_at, epoch, last_error FROM indexer_state WHERE chain = \(chain)
            """, logger: logger).collect()
        guard let row = rows.first else { return nil }
        let (block, hash, updatedAt, epoch, lastError) = try row.decode((Int64?, String?, Date, Int64, String?).self)
        return IndexerState(
            chain: chain, lastSyncedBlock: block.flatMap(UInt64.init(exactly:)), lastSyncedHash: hash,
            updatedAt: updatedAt, epoch: epoch, lastError: lastError
        )
    }

    /// `BEGIN` on a pooled connection, checked open in the same turn of its
    /// event loop as the statement's write.
    ///
    /// Why: PostgresNIO writes a statement to its channel without a promise,
    /// so one written to a channel that has just closed is dropped and its
    /// await never ends, ignoring cancellation. After a PostgreSQL restart
    /// the pool can hand out a connection whose close it has not processed
    /// yet; a `BEGIN` on it hung the indexer (its stall watch named the step,
    /// every thread idle) and with it the process's shutdown. On the
    /// connection's loop, the check and the write cannot be separated by the
    /// close, which only that loop processes; a closed connection fails the
    /// batch, which is retried on another.
    func begin(on connection: PostgresConnection) async throws {
        do {
            try await withTaskExecutorPreference(EventLoopTaskExecutor(connection.eventLoop)) {
                guard !connection.isClosed else {
                    throw StoreError.unavailable(location: url.description, reason: "the pooled connection closed before BEGIN")
                }
                try await connection.query("BEGIN", logger: logger)
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw PostgresExecutor.readable(error)
        }
    }

    public func write<T: Sendable>(_ lease: IndexerLease, _ body: (any IndexerTransaction) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await begin(on: connection)
            let executor = PostgresExecutor(connection: connection, logger: logger)
            do {
                try await verify(lease, on: connection)
                let transaction = SQLTransaction(executor: executor, chain: lease.chain)
                let value = try await body(transaction)
                // The batch's cached projection changes, written in bulk.
                try await transaction.flush()
                try await executor.settle()
                try await connection.query("COMMIT", logger: logger)
                return value
            } catch {
                // A background insert must finish before anything else uses the connection.
                try? await executor.settle()
                await rollback(connection)
                throw PostgresExecutor.readable(error)
            }
        }
    }

    /// Rolls back even when the calling task was cancelled; a connection
    /// that cannot roll back is closed so the pool never hands out an open transaction.
    func rollback(_ connection: PostgresConnection) async {
        let logger = self.logger
        await Task {
            do {
                try await connection.query("ROLLBACK", logger: logger)
            } catch {
                logger.warning("rollback failed; closing the connection", metadata: ["error": "\(String(reflecting: error))"])
                try? await connection.close()
            }
        }.value
    }
}
