import Foundation
import NIOCore
import NIOPosix
import PostgresNIO
import Testing
import TestSupport
@testable import TakumiStore

/// ``ProfileReadShards`` and ``PinnedConnection`` against a real PostgreSQL:
/// a read made on an event loop is answered by that loop's shard over a
/// connection of that loop, a broken connection is replaced without failing
/// the read, and a closed store opens no connection.
@Suite("Profile reads sharded by event loop")
struct ProfileReadShardTests {
    static let owner = "0x" + String(repeating: "ab", count: 20)

    /// A store with one profile (owner ``owner``) and its running PostgreSQL store.
    static func withProfile(_ body: (PostgresStore) async throws -> Void) async throws {
        try await StoreHarness.with(.postgresql) { harness in
            var profile = ProjectionTests.fullRow(.profiles, seed: 1)
            profile["owner"] = .text(owner)
            let lease = try await harness.lease()
            try await harness.store.write(lease) { tx in try await tx.upsert(profile, journalBlock: nil) }
            try await body(try #require(harness.store as? PostgresStore))
        }
    }

    static func ownerOf(_ detail: ProfileDetail?) -> String? {
        guard let detail, let index = ProfileQuery.profileColumns.firstIndex(where: { $0.name == "owner" }) else { return nil }
        return detail.profileValues[index].text
    }

    @Test("a read on an event loop goes to that loop's shard, whose connection lives on the same loop")
    func readsStayOnTheirLoop() async throws {
        try await Self.withProfile { store in
            let shards = store.profileReads.shards
            let loops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator())
            #expect(shards.count == loops.count, "one shard per event loop of the group")
            for (index, shard) in shards.enumerated() {
                let loop = shard.connection.eventLoop
                let before = shards.map(\.coalescer.statements)
                let (detail, stayed) = try await withTaskExecutorPreference(EventLoopTaskExecutor(loop)) {
                    #expect(loop.inEventLoop)
                    let detail = try await store.reader().profile(chain: "dev", owner: Self.owner, skillLimit: 10)
                    return (detail, loop.inEventLoop)
                }
                #expect(Self.ownerOf(detail) == Self.owner)
                #expect(stayed, "the read resumed on its own loop")
                let after = shards.map(\.coalescer.statements)
                for other in shards.indices {
                    #expect(after[other] == before[other] + (other == index ? 1 : 0), "shard \(other) after a read on loop \(index): \(before) → \(after)")
                }
                let connection = try await shard.connection.connection()
                #expect(connection.eventLoop === loop)
            }
            // From the cooperative pool (no loop of its own), reads still land on the shards, in turn.
            let before = store.profileReads.statements
            for _ in 0..<4 {
                #expect(Self.ownerOf(try await store.reader().profile(chain: "dev", owner: Self.owner, skillLimit: 10)) == Self.owner)
            }
            #expect(store.profileReads.statements == before + 4)
            #expect(store.profileReads.runningCount == 0 && store.profileReads.waitingCount == 0)
        }
    }

    @Test("a shard's connection terminated by the server mid-statement is replaced, and the read is answered all the same")
    func brokenConnectionIsReplaced() async throws {
        try await Self.withProfile { store in
            let raw: any RawSQL = store
            // Holds profiles locked, so a read's statement waits on the server until released.
            let locker = try await PostgresConnection.connect(
                configuration: store.url.connectionConfiguration, id: 99, logger: StoreHarness.logger
            )
            let waitingPIDs = {
                try await raw.rawColumn(
                    "SELECT CAST(pid AS TEXT) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                ).compactMap { $0.flatMap(Int.init) }
            }
            func waitFor(_ what: String, _ condition: ([Int]) -> Bool) async throws -> [Int] {
                let deadline = ContinuousClock.now + .seconds(60)
                while ContinuousClock.now < deadline {
                    let pids = try await waitingPIDs()
                    if condition(pids) { return pids }
                    try await Task.sleep(for: .milliseconds(20))
                }
                throw HarnessError("no \(what) within 60 s")
            }
            // Closed before it is released, whatever happens (PostgresNIO asserts on an open connection's deinit).
            let outcome: Result<Void, any Error>
            do {
                for shard in store.profileReads.shards {
                    let loop = shard.connection.eventLoop
                    try await locker.query("BEGIN", logger: StoreHarness.logger)
                    try await locker.query("LOCK TABLE profiles IN ACCESS EXCLUSIVE MODE", logger: StoreHarness.logger)
                    async let answer = withTaskExecutorPreference(EventLoopTaskExecutor(loop)) {
                        try await store.reader().profile(chain: "dev", owner: Self.owner, skillLimit: 10)
                    }
                    let first = try #require(try await waitFor("read waiting on the lock") { $0.count == 1 }.first)
                    try await raw.rawExecute("SELECT pg_terminate_backend(\(first))")
                    // The statement failed with 57P01 on its connection; it is sent again on a new one, which waits in turn.
                    let second = try #require(try await waitFor("read sent again") { $0.count == 1 && $0[0] != first }.first)
                    try await locker.query("ROLLBACK", logger: StoreHarness.logger)
                    #expect(Self.ownerOf(try await answer) == Self.owner)
                    let connection = try await shard.connection.connection()
                    let pid = try await connection.query("SELECT pg_backend_pid()", logger: StoreHarness.logger).collect().first?.decode(Int32.self)
                    #expect(pid.map(Int.init) == second, "the shard keeps the new connection")
                }
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            try? await locker.close()
            try outcome.get()
        }
    }

    @Test("a DATABASE_URL that limits the pool limits the shards to half of it")
    func shardsFollowThePoolLimit() throws {
        let loops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator()).count
        for (limit, shards) in [(1, 1), (2, 1), (3, 1), (4, min(2, loops)), (100, loops)] {
            let store = PostgresStore(url: try PostgresURL("postgres://takumi@127.0.0.1:1/takumi?pool_max_conns=\(limit)"), logger: StoreHarness.logger)
            #expect(store.profileReads.shards.count == shards, "pool_max_conns=\(limit)")
        }
    }

    @Test("a closed pinned connection closes what it had open and opens nothing more")
    func closeIsFinal() async throws {
        try await TestServices.withFreshDatabase { url in
            let loop = MultiThreadedEventLoopGroup.singleton.next()
            let pinned = PinnedConnection(eventLoop: loop, configuration: url.connectionConfiguration, logger: StoreHarness.logger, makeID: { 7 })
            let open = try await pinned.connection()
            #expect(open.eventLoop === loop)
            #expect(try await pinned.connection() === open, "the open connection is reused")
            await pinned.close()
            #expect(open.isClosed)
            await #expect(throws: StoreError.self) { _ = try await pinned.connection() }
        }
    }
}
