import AsyncHTTPClient
import Ethereum
import Foundation
import NIOCore
import Takumi
import Testing
import TestSupport

/// `takumi serve` as the runbook runs it: a real process on a free port,
/// the dev node with the contracts deployed, SQLite under its own folder.
@Suite("takumi serve as a process", .serialized)
struct ServeProcessTests {
    @Test("serves /ready once indexed; a guardian pause shows in X-Takumi-Paused, /health and /status; SIGTERM exits 0")
    func pauseAndShutdown() async throws {
        try await TestChain.with(deploy: true, seed: false) { chain in
            let manifest = try #require(chain.manifest)
            try await Self.withServe(chain, settings: { folder in ["SQLITE_PATH": folder.appendingPathComponent("takumi.sqlite").path] }) { serve, base in
                // Ready once the index reaches the head.
                try await Self.eventually("GET /ready = 200", serve) { try await Self.get(base + "/ready").status == 200 }
                let before = try await Self.get(base + "/api/v1/stats")
                #expect(before.paused == nil)

                // The guardian pauses SkillProfile on chain; the API learns it from the index.
                let proxy = try #require(manifest.contracts["SkillProfile"]?.proxy)
                let receipt = try await chain.send(from: chain.guardian, to: proxy, data: try GovernanceCalls.pause.calldata())
                #expect(receipt.succeeded, "pause() by the guardian succeeds")
                try await Self.eventually("X-Takumi-Paused on every response", serve) {
                    try await Self.get(base + "/api/v1/stats").paused == "true"
                }
                let missing = try await Self.get(base + "/api/v1/profiles/\(Address.zero.lowercased)")
                #expect(missing.status == 404)
                #expect(missing.paused == "true", "errors carry it too")
                let health = try #require(try JSONSerialization.jsonObject(with: Data(buffer: try await Self.get(base + "/health").body)) as? [String: Any])
                #expect(health["status"] as? String == "degraded", "\(health)")
                let contracts = (health["components"] as? [String: Any])?["contracts"] as? [String: Any]
                #expect(contracts?["pausedContracts"] as? [String] == ["SkillProfile"])
                let status = String(buffer: try await Self.get(base + "/status").body)
                #expect(status.contains("Contracts paused: SkillProfile"))
                let contractsJSON = try #require(try JSONSerialization.jsonObject(with: Data(buffer: try await Self.get(base + "/api/v1/contracts").body)) as? [String: Any])
                #expect(contractsJSON["paused"] as? Bool == true)

                // Graceful shutdown: exit 0, the lease released (a second serve could take over).
                let termination = try await serve.stop(timeout: .seconds(60))
                #expect(termination == .exited(0), "SIGTERM → exit 0; log tail:\n\(serve.outputTail())")
                #expect(!serve.output.contains("\"level\":\"error\""), "no error logged:\n\(serve.outputTail())")
            }
        }
    }

    struct Fetched: Sendable {
        var status: UInt
        /// The response's X-Takumi-Paused header, if any.
        var paused: String?
        var body: ByteBuffer
    }

    /// `takumi serve --port 0` against `chain`'s deployment, in a folder of
    /// its own, with `settings(folder)` added to the chain's; `body` gets the
    /// process and its base URL. The process is killed after `body` if still running.
    static func withServe<T: Sendable>(
        _ chain: TestChain, settings: (URL) -> [String: String], _ body: (TakumiProcess, String) async throws -> T
    ) async throws -> T {
        let manifestURL = try #require(chain.manifestURL)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("takumi-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let processes = TakumiProcesses()
        defer { Task { await processes.killAll() } }
        let base = ["CHAIN": "dev", "RPC_URL_DEV": chain.rpcURL, "DEPLOYMENT_FILE": manifestURL.path, "LOG_FORMAT": "json"]
        let serve = try processes.launch(
            ["serve", "--port", "0"], settings: base.merging(settings(folder)) { $1 }, folder: folder, logName: "serve.log"
        )
        return try await body(serve, try await serve.servedURL())
    }

    static func get(_ url: String) async throws -> Fetched {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 4 << 20)
        return Fetched(status: response.status.code, paused: response.headers.first(name: "X-Takumi-Paused"), body: body)
    }


    /// Polls `condition` for up to 60 s (a bound on "never", not a latency target).
    static func eventually(_ what: String, _ process: TakumiProcess, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return }
            if !process.isRunning { throw TakumiProcessError("takumi serve exited while waiting for \(what):\n\(process.outputTail())") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TakumiProcessError("\(what): not within 60 s:\n\(process.outputTail())")
    }
}
