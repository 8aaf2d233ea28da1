import Foundation
import NIOCore
import Testing
import TakumiRedis
import TestSupport

/// Every typed helper, raw commands and transactions, against the shared test Redis.
@Suite("Redis commands")
struct RedisCommandTests {
    @Test("PING answers with its round-trip time")
    func ping() async throws {
        try await withSharedClient { redis in
            let latency = try await redis.ping()
            #expect(latency > .zero && latency < .seconds(5))
            #expect(redis.status.isUp && redis.status.openConnections == 1 && redis.status.lastError == nil)
        }
    }

    @Test("SET and GET: text, binary values, EX/PX expirations, NX/XX conditions")
    func setGet() async throws {
        let key = TestServices.redisKeyPrefix()
        try await withSharedClient { redis in
            #expect(try await redis.get(key + "missing") == nil)
            #expect(try await redis.set(key + "a", to: "héllo"))
            #expect(try await redis.get(key + "a") == "héllo")

            let binary = ByteBuffer(bytes: [0, 13, 10, 255, 36, 45])
            try await redis.set(key + "bin", to: binary)
            #expect(try await redis.getBytes(key + "bin") == binary)

            // NX: a nonce can be claimed once; XX: only an existing key is overwritten.
            #expect(try await redis.set(key + "nonce", to: "1", expiration: .seconds(60), condition: .ifNotExists))
            #expect(try await !redis.set(key + "nonce", to: "2", expiration: .seconds(60), condition: .ifNotExists))
            #expect(try await redis.get(key + "nonce") == "1")
            #expect(try await !redis.set(key + "absent", to: "x", condition: .ifExists))
            #expect(try await redis.set(key + "nonce", to: "3", condition: .ifExists))
            #expect(try await redis.get(key + "nonce") == "3")

            try await redis.set(key + "ex", to: "v", expiration: .seconds(100))
            guard case let .expiresIn(ttl) = try await redis.pttl(key + "ex") else {
                Issue.record("EX did not set a time to live")
                return
            }
            #expect(ttl > .seconds(90) && ttl <= .seconds(100))
            try await redis.set(key + "px", to: "v", expiration: .after(.milliseconds(1500)))
            guard case let .expiresIn(pttl) = try await redis.pttl(key + "px") else {
                Issue.record("PX did not set a time to live")
                return
            }
            #expect(pttl > .milliseconds(1000) && pttl <= .milliseconds(1500))
            try await redis.set(key + "short", to: "v", expiration: .milliseconds(50))
            try await Task.sleep(for: .milliseconds(120))
            #expect(try await redis.get(key + "short") == nil)
        }
    }

    @Test("GETDEL consumes a value exactly once, even with 50 concurrent consumers")
    func getdel() async throws {
        let key = TestServices.redisKeyPrefix()
        try await withSharedClient(poolSize: 4) { redis in
            try await redis.set(key, to: "0xabc")
            #expect(try await redis.getdel(key) == "0xabc")
            #expect(try await redis.getdel(key) == nil)

            try await redis.set(key, to: "nonce")
            let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<50 { group.addTask { try await redis.getdel(key) != nil } }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(winners == 1)
        }
    }

    @Test("DEL and UNLINK count the keys that existed; no keys, no round trip")
    func delete() async throws {
        let key = TestServices.redisKeyPrefix()
        try await withSharedClient { redis in
            for suffix in ["a", "b", "c", "d"] { try await redis.set(key + suffix, to: "v") }
            #expect(try await redis.del(key + "a", key + "b", key + "missing") == 2)
            #expect(try await redis.del([]) == 0)
            #expect(try await redis.unlink([key + "c", key + "d", key + "a"]) == 2)
            #expect(try await redis.get(key + "c") == nil)
        }
    }

    @Test("INCR, PEXPIRE and PTTL: a fixed-window counter")
    func counter() async throws {
        let key = TestServices.redisKeyPrefix()
        try await withSharedClient { redis in
            #expect(try await redis.pttl(key) == .missing)
            #expect(try await redis.incr(key) == 1)
            #expect(try await redis.pttl(key) == .persistent)
            #expect(try await redis.pexpire(key, after: .seconds(60)))
            #expect(try await redis.incr(key) == 2)
            guard case let .expiresIn(ttl) = try await redis.pttl(key) else {
                Issue.record("PEXPIRE did not set a time to live")
                return
            }
            #expect(ttl > .seconds(55) && ttl <= .seconds(60))
            #expect(try await !redis.pexpire(key + "missing", after: .seconds(1)))

            try await redis.set(key + "text", to: "abc")
            await #expect(throws: RedisError.server("ERR value is not an integer or out of range")) {
                try await redis.incr(key + "text")
            }
        }
    }

    @Test("EVAL: an atomic rate-limit script returns the count and the window's time left")
    func eval() async throws {
        let key = TestServices.redisKeyPrefix()
        let script = """
            local n = redis.call('INCR', KEYS[1])
            if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            return {n, redis.call('PTTL', KEYS[1])}
            """
        try await withSharedClient { redis in
            for expected in 1...3 {
                let reply = try await redis.eval(script, keys: [key], arguments: ["60000"])
                let values = try #require(reply.array)
                #expect(values.first?.int == Int64(expected))
                #expect((values.last?.int ?? 0) > 55_000)
            }
            #expect(try await redis.eval("return ARGV[1] .. KEYS[1]", keys: ["k"], arguments: ["v"]) == .bulk("vk"))
            #expect(try await redis.eval("return nil") == .null)
            let error = await #expect(throws: RedisError.self) { try await redis.eval("return redis.error_reply('LIMITED try later')") }
            #expect(error == .server("LIMITED try later"))
            #expect(error?.serverErrorCode == "LIMITED")
        }
    }

    @Test("raw commands: hashes, unknown commands, wrong types")
    func raw() async throws {
        let key = TestServices.redisKeyPrefix()
        try await withSharedClient { redis in
            #expect(try await redis.send(["HSET", key, "a", "1", "b", "2"]) == .integer(2))
            let all = try await redis.send(["HGETALL", key])
            #expect(Set(try #require(all.array).compactMap(\.string)) == ["a", "1", "b", "2"])
            let unknown = await #expect(throws: RedisError.self) { try await redis.send(["NOSUCHCOMMAND", key]) }
            #expect(unknown?.serverErrorCode == "ERR")
            #expect(unknown?.description.contains("unknown command") == true)
            await #expect(throws: RedisError.server("WRONGTYPE Operation against a key holding the wrong kind of value")) {
                try await redis.get(key)
            }
            // The connection is fine after error replies.
            try await redis.ping()
        }
    }

    @Test("a connection switched to RESP3 with HELLO 3 still decodes: maps, doubles, booleans, nulls")
    func resp3() async throws {
        let key = TestServices.redisKeyPrefix()
        try await withSharedClient(poolSize: 1) { redis in
            let hello = try await redis.send(["HELLO", "3"])
            guard case let .map(pairs) = hello else {
                Issue.record("HELLO 3 returned \(hello)")
                return
            }
            #expect(pairs.contains { $0.key.string == "proto" && $0.value == .integer(3) })
            _ = try await redis.send(["ZADD", key, "1.5", "a"])
            #expect(try await redis.send(["ZSCORE", key, "a"]) == .double(1.5))
            #expect(try await redis.get(key + "missing") == nil)
            #expect(try await redis.eval("redis.setresp(3); return true") == .boolean(true))
            _ = try await redis.send(["HSET", key + "h", "f", "v"])
            #expect(try await redis.send(["HGETALL", key + "h"]) == .map([.init(.bulk("f"), .bulk("v"))]))
        }
    }

    @Test("MULTI/EXEC: replies per command, runtime errors as elements, refused commands thrown")
    func transaction() async throws {
        let key = TestServices.redisKeyPrefix()
        try await withSharedClient { redis in
            let replies = try await redis.transaction([["INCR", key], ["PEXPIRE", key, "60000"], ["PTTL", key]])
            #expect(replies.count == 3)
            #expect(replies[0] == .integer(1) && replies[1] == .integer(1))
            #expect((replies[2].int ?? 0) > 55_000)

            let mixed = try await redis.transaction([["SET", key + "s", "x"], ["INCR", key + "s"]])
            #expect(mixed == [.simpleString("OK"), .error("ERR value is not an integer or out of range")])

            let refused = await #expect(throws: RedisError.self) {
                try await redis.transaction([["INCR", key], ["NOSUCHCOMMAND"]])
            }
            #expect(refused?.description.contains("unknown command") == true)
            // The refused transaction ran nothing.
            #expect(try await redis.get(key) == "1")
            #expect(try await redis.transaction([]) == [])
        }
    }

    @Test("URL database: SELECT on connect; a database that does not exist is a clear error")
    func database() async throws {
        let key = TestServices.redisKeyPrefix()
        try await withSharedClient(database: 3) { redis in
            try await redis.set(key, to: "in db 3")
            #expect(try await redis.send(["CLIENT", "INFO"]).string?.contains(" db=3 ") == true)
        }
        try await withSharedClient { redis in
            let inDatabase0 = try await redis.get(key)
            #expect(inDatabase0 == nil)
        }
        try await withSharedClient(database: 3) { redis in
            let consumed = try await redis.getdel(key)
            #expect(consumed == "in db 3")
        }
        let endpoint = try sharedRedisURL().endpoint
        try await withSharedClient(database: 999) { redis in
            let error = await #expect(throws: RedisError.self) { try await redis.ping() }
            #expect(error == .unavailable("SELECT 999 on connect failed at \(endpoint): ERR DB index is out of range"))
        }
    }
}
