import AsyncHTTPClient
import Foundation
import NIOCore
import Logging
import PostgresNIO
import TakumiStore
import Testing
import TestSupport

/// `takumi serve` as production runs it: a real process on PostgreSQL, with
/// Swift concurrency on the NIO event loops and profile reads sharded by
/// loop, each shard on a connection of its own beside the pool.
@Suite("takumi serve on PostgreSQL as a process", .serialized)
struct ServePostgresProcessTests {
    @Test("concurrent profile reads answer what one-at-a-time reads answer, also after the shards' connections are terminated; SIGTERM closes every connection")
    func shardedReads() async throws {
        try await TestChain.with(deploy: true, seed: true) { chain in
            try await TestServices.withFreshDatabase { database in
                // One client makes every request: a rate budget it cannot exhaust.
                let settings = ["DATABASE_URL": database.urlString, "RATE_LIMIT_PER_MINUTE": "1000000"]
                try await ServeProcessTests.withServe(chain, settings: { _ in settings }) { serve, base in
                    try await ServeProcessTests.eventually("GET /ready = 200", serve) { try await ServeProcessTests.get(base + "/ready").status == 200 }

                    // The seeded profiles' owners (every page), plus addresses nobody registered.
                    var owners: [String] = []
                    var cursor: String?
                    repeat {
                        let page = try await Self.json(base + "/api/v1/profiles?limit=100" + (cursor.map { "&cursor=\($0)" } ?? ""))
                        let items = try #require(page["items"] as? [[String: Any]])
                        owners += items.compactMap { $0["owner"] as? String }
                        cursor = (page["nextCursor"] as? String) ?? (page["nextCursor"] as? Int).map(String.init)
                    } while cursor != nil
                    #expect(owners.count >= 5, "the seed registers profiles: \(owners.count)")
                    let strangers = (1...5).map { "0x" + String(repeating: String(format: "%02x", $0 * 17), count: 20) }
                    let addresses = owners + strangers

                    // One at a time: no coalescing possible.
                    var expected: [String: Reply] = [:]
                    for address in addresses { expected[address] = try await Self.reply(base, address) }
                    #expect(strangers.allSatisfy { expected[$0]?.status == 404 })
                    #expect(owners.allSatisfy { expected[$0]?.status == 200 })

                    // 400 at once, 64 in flight: batches on both loops.
                    try await Self.compareConcurrent(base, addresses, expected, reads: 400)

                    // The shards' connections terminated by the server: they reconnect, and no read fails.
                    let terminated = try await Self.count(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() "
                            + "AND application_name = 'takumi profile reads'",
                        database
                    )
                    #expect(terminated == 2, "one connection per event loop was open: \(terminated)")
                    print("ServePostgresProcessTests: \(owners.count) profiles and \(strangers.count) unknown addresses; \(terminated) shard connections terminated mid-run")
                    try await Self.compareConcurrent(base, addresses, expected, reads: 200)

                    // Graceful shutdown closes the pool, the shards' connections and the lease's.
                    let termination = try await serve.stop(timeout: .seconds(60))
                    #expect(termination == .exited(0), "SIGTERM → exit 0; log tail:\n\(serve.outputTail())")
                    let left = try await Self.count(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", database
                    )
                    #expect(left == 0, "connections left open after exit: \(left)")
                    #expect(!serve.output.contains("\"level\":\"error\""), "no error logged:\n\(serve.outputTail())")
                }
            }
        }
    }

    struct Reply: Equatable, Sendable {
        var status: UInt
        var body: String
    }

    static func reply(_ base: String, _ address: String) async throws -> Reply {
        let fetched = try await ServeProcessTests.get(base + "/api/v1/profiles/\(address)")
        return Reply(status: fetched.status, body: String(buffer: fetched.body))
    }

    /// `reads` random reads of `addresses`, 64 at a time; each answer must equal `expected`'s.
    static func compareConcurrent(_ base: String, _ addresses: [String], _ expected: [String: Reply], reads: Int) async throws {
        var generator = SplitMix64(seed: UInt64(reads))
        let picks = (0..<reads).map { _ in addresses[Int(generator.next() % UInt64(addresses.count))] }
        let mismatches = try await withThrowingTaskGroup(of: String?.self) { group in
            var next = 0
            var mismatches: [String] = []
            func add() {
                let address = picks[next]
                next += 1
                group.addTask {
                    let reply = try await Self.reply(base, address)
                    return reply == expected[address] ? nil : "\(address): \(reply.status) \(reply.body.prefix(200)) vs \(String(describing: expected[address]))"
                }
            }
            while next < min(64, picks.count) { add() }
            while let result = try await group.next() {
                if let result { mismatches.append(result) }
                if next < picks.count { add() }
            }
            return mismatches
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(reads) concurrent reads differ, e.g. \(mismatches.prefix(3))")
    }

    static func json(_ url: String) async throws -> [String: Any] {
        let fetched = try await ServeProcessTests.get(url)
        #expect(fetched.status == 200, "\(url): \(fetched.status)")
        return try #require(try JSONSerialization.jsonObject(with: Data(buffer: fetched.body)) as? [String: Any])
    }

    /// The first column of `sql`'s first row, as an integer, on a connection of its own.
    static func count(_ sql: String, _ url: PostgresURL) async throws -> Int {
        let connection = try await PostgresConnection.connect(configuration: url.connectionConfiguration, id: 77, logger: Logger(label: "test"))
        do {
            let value = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "test")).collect().first?.decode(Int64.self)
            try await connection.close()
            return Int(value ?? -1)
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
