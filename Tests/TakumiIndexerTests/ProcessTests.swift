import Ethereum
import EthereumRPC
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Takumi
import TakumiStore
import Testing
import TestSupport

/// `takumi indexer run` as the operator runs it: a real process configured by
/// its environment and `.env`, stopped by signals, against the dev node and a
/// PostgreSQL server of the test's own (so the test can restart it).
@Suite("takumi indexer run as a process")
struct IndexerProcessTests {
    @Test("--metrics-port serves the indexer's and the RPC pool's metrics; SIGTERM stops the process with exit 0")
    func metricsPort() async throws {
        try await TestChain.with(deploy: true) { chain in
            let folder = try IndexerProcess.temporaryFolder()
            let sqlite = folder.appendingPathComponent("takumi.sqlite").path
            var activity = try await Activity.start(on: chain)
            let indexer = try IndexerProcess.launch(
                ["indexer", "run", "--metrics-port", "0"], folder: folder,
                environment: try IndexerProcess.environment(chain, database: ["SQLITE_PATH": sqlite])
            )
            defer { indexer.terminate() }
            let port = try await IndexerProcess.metricsPort(of: indexer)
            let head = try await chain.client.blockNumber()
            let text = try await IndexerProcess.waitForMetrics(port: port, indexer: indexer) { text in
                IndexerProcess.value(of: "takumi_indexer_synced_block{chain=\"dev\"}", in: text) == Double(head)
            }
            #expect(IndexerProcess.value(of: "takumi_indexer_head_block{chain=\"dev\"}", in: text) ?? 0 >= Double(head))
            #expect(text.contains("takumi_indexer_events_total{chain=\"dev\",event=\"SkillAdded\"}"))
            #expect(text.contains("takumi_rpc_requests_total{"))
            #expect(IndexerProcess.value(of: "takumi_contract_paused{chain=\"dev\",contract=\"SkillProfile\"}", in: text) == 0)
            // New activity shows up on /metrics while the process runs.
            try await activity.step(kind: 4, account: 0, tag: "metrics")
            let newHead = try await chain.client.blockNumber()
            _ = try await IndexerProcess.waitForMetrics(port: port, indexer: indexer) { text in
                IndexerProcess.value(of: "takumi_indexer_synced_block{chain=\"dev\"}", in: text) == Double(newHead)
            }
            kill(indexer.pid, SIGTERM)
            let status = await indexer.exitStatus()
            #expect(status == 0, "exit \(status): \(indexer.logTail())")
        }
    }

    @Test("--metrics-port out of range is a usage error (exit 2)")
    func metricsPortInvalid() async throws {
        let folder = try IndexerProcess.temporaryFolder()
        let process = try IndexerProcess.launch(["indexer", "run", "--metrics-port", "70000"], folder: folder, environment: [:])
        #expect(await process.exitStatus() == 2)
        #expect(process.logTail().contains("--metrics-port must be between 0 and 65535"))
    }

    @Test("the runbook's RPC switch: the first URL dies, `echo RPC_URL_DEV=… >> .env` and a restart resume with no gap")
    func rpcSwitchThroughDotEnv() async throws {
        try await TestChain.with(deploy: true) { chain in
            try await TestServices.withFreshDatabase { url in
                let folder = try IndexerProcess.temporaryFolder()
                let dotEnv = folder.appendingPathComponent(".env")
                var activity = try await Activity.start(on: chain)
                // The old provider: a proxy in front of the node that the test kills.
                let proxy = try await FaultProxy.start(upstream: chain.rpcURL)
                try "DEPLOYMENT_FILE=\(try #require(chain.manifestURL).path)\nRPC_URL_DEV=\(proxy.url)\nDATABASE_URL=\(url.urlString)\n"
                    .write(to: dotEnv, atomically: true, encoding: .utf8)
                var environment = try IndexerProcess.environment(chain, database: [:])
                for key in ["DEPLOYMENT_FILE", "RPC_URL_DEV", "DATABASE_URL"] { environment[key] = nil }
                let first = try IndexerProcess.launch(["indexer", "run"], folder: folder, environment: environment)
                defer { first.terminate() }
                let reader = DatabaseReader.postgres(url)
                let head = try await chain.client.blockNumber()
                try await IndexerProcess.waitForCheckpoint(reader, atLeast: head, indexer: first)

                // The provider goes away; the chain moves on without us.
                proxy.stop()
                for step in 0..<6 { try await activity.step(kind: step, account: step, tag: "after-outage-\(step)") }
                let newHead = try await chain.client.blockNumber()
                try await Task.sleep(for: .seconds(2))
                #expect(try await IndexerProcess.checkpoint(reader) == head, "nothing can be indexed without an endpoint")

                // The runbook's fix, verbatim in spirit: append the new URL, restart.
                let handle = try FileHandle(forWritingTo: dotEnv)
                try handle.seekToEnd()
                try handle.write(contentsOf: Data("RPC_URL_DEV=\(chain.rpcURL)\n".utf8))
                try handle.close()
                let check = try await IndexerProcess.run(["config", "check"], folder: folder, environment: environment)
                #expect(check.contains("RPC_URL_DEV") && check.contains("\(dotEnv.path):4"), "\(check)")
                kill(first.pid, SIGTERM)
                #expect(await first.exitStatus() == 0, "\(first.logTail())")
                let second = try IndexerProcess.launch(["indexer", "run"], folder: folder, environment: environment)
                defer { second.terminate() }
                try await IndexerProcess.waitForCheckpoint(reader, atLeast: newHead, indexer: second)
                let expected = try await Rig.freshDump(of: chain, backend: .postgresql)
                let actual = try await reader.dump(chain: "dev")
                #expect(actual == expected, "\(actual.differences(from: expected))")
            }
        }
    }

    @Test("PostgreSQL restarted mid-run: the indexer reconnects, takes a new lease and resumes with no gap")
    func postgresRestart() async throws {
        try await TestChain.with(deploy: true) { chain in
            try await PostgresServer.with { server in
                let folder = try IndexerProcess.temporaryFolder()
                var activity = try await Activity.start(on: chain)
                let indexer = try IndexerProcess.launch(
                    ["indexer", "run"], folder: folder,
                    environment: try IndexerProcess.environment(chain, database: ["DATABASE_URL": server.url.urlString])
                )
                defer { indexer.terminate() }
                let reader = DatabaseReader.postgres(server.url)
                let head = try await chain.client.blockNumber()
                try await IndexerProcess.waitForCheckpoint(reader, atLeast: head, indexer: indexer)
                let epochBefore = try await reader.int("SELECT epoch FROM indexer_state WHERE chain = 'dev'")

                try await server.halt()
                for step in 0..<6 { try await activity.step(kind: step, account: step, tag: "while-pg-down-\(step)") }
                // Long enough for the indexer to notice (a poll, a failed batch or lease check).
                try await Task.sleep(for: .seconds(4))
                #expect(indexer.isRunning, "the indexer must survive a database outage: \(indexer.logTail())")
                try await server.resume()

                let newHead = try await chain.client.blockNumber()
                try await IndexerProcess.waitForCheckpoint(reader, atLeast: newHead, indexer: indexer)
                let epochAfter = try await reader.int("SELECT epoch FROM indexer_state WHERE chain = 'dev'")
                #expect(epochAfter > epochBefore, "a new lease after the restart (fencing epoch \(epochBefore) → \(epochAfter))")
                let expected = try await Rig.freshDump(of: chain, backend: .postgresql)
                let actual = try await reader.dump(chain: "dev")
                #expect(actual == expected, "\(actual.differences(from: expected))")
                kill(indexer.pid, SIGTERM)
                #expect(await indexer.exitStatus() == 0, "\(indexer.logTail())")
            }
        }
    }
}

/// Starting `takumi` from a test and watching it.
enum IndexerProcess {
    static var executable: String { TakumiProcess.executable.path }

    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("takumi-proc-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// The test process's environment without anything that configures
    /// takumi, plus the chain's deployment and node, plus `database`.
    static func environment(_ chain: TestChain, database: [String: String]) throws -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("RPC_URL_") && !["PORT", "CHAIN", "DATABASE_URL", "SQLITE_PATH", "REDIS_URL", "DEPLOYMENT_FILE"].contains($0.key)
        }
        environment["DEPLOYMENT_FILE"] = try #require(chain.manifestURL).path
        environment["RPC_URL_DEV"] = chain.rpcURL
        environment["LOG_LEVEL"] = "debug"
        environment.merge(database) { _, new in new }
        return environment
    }

    static func launch(_ arguments: [String], folder: URL, environment: [String: String]) throws -> ChildProcess {
        try ChildProcess.launch(
            executable, arguments, in: folder, environment: environment,
            log: folder.appendingPathComponent("takumi-\(UUID().uuidString.prefix(6)).log")
        )
    }

    /// Runs a short command to the end and returns what it printed (stdout and stderr).
    static func run(_ arguments: [String], folder: URL, environment: [String: String]) async throws -> String {
        let process = try launch(arguments, folder: folder, environment: environment)
        _ = await process.exitStatus()
        return process.logTail(20_000)
    }

    /// The port the metrics server logged after binding port 0.
    static func metricsPort(of process: ChildProcess) async throws -> Int {
        for _ in 0..<600 {
            let log = process.logTail(100_000)
            if let range = log.range(of: #"http://127\.0\.0\.1:[0-9]+/metrics"#, options: .regularExpression) {
                let text = log[range].dropFirst("http://127.0.0.1:".count).dropLast("/metrics".count)
                if let port = Int(text) { return port }
            }
            guard process.isRunning else { throw ReaderError("takumi exited before serving metrics: \(process.logTail())") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ReaderError("no metrics URL logged within 60 s: \(process.logTail())")
    }

    /// Scrapes `/metrics` until `condition` holds (at most 90 s); returns that scrape.
    static func waitForMetrics(port: Int, indexer: ChildProcess, until condition: (String) -> Bool) async throws -> String {
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/metrics"))
        var last = ""
        for _ in 0..<450 {
            let (data, response) = try await URLSession.shared.data(from: url)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
            #expect((response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            last = String(decoding: data, as: UTF8.self)
            if condition(last) { return last }
            guard indexer.isRunning else { throw ReaderError("takumi exited: \(indexer.logTail())") }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ReaderError("the metrics never met the condition; last scrape:\n\(last.prefix(3000))")
    }

    /// The value of one sample line (`name{labels} value`) of a Prometheus text.
    static func value(of sample: String, in text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(sample + " ") {
            return Double(line.dropFirst(sample.count + 1))
        }
        return nil
    }

    static func checkpoint(_ reader: DatabaseReader) async throws -> UInt64? {
        try await reader.scalar("SELECT last_synced_block FROM indexer_state WHERE chain = 'dev'").flatMap { UInt64($0) }
    }

    /// Polls `indexer_state` until the checkpoint reaches `block` (at most 120 s).
    static func waitForCheckpoint(_ reader: DatabaseReader, atLeast block: UInt64, indexer: ChildProcess) async throws {
        var seen = "nothing read yet"
        for _ in 0..<600 {
            // The database may be down or not yet migrated: keep polling.
            do {
                let checkpoint = try await checkpoint(reader)
                if let checkpoint, checkpoint >= block { return }
                seen = "checkpoint \(checkpoint.map(String.init) ?? "NULL")"
            } catch {
                seen = "read failed: \(error)"
            }
            guard indexer.isRunning else { throw ReaderError("takumi exited: \(indexer.logTail())") }
            try await Task.sleep(for: .milliseconds(200))
        }
        // What the process was doing: its recent log (process tests run it at
        // LOG_LEVEL=debug: every batch and pool connection is there) and its threads.
        throw ReaderError("""
            the checkpoint did not reach \(block) within 120 s (last poll: \(seen))
            threads: \(indexer.threadStacks() ?? "gdb not available")
            log: \(indexer.logTail(6_000))
            """)
    }
}

/// A PostgreSQL server of one test's own (`scripts/pg` in a private services
/// folder), so the test can stop and start it under a running indexer.
struct PostgresServer {
    let services: URL
    let url: PostgresURL

    /// Starts a server, runs `body`, and stops the server and deletes its data whatever happens.
    static func with<T: Sendable>(_ body: (PostgresServer) async throws -> T) async throws -> T {
        let services = FileManager.default.temporaryDirectory.appendingPathComponent("takumi-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: services, withIntermediateDirectories: true)
        let result: Result<T, any Error>
        do {
            let output = try await script("start", services: services)
            guard let line = output.split(separator: "\n").last(where: { $0.contains("postgres://") }),
                  let start = line.range(of: "postgres://")
            else { throw ReaderError("scripts/pg start printed no URL: \(output)") }
            let server = PostgresServer(services: services, url: try PostgresURL(String(line[start.lowerBound...])))
            result = .success(try await body(server))
        } catch {
            result = .failure(error)
        }
        _ = try? await script("stop", services: services)
        try? FileManager.default.removeItem(at: services)
        return try result.get()
    }

    /// Stops the server, keeping its data and port.
    func halt() async throws { _ = try await Self.script("halt", services: services) }

    /// Starts it again on the same port with the same data.
    func resume() async throws { _ = try await Self.script("start", services: services) }

    @discardableResult
    static func script(_ verb: String, services: URL) async throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["TAKUMI_SERVICES_DIR"] = services.path
        // Output in files (runToEnd), not pipes: the server started by `pg_ctl`
        // inherits the descriptors, and a pipe would never reach end-of-file.
        let outcome = try await ChildProcess.runToEnd(
            TestChain.repositoryRoot.appendingPathComponent("scripts/pg").path, [verb], environment: environment
        )
        let output = outcome.output + outcome.error
        guard outcome.status == 0 else { throw ReaderError("scripts/pg \(verb) failed: \(output)") }
        return output
    }
}
