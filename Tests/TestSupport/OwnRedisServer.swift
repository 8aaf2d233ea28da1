import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A redis-server of a test's own, on a free port in a temporary folder:
/// for what must not touch the shared one (killing it, passwords, DEBUG SLEEP).
public final class OwnRedisServer: Sendable {
    public let port: Int
    public let folder: URL
    public let arguments: [String]
    private let process: Mutex<ChildProcess?>

    private init(port: Int, folder: URL, arguments: [String]) {
        self.port = port
        self.folder = folder
        self.arguments = arguments
        self.process = Mutex(nil)
    }

    /// Starts a server with `extraArguments` (e.g. `--requirepass`), runs `body`, kills the server.
    public static func with<T: Sendable>(_ extraArguments: [String] = [], _ body: (OwnRedisServer) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("takumi-redis-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let server = OwnRedisServer(port: try await freePort(), folder: folder, arguments: extraArguments)
        defer {
            server.kill()
            try? FileManager.default.removeItem(at: folder)
        }
        try await server.start()
        return try await body(server)
    }

    /// Starts redis-server on ``port`` and waits until it accepts connections.
    public func start() async throws {
        let child = try ChildProcess.launch(
            "/usr/bin/env",
            ["redis-server", "--bind", "127.0.0.1", "--port", String(port), "--dir", folder.path,
             "--save", "", "--appendonly", "no", "--daemonize", "no"] + arguments,
            in: folder, log: folder.appendingPathComponent("redis.log")
        )
        process.withLock { $0 = child }
        // Generous: two cores shared by builds and test runs.
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let channel = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port).get() {
                try? await channel.close()
                return
            }
            guard child.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw RedisServerFailure(
            description: "redis-server on port \(port) did not start (is redis-server installed? scripts/install-deps): \(child.logTail())"
        )
    }

    /// SIGKILL: the server dies as in a crash, without closing connections politely.
    public func kill() {
        process.withLock { child in
            child?.kill9()
            child = nil
        }
    }

    /// A port the kernel says is free right now (as scripts/free-port does).
    public static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port
        try await channel.close()
        guard let port else { throw RedisServerFailure(description: "the kernel gave no free port") }
        return port
    }
}

public struct RedisServerFailure: Error, CustomStringConvertible {
    public var description: String
}
