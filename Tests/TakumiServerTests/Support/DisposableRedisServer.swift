import Foundation
import NIOCore
import NIOPosix
import Synchronization
import TestSupport

/// A redis-server of one test's own, on a free port in a temporary folder,
/// for tests that kill Redis (the shared test Redis must stay up). Without
/// persistence: a restart loses every key, as a crashed cache would.
final class DisposableRedisServer: Sendable {
    let port: Int
    let folder: URL
    private let process = Mutex<ChildProcess?>(nil)

    private init(port: Int, folder: URL) {
        self.port = port
        self.folder = folder
    }

    /// Starts a server, runs `body`, kills the server and removes its folder.
    static func with<T: Sendable>(_ body: (DisposableRedisServer) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("takumi-nonce-redis-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let server = DisposableRedisServer(port: try await freePort(), folder: folder)
        defer {
            server.kill()
            try? FileManager.default.removeItem(at: folder)
        }
        try await server.start()
        return try await body(server)
    }

    /// Starts redis-server on ``port`` and waits until it accepts connections.
    func start() async throws {
        let child = try ChildProcess.launch(
            "/usr/bin/env",
            ["redis-server", "--bind", "127.0.0.1", "--port", String(port), "--dir", folder.path, "--save", "", "--appendonly", "no", "--daemonize", "no"],
            in: folder, log: folder.appendingPathComponent("redis-\(UUID().uuidString.prefix(4)).log")
        )
        process.withLock { $0 = child }
        // Generous: two cores shared by several builds and test runs.
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let channel = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port).get() {
                try? await channel.close()
                return
            }
            guard child.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ServerTestError("redis-server on port \(port) did not start (is redis-server installed? scripts/install-deps): \(child.logTail())")
    }

    /// SIGKILL: Redis dies as in a crash.
    func kill() {
        process.withLock { child in
            child?.kill9()
            child = nil
        }
    }

    static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port
        try await channel.close()
        guard let port else { throw ServerTestError("the kernel gave no free port") }
        return port
    }
}
