import Foundation
import NIOCore
import Testing
import TakumiRedis
import TestSupport

/// Pipelining, timeouts, dropped connections and broken servers.
@Suite("Redis connections")
struct RedisConnectionTests {
    @Test("1,000 concurrent commands pipelined over 2 connections: every caller gets its own answer")
    func pipelining() async throws {
        let key = TestServices.redisKeyPrefix()
        try await withSharedClient(poolSize: 2) { redis in
            let (mismatches, elapsed) = try await timed {
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<1000 {
                        group.addTask {
                            // Three kinds of command so a reply handed to the wrong caller shows as a type or value mismatch.
                            switch index % 3 {
                            case 0:
                                try await redis.set(key + "\(index)", to: "value \(index)")
                                return try await redis.get(key + "\(index)") == "value \(index)" ? 0 : 1
                            case 1:
                                return try await redis.eval("return ARGV[1]", arguments: ["\(index)"]) == .bulk("\(index)") ? 0 : 1
                            default:
                                return try await redis.incr(key + "counter:\(index)") == 1 ? 0 : 1
                            }
                        }
                    }
                    return try await group.reduce(0, +)
                }
            }
            #expect(mismatches == 0)
            #expect(redis.status.openConnections == 2)
            print("1,000 pipelined callers (1,333 commands) in \(elapsed)")
        }
    }

    @Test("a command without a reply within the timeout fails with .timeout; the client recovers")
    func timeout() async throws {
        let key = TestServices.redisKeyPrefix()
        // BLPOP on an empty list stalls only its own connection, not the shared server.
        try await withSharedClient(poolSize: 1, commandTimeout: .seconds(1)) { redis in
            let (error, elapsed) = await timed {
                await #expect(throws: RedisError.self) { try await redis.send(["BLPOP", key, "10"]) }
            }
            #expect(error == .timeout(command: "BLPOP", after: .seconds(1)))
            #expect(error?.description == "Redis BLPOP got no reply within 1 s")
            // Well under the 10 s BLPOP: the timeout fired, nothing waited for the server.
            #expect(elapsed < .seconds(5))
            // The stalled connection was closed; a later command gets a fresh one.
            try await eventually { try await redis.ping() }
        }
    }

    @Test("a stalled server (DEBUG SLEEP) times commands out; they work again once it wakes")
    func stalledServer() async throws {
        try await OwnRedisServer.with(["--enable-debug-command", "yes"]) { server in
            var configuration = RedisClient.Configuration(url: server.url)
            configuration.commandTimeout = .seconds(1)
            configuration.poolSize = 1
            let redis = RedisClient(configuration: configuration)
            var sleeperConfiguration = RedisClient.Configuration(url: server.url)
            sleeperConfiguration.commandTimeout = .seconds(20)
            sleeperConfiguration.poolSize = 1
            let sleeper = RedisClient(configuration: sleeperConfiguration)
            try await eventually { try await redis.ping() }
            // Connected first, so DEBUG SLEEP reaches the server right away.
            try await sleeper.ping()

            let sleeping = Task { try await sleeper.send(["DEBUG", "SLEEP", "5"]) }
            try await Task.sleep(for: .milliseconds(500))
            let (error, elapsed) = await timed { await #expect(throws: RedisError.self) { try await redis.get("k") } }
            #expect(error == .timeout(command: "GET", after: .seconds(1)))
            // Gave up at its own timeout, well before the server woke up.
            #expect(elapsed < .seconds(4))
            #expect(try await sleeping.value == .simpleString("OK"))
            try await eventually { try await redis.ping() }
            await redis.shutdown()
            await sleeper.shutdown()
        }
    }

    @Test("a connection killed under a command fails it with .connectionClosed; the next command reconnects")
    func killedConnection() async throws {
        let key = TestServices.redisKeyPrefix()
        let logs = RecordedLogs()
        try await withSharedClient(poolSize: 1, logs: logs) { redis in
            let id = try #require(try await redis.send(["CLIENT", "ID"]).int)
            let blocked = Task { try await redis.send(["BLPOP", key, "10"]) }
            try await Task.sleep(for: .milliseconds(200))
            let killed = try await withSharedClient(poolSize: 1) { admin in
                try await admin.send(["CLIENT", "KILL", "ID", String(id)])
            }
            #expect(killed == .integer(1))
            let (result, elapsed) = await timed { await blocked.result }
            guard case let .failure(error as RedisError) = result, case let .connectionClosed(reason) = error else {
                Issue.record("expected connectionClosed, got \(result)")
                return
            }
            #expect(reason.contains("closed with the command in flight"))
            #expect(elapsed < .seconds(5))
            try await redis.ping()
            #expect(try await redis.send(["CLIENT", "ID"]).int != id)
        }
        // A dropped connection that reconnects at once is not an outage.
        #expect(!logs.lines.contains { $0.contains("Redis unavailable") })
    }

    @Test("a cancelled caller returns at once; its late reply is dropped, not handed to the next caller")
    func cancellation() async throws {
        let key = TestServices.redisKeyPrefix()
        try await withSharedClient(poolSize: 1, commandTimeout: .seconds(20)) { redis in
            let waiting = Task { try await redis.send(["BLPOP", key, "5"]) }
            try await Task.sleep(for: .milliseconds(300))
            waiting.cancel()
            let (result, elapsed) = await timed { await waiting.result }
            // Not the 5 s of the BLPOP.
            #expect(elapsed < .seconds(3))
            guard case .failure(is CancellationError) = result else {
                Issue.record("expected CancellationError, got \(result)")
                return
            }
            // Queued behind the BLPOP on the one connection: gets PONG, not BLPOP's null.
            try await redis.ping()
        }
    }

    @Test("replies split into 1-byte writes decode correctly over a real socket")
    func splitReplies() async throws {
        try await ScriptedServer.with(respond: { command in
            let reply: RESPValue = switch command.array?.first?.string {
            case "PING": .simpleString("PONG")
            case "GET": .bulk("a value\r\nwith a line break")
            default: .array([.integer(1), .null, .array([.bulk("x")]), .map([.init(.bulk("k"), .double(0.5))])])
            }
            var buffer = ByteBuffer()
            try? RESPEncoder.encode(reply, into: &buffer)
            return buffer.readableBytesView.map { ByteBuffer(bytes: [$0]) }
        }) { server in
            var configuration = RedisClient.Configuration(url: server.url)
            configuration.clientName = nil
            // Timing is not the subject here; a loaded machine must not fail it.
            configuration.commandTimeout = .seconds(20)
            let redis = RedisClient(configuration: configuration)
            async let first = redis.get("k")
            async let second = redis.send(["OTHER"])
            try await redis.ping()
            #expect(try await first == "a value\r\nwith a line break")
            #expect(try await second == .array([.integer(1), .null, .array([.bulk("x")]), .map([.init(.bulk("k"), .double(0.5))])]))
            await redis.shutdown()
        }
    }

    @Test("a server sending garbage or unrequested replies fails the command with .protocolViolation, without hanging")
    func brokenServer() async throws {
        try await ScriptedServer.with(respond: { command in
            switch command.array?.first?.string {
            case "GARBAGE": [ByteBuffer(string: "HTTP/1.1 400 Bad Request\r\n\r\n")]
            case "TWICE": [ByteBuffer(string: "+one\r\n+two\r\n")]
            case "PUSH": [ByteBuffer(string: ">2\r\n+message\r\n+hello\r\n")]
            default: [ByteBuffer(string: "+PONG\r\n")]
            }
        }) { server in
            var configuration = RedisClient.Configuration(url: server.url)
            configuration.clientName = nil
            configuration.commandTimeout = .seconds(10)
            configuration.poolSize = 1
            let redis = RedisClient(configuration: configuration)
            let (garbage, elapsed) = await timed { await #expect(throws: RedisError.self) { try await redis.send(["GARBAGE"]) } }
            #expect(garbage == .protocolViolation("unknown reply type byte 0x48"))
            #expect(elapsed < .seconds(5))

            // The stream was abandoned; a new connection works.
            try await redis.ping()
            let push = await #expect(throws: RedisError.self) { try await redis.send(["PUSH"]) }
            #expect(push?.description.contains("push frames are not supported") == true)

            #expect(try await redis.send(["TWICE"]) == .simpleString("one"))
            // "+two" had no command waiting: the connection is dropped rather than trusted.
            try await Task.sleep(for: .milliseconds(100))
            #expect(redis.status.openConnections == 0)
            try await redis.ping()
            await redis.shutdown()
        }
    }

    @Test("run() as a service: cancelling it shuts the client down; later commands fail with .shutDown")
    func lifecycle() async throws {
        try await withSharedClient { redis in
            let running = Task { try await redis.run() }
            try await redis.ping()
            running.cancel()
            try await running.value
            #expect(redis.status.openConnections == 0)
            await #expect(throws: RedisError.shutDown) { try await redis.ping() }
        }
    }
}
