import Foundation
import Testing
import TakumiRedis
import TestSupport

/// A server of the test's own that dies and comes back, and one with a password.
@Suite("Redis outages and authentication")
struct RedisOutageTests {
    @Test("server killed: in-flight commands fail, later ones fail fast with .unavailable; reconnects once it is back")
    func killedAndRestarted() async throws {
        try await OwnRedisServer.with { server in
            let logs = RecordedLogs()
            let metrics = RecordedMetrics()
            var configuration = RedisClient.Configuration(url: server.url)
            configuration.poolSize = 2
            configuration.minReconnectDelay = .milliseconds(50)
            configuration.maxReconnectDelay = .milliseconds(400)
            configuration.commandTimeout = .seconds(10)
            let redis = RedisClient(configuration: configuration, logger: logs.logger(), metricsFactory: metrics)
            defer { Task { await redis.shutdown() } }
            try await redis.set("k", to: "v")
            #expect(try await redis.get("k") == "v")

            let inFlight = Task { try await redis.send(["BLPOP", "list", "10"]) }
            try await Task.sleep(for: .milliseconds(200))
            server.kill()
            guard case let .failure(error as RedisError) = await inFlight.result, case .connectionClosed = error else {
                Issue.record("the in-flight command did not fail with connectionClosed")
                return
            }

            // The pool's other connection may not have seen the close yet: a command sent on it
            // fails with .connectionClosed. Drain until the client itself reports the outage.
            var staleClosed = 0
            while true {
                do {
                    _ = try await redis.get("k")
                    Issue.record("a command succeeded against a killed server")
                    return
                } catch let error as RedisError {
                    if case .unavailable = error { break }
                    guard case .connectionClosed = error, staleClosed < configuration.poolSize else {
                        Issue.record("unexpected error while the server is down: \(error)")
                        return
                    }
                    staleClosed += 1
                }
            }

            // Down: 200 commands, each failing at once, none waiting for a server that is not there.
            let (errors, elapsed) = await timed {
                var errors: [RedisError] = []
                for _ in 0..<200 {
                    do {
                        _ = try await redis.get("k")
                    } catch let error as RedisError {
                        errors.append(error)
                    } catch {}
                }
                return errors
            }
            #expect(errors.count == 200)
            #expect(errors.allSatisfy { if case .unavailable = $0 { true } else { false } }, "\(Set(errors.map(\.description)))")
            #expect(errors.first?.description.contains("cannot connect to 127.0.0.1:\(server.port)") == true)
            #expect(elapsed < .seconds(2), "200 commands took \(elapsed) while Redis was down")
            #expect(!redis.status.isUp && redis.status.lastError != nil)

            // Back on the same port: within a few backoff periods commands succeed again.
            try await server.start()
            let deadline = ContinuousClock.now + .seconds(10)
            var recovered = false
            while ContinuousClock.now < deadline {
                if (try? await redis.ping()) != nil {
                    recovered = true
                    break
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(recovered)
            #expect(redis.status.isUp)
            // The data is gone (no persistence), the client is not.
            #expect(try await redis.get("k") == nil)

            // One line when the outage began, one when it ended; none per failed command.
            let messages = logs.lines
            #expect(messages.filter { $0.contains("Redis unavailable") }.count == 1, "\(messages)")
            #expect(messages.filter { $0.contains("Redis reachable again") }.count == 1, "\(messages)")
            #expect(messages.filter { $0.hasPrefix("warning") || $0.hasPrefix("error") }.count == 1, "\(messages)")

            // The same story in metrics: up, down, up again; failures counted by kind, not by key.
            #expect(metrics.values("takumi_redis_up") == [1, 0, 1])
            #expect(metrics.values("takumi_redis_commands_total{command=get,status=unavailable}").last == 201)
            #expect(metrics.values("takumi_redis_commands_total{command=get,status=closed}").last ?? 0 == Double(staleClosed))
            #expect(metrics.values("takumi_redis_commands_total{command=other,status=closed}").last == 1)
            #expect((metrics.values("takumi_redis_connects_total{status=error}").last ?? 0) >= 1)
            #expect((metrics.values("takumi_redis_command_seconds{command=get}").count) > 200)
        }
    }

    @Test("the backoff is bounded: after many failures the next attempt is at most maxReconnectDelay away")
    func boundedBackoff() async throws {
        let port = try await OwnRedisServer.freePort()
        var configuration = RedisClient.Configuration(url: RedisURL(host: "127.0.0.1", port: port))
        configuration.poolSize = 1
        configuration.minReconnectDelay = .milliseconds(10)
        configuration.maxReconnectDelay = .milliseconds(100)
        let logs = RecordedLogs()
        let redis = RedisClient(configuration: configuration, logger: logs.logger())
        // Six failed connects: doubling from 10 ms without the cap would make the
        // last wait 320 ms; with it, no wait reported along the way exceeds 100 ms.
        // Counted in attempts, not wall-clock time, so a loaded machine cannot fail it.
        var attempts = 0
        var longestWait = 0.0
        let deadline = ContinuousClock.now + .seconds(30)
        while attempts < 6, ContinuousClock.now < deadline {
            let error = await #expect(throws: RedisError.self) { try await redis.ping() }
            if case let .unavailable(reason)? = error, let range = reason.firstRange(of: "next connection attempt in ") {
                longestWait = max(longestWait, Double(reason[range.upperBound...].prefix { $0 != " " }) ?? 99)
            } else {
                attempts += 1
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(attempts == 6)
        #expect(longestWait <= 0.1)
        #expect(logs.lines.filter { $0.contains("Redis unavailable") }.count == 1)
        await redis.shutdown()
    }

    @Test("AUTH on connect: the right password works; a wrong one is a clear error that never shows the password")
    func authentication() async throws {
        try await OwnRedisServer.with(["--requirepass", "correct-horse"]) { server in
            let logs = RecordedLogs()

            var good = RedisClient.Configuration(url: server.url)
            good.url.password = "correct-horse"
            good.commandTimeout = .seconds(10)
            let authenticated = RedisClient(configuration: good, logger: logs.logger())
            try await authenticated.set("k", to: "v")
            #expect(try await authenticated.get("k") == "v")
            // An ACL user logs in with both name and password.
            _ = try await authenticated.send(["ACL", "SETUSER", "app", "on", ">app-pass", "~*", "+@all"])
            await authenticated.shutdown()

            var user = RedisClient.Configuration(url: try RedisURL("redis://app:app-pass@127.0.0.1:\(server.port)"))
            user.poolSize = 1
            user.commandTimeout = .seconds(10)
            let asUser = RedisClient(configuration: user, logger: logs.logger())
            #expect(try await asUser.send(["ACL", "WHOAMI"]) == .bulk("app"))
            await asUser.shutdown()

            var wrong = RedisClient.Configuration(url: server.url)
            wrong.url.password = "battery-staple"
            wrong.commandTimeout = .seconds(10)
            let rejected = RedisClient(configuration: wrong, logger: logs.logger())
            let first = await #expect(throws: RedisError.self) { try await rejected.get("k") }
            guard case let .authenticationFailed(message)? = first else {
                Issue.record("expected authenticationFailed, got \(String(describing: first))")
                return
            }
            #expect(message.hasPrefix("WRONGPASS"))
            // Until the backoff ends, the same reason, at once.
            let second = await #expect(throws: RedisError.self) { try await rejected.get("k") }
            #expect(second?.description.contains("Redis authentication failed: WRONGPASS") == true)
            await rejected.shutdown()

            var none = RedisClient.Configuration(url: server.url)
            none.commandTimeout = .seconds(10)
            let anonymous = RedisClient(configuration: none, logger: logs.logger())
            // No password in the URL for a server that wants one: said at connect, not as a puzzling NOAUTH per command.
            await #expect(throws: RedisError.authenticationFailed(
                "NOAUTH Authentication required. (the Redis URL has no password for 127.0.0.1:\(server.port))"
            )) { try await anonymous.get("k") }
            await anonymous.shutdown()

            let everything = logs.lines.joined(separator: "\n") + "\(wrong.url)" + "\(String(describing: first))"
            #expect(!everything.contains("battery-staple") && !everything.contains("correct-horse") && !everything.contains("app-pass"))
            #expect(everything.contains("Redis unavailable"))
        }
    }
}
