import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// Profile reads split by event loop: one ``ProfileReadCoalescer`` and one
/// ``PinnedConnection`` per loop of the group the HTTP server runs on.
///
/// Why: `takumi serve` runs Swift concurrency on the NIO event loops, so a
/// request's handler runs on the loop that reads its socket. A read joins
/// the shard of that loop, its batch's statement goes out on a connection
/// living on the same loop, and the rows resume the waiting requests there
/// too: from the request bytes to the response bytes, one thread. With one
/// shared coalescer, a statement's connection sat on one loop and every read
/// it answered resumed there, which put all rendering on one core.
///
/// A read from a thread outside the group (the cooperative pool: tests, the
/// CLI) takes the shards in turn; its statement still runs on its shard's
/// loop (`withTaskExecutorPreference`).
final class ProfileReadShards: Sendable {
    typealias Rows = ProfileReadCoalescer.Rows

    struct Shard: Sendable {
        let connection: PinnedConnection
        let coalescer: ProfileReadCoalescer
    }

    let shards: [Shard]
    private let turn = Atomic<Int>(0)
    /// `application_name` of the shards' connections.
    static let applicationName = "takumi profile reads"

    /// One shard per loop in `eventLoops` (the group's first loop if empty);
    /// each runs its statements one after another on its one connection.
    init(eventLoops: [any EventLoop], configuration: PostgresConnection.Configuration, logger: Logger, makeID: @escaping @Sendable () -> Int) {
        let loops = eventLoops.isEmpty ? [MultiThreadedEventLoopGroup.singleton.any()] : eventLoops
        // Named in pg_stat_activity, so an operator can tell these from the pool's.
        var configuration = configuration
        configuration.options.additionalStartupParameters.append(("application_name", Self.applicationName))
        shards = loops.map { eventLoop in
            let connection = PinnedConnection(eventLoop: eventLoop, configuration: configuration, logger: logger, makeID: makeID)
            let coalescer = ProfileReadCoalescer(maxRunning: 1) { chain, owners, skillLimit in
                try await Self.fetch(on: connection, logger: logger, chain: chain, owners: owners, skillLimit: skillLimit)
            }
            return Shard(connection: connection, coalescer: coalescer)
        }
    }

    /// The rows of ``ProfileQuery`` for one owner (empty: no such profile).
    func rows(chain: String, owner: String, skillLimit: Int) async throws -> Rows {
        try await shard().coalescer.rows(chain: chain, owner: owner, skillLimit: skillLimit)
    }

    /// The shard of the current event loop, else the next in turn.
    private func shard() -> Shard {
        if let current = MultiThreadedEventLoopGroup.currentEventLoop,
           let own = shards.first(where: { $0.connection.eventLoop === current }) {
            return own
        }
        let index = turn.add(1, ordering: .relaxed).newValue
        return shards[abs(index % shards.count)]
    }

    /// Statements run so far, over all shards.
    var statements: Int { shards.reduce(0) { $0 + $1.coalescer.statements } }
    /// Statements running now.
    var runningCount: Int { shards.reduce(0) { $0 + $1.coalescer.runningCount } }
    /// Reads waiting for a statement.
    var waitingCount: Int { shards.reduce(0) { $0 + $1.coalescer.waitingCount } }
    /// At most this many statements at once.
    var maxRunning: Int { shards.reduce(0) { $0 + $1.coalescer.maxRunning } }

    /// Closes every shard's connection (the store is shutting down).
    func close() async {
        for shard in shards { await shard.connection.close() }
    }

    /// ``ProfileBatchStatement``'s rows by owner, on `pinned`'s event loop.
    ///
    /// A read changes nothing, so a statement whose connection broke under it
    /// (PostgreSQL restarted, the backend terminated) is sent once more on a
    /// new connection: a restart that is over costs no reader an error.
    static func fetch(on pinned: PinnedConnection, logger: Logger, chain: String, owners: [String], skillLimit: Int) async throws
        -> [String: Rows]
    {
        let statement = ProfileBatchStatement(chain: chain, owners: owners, skillLimit: skillLimit)
        // Runs on the connection's own loop, which matters beyond speed:
        // PostgresNIO writes a statement to its channel without a promise, so
        // one written to a channel that has just closed is dropped and its
        // await never ends. Here the closed-check below and that write (inside
        // `execute`, before its first suspension) happen in one turn of the
        // loop, and only that loop can close the channel.
        let run: @Sendable () async throws -> [String: Rows] = {
            var attempt = 1
            while true {
                let connection = try await pinned.connection()
                do {
                    guard !connection.isClosed else {
                        throw StoreError.unavailable(location: "profile reads", reason: "the connection closed before the statement")
                    }
                    var rows: Rows = []
                    for try await row in try await connection.execute(statement, logger: logger) {
                        rows.append(row)
                    }
                    return ProfileBatchStatement.grouped(rows)
                } catch where PinnedConnection.isConnectionLost(error, on: connection) {
                    await pinned.discard(connection)
                    guard attempt == 1, !Task.isCancelled else { throw error }
                    attempt += 1
                }
            }
        }
        do {
            // Already on the connection's loop (the server's case): no hop at all.
            if pinned.eventLoop.inEventLoop { return try await run() }
            return try await withTaskExecutorPreference(EventLoopTaskExecutor(pinned.eventLoop)) { try await run() }
        } catch {
            throw PostgresExecutor.readable(error)
        }
    }
}
