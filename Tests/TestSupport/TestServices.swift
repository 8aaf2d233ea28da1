import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import TakumiStore

/// The real services tests run against (PostgreSQL, Redis), found through
/// `TAKUMI_TEST_DATABASE_URL` and `TAKUMI_TEST_REDIS_URL`, which
/// `scripts/test-services start` prints and `make test` sets.
///
/// Swift Testing runs tests in parallel, so each test gets its own database
/// (created fresh, dropped afterwards) and its own Redis key prefix. A test
/// that needs a service that is not there fails with instructions; it never
/// skips silently.
///
/// ```swift
/// try await TestServices.withFreshDatabase { url in
///     // url: a PostgresURL to an empty database only this test uses
/// }
/// ```
public enum TestServices {
    public static let databaseVariable = "TAKUMI_TEST_DATABASE_URL"
    public static let redisVariable = "TAKUMI_TEST_REDIS_URL"

    /// How to get the services running; part of every "missing service" failure.
    public static let howToStart = """
        start the test services with `eval "$(scripts/test-services start)"` (stop: `scripts/test-services stop`), \
        or run everything with `make test`
        """

    /// A required service is not configured or not answering.
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    /// The PostgreSQL server's admin URL (database `postgres`).
    public static func adminDatabaseURL() throws -> PostgresURL {
        guard let text = ProcessInfo.processInfo.environment[databaseVariable], !text.isEmpty else {
            throw Unavailable(description: "\(databaseVariable) is not set: this test needs PostgreSQL; \(howToStart)")
        }
        do {
            return try PostgresURL(text)
        } catch {
            throw Unavailable(description: "\(databaseVariable)=\(text) is invalid (\(error)); \(howToStart)")
        }
    }

    /// Creates an empty database for one test, runs `body`, then drops it.
    public static func withFreshDatabase<T: Sendable>(
        _ body: (PostgresURL) async throws -> T
    ) async throws -> T {
        let admin = try adminDatabaseURL()
        let name = "takumi_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await execute("CREATE DATABASE \(name)", on: admin)
        do {
            let result = try await body(admin.with(database: name))
            try await execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", on: admin)
            return result
        } catch {
            try? await execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", on: admin)
            throw error
        }
    }

    /// Runs one statement on a short-lived connection.
    public static func execute(_ sql: String, on url: PostgresURL) async throws {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: url.connectionConfiguration, id: 1, logger: logger
            )
        } catch {
            throw Unavailable(description: "cannot connect to PostgreSQL at \(url) (\(String(reflecting: error))); \(howToStart)")
        }
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Redis host and port from `TAKUMI_TEST_REDIS_URL`.
    public static func redisEndpoint() throws -> (host: String, port: Int) {
        guard let text = ProcessInfo.processInfo.environment[redisVariable], !text.isEmpty,
              let components = URLComponents(string: text), components.scheme == "redis", let host = components.host
        else {
            throw Unavailable(description: "\(redisVariable) is not set or not a redis:// URL: this test needs Redis; \(howToStart)")
        }
        return (host, components.port ?? 6379)
    }

    /// A key prefix no other test uses, so tests can share one Redis.
    public static func redisKeyPrefix(for test: String = #function) -> String {
        "test:\(test.prefix { $0.isLetter || $0.isNumber }):\(UUID().uuidString.prefix(8)):"
    }

    /// Sends one inline command to Redis and returns its first reply line
    /// (`+PONG`); enough for tests to check the service is there.
    public static func redisCommand(_ command: String) async throws -> String {
        let (host, port) = try redisEndpoint()
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(2))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw Unavailable(description: "cannot connect to Redis at \(host):\(port) (\(error)); \(howToStart)")
        }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: command + "\r\n"))
            var reply = ""
            for try await var chunk in inbound {
                reply += chunk.readString(length: chunk.readableBytes) ?? ""
                if let end = reply.range(of: "\r\n") { return String(reply[..<end.lowerBound]) }
            }
            return reply
        }
    }

    static let logger = Logger(label: "takumi.tests")
}
