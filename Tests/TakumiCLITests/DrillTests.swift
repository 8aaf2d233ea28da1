import Ethereum
import EthereumRPC
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import TakumiStore
import Testing
import TestSupport

/// Issue 7's drill: docs/RUNBOOK.md's P0 procedure run end to end against a
/// deployed and seeded dev node (profiles, claims, verifiers: a system in
/// use) with `takumi serve` (API + indexer + exploit detector, AUTO_PAUSE
/// with the guardian key, an empty denylist) running all along.
///
/// 1. SkillClaimVulnerable (`initialize` lost its run-once guard) is deployed
///    with `deploy.py implementation` and installed by a multisig upgrade.
/// 2. The exploit: an outsider re-initialises SkillClaim and grants itself
///    every role. Rule 1 (a role granted outside a multisig execution) fires
///    and the detector pauses all four contracts within 2 blocks.
/// 3. The API says so: `X-Takumi-Paused: true`, the banner on `/status`.
/// 4. A second pause run: unpause through the multisig, `takumi contracts
///    pause --all` by hand.
/// 5. The fix (SkillClaimFixed) is rehearsed on a second dev node with a
///    `sepolia` manifest (`--network sepolia`), then deployed and upgraded on
///    the first through the multisig with the layout check; `version()` changes.
/// 6. Unpause through the multisig. 7. The exploit now reverts.
/// 8. The indexer kept up throughout: synced to the head, `chain_events`
///    holds exactly the chain's logs of our contracts.
/// 9. The guardian key is rotated through the multisig; the old key's pause
///    fails with "missing role".
@Suite("the runbook's P0 drill", .serialized)
struct DrillTests {
    static let names = ["SkillProfile", "SkillClaim", "Endorsement", "VerifierRegistry"]

    @Test("the runbook's P0 drill")
    func drill() async throws {
        try await TestChain.with(deploy: true, seed: true) { chain in
            let processes = TakumiProcesses()
            do {
                try await Self.run(chain, processes)
                await processes.killAll()
            } catch {
                await processes.killAll()
                throw error
            }
        }
    }

    static func run(_ chain: TestChain, _ processes: TakumiProcesses) async throws {
        let manifest = try #require(chain.manifest)
        let folder = try Takumi.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let env = try await Sending.settings(chain, folder: folder)
        let sqlitePath = try #require(env["SQLITE_PATH"])
        let layouts = folder.appendingPathComponent("layouts")
        let owner1 = MultisigCommandTests.owner(env, chain.multisigOwners[0])
        let owner2 = MultisigCommandTests.owner(env, chain.multisigOwners[1])
        let proxies = try Dictionary(uniqueKeysWithValues: names.map { ($0, try #require(manifest.contracts[$0]).proxy) })
        let skillClaim = try #require(proxies["SkillClaim"])
        let attacker = TestChain.devKeys[9]

        // takumi serve: API + indexer + exploit detector; AUTO_PAUSE with the guardian key, empty denylist.
        let serveFolder = folder.appendingPathComponent("serve")
        try FileManager.default.createDirectory(at: serveFolder, withIntermediateDirectories: true)
        let serve = try processes.launch(["serve", "--port", "0"], settings: [
            "CHAIN": "dev", "RPC_URL_DEV": chain.rpcURL, "DEPLOYMENT_FILE": try #require(chain.manifestURL).path,
            "SQLITE_PATH": sqlitePath, "LOG_FORMAT": "json", "AUTO_PAUSE": "true",
            "EMERGENCY_ADMIN_KEY": Sending.hex(chain.guardian), "SECURITY_APPROVAL_BURST": "3/10",
            "JWT_SECRET": String(repeating: "d", count: 40),
        ], folder: serveFolder, logName: "serve.log")
        let base = try await serve.servedURL()
        try await eventually("GET /ready = 200", serve) { try await get(base + "/ready").status == 200 }
        #expect(try await get(base + "/api/v1/stats").paused == nil)

        // (1) The vulnerable implementation: deployed as a candidate, installed by a 2-of-3 upgrade.
        let vulnerable = try await deployImplementation(
            chain.rpcURL, network: "dev", source: "SkillClaimVulnerable.vy",
            manifestDir: try #require(chain.manifestURL).deletingLastPathComponent(), layouts: layouts
        )
        let installed = try await upgrade(to: vulnerable, propose: owner1, confirm: owner2)
        #expect(installed.contains("SkillClaim now runs \(vulnerable.checksummed): version() 1.0.0 → 1.0.1"), "\(installed)")
        #expect(try await Sending.call(chain, skillClaim, "version()(string)").first?.string == "1.0.1")
        try await waitForIndexerAtHead(chain, base, serve)
        #expect(try await alertCount(sqlitePath) == 0, "the multisig's own upgrade is not an alert")

        // (2) The exploit, on a chain that makes a block every 3 s, empty or not, as a real
        // chain does (a quarter of mainnet's 12 s): transactions wait in the pool for the next
        // block, so "within 2 blocks" bounds the detector's reaction time (≈ 6 s), not only batching.
        var ticker = try await BlockTicker(chain, every: .seconds(3))
        defer { ticker.stop() }
        let exploitData = try ChainCommandTests.calldata("initialize(address,address,address,address,address)", [
            .address(attacker.address), .address(attacker.address), .address(attacker.address),
            .address(try #require(proxies["SkillProfile"])), .address(try #require(proxies["VerifierRegistry"])),
        ])
        let exploit = try await send(chain, from: attacker, to: skillClaim, data: exploitData)
        let exploitMined = ContinuousClock.now  // the exploit is on chain (its receipt seen)
        #expect(exploit.succeeded, "SkillClaim 1.0.1 lets anyone re-initialise")
        let operatorRole = Keccak256.hash(Array("OPERATOR_ROLE".utf8))
        #expect(try await Sending.call(chain, skillClaim, "hasRole(bytes32,address)(bool)", [.fixedBytes(operatorRole), .address(attacker.address)]).first?.bool == true)
        try await eventually("every contract paused by the detector", serve, timeout: .seconds(120)) {
            for proxy in proxies.values where try await !Sending.paused(chain, proxy) { return false }
            return true
        }
        let pauseSeconds = seconds(since: exploitMined)
        let pausedTopic = Keccak256.hash(Array("Paused(address)".utf8))
        let head = try await chain.client.blockNumber()
        let pauses = try await chain.client.logs(addresses: Array(proxies.values), from: exploit.blockNumber, to: head)
            .filter { $0.topics.first == pausedTopic }
        #expect(Set(pauses.map(\.address)) == Set(proxies.values), "one Paused per contract")
        let lastPauseBlock = try #require(pauses.map(\.blockNumber).max())
        #expect(lastPauseBlock - exploit.blockNumber <= 2, "paused within 2 blocks of the exploit: exploit \(exploit.blockNumber), pauses \(pauses.map(\.blockNumber))")
        for log in pauses {
            let receipt = try #require(try await chain.client.receipt(of: log.transactionHash))
            #expect(receipt.from == chain.guardian.address, "paused with the guardian key")
        }
        let status = try await statusJSON(env)
        for name in names { #expect(contract(name, in: status)["paused"] as? Bool == true, "contracts status: \(name) paused") }
        #expect(try await alertCount(sqlitePath, tx: exploit.transactionHash.hex) >= 1, "the exploit fired a rule")
        let explained = try await Takumi.run(["chain", "tx", exploit.transactionHash.hex], environment: env)
        #expect(explained.status == 0 && explained.output.contains("RoleGranted"), "\(explained.output)\n\(explained.error)")

        // (3) The API shows it.
        try await eventually("X-Takumi-Paused: true", serve) { try await get(base + "/api/v1/stats").paused == "true" }
        let page = try await get(base + "/status")
        #expect(page.paused == "true")
        let banner = page.body.split(separator: "\n").first { $0.contains("Contracts paused: ") } ?? ""
        #expect(names.allSatisfy { banner.contains($0) }, "the paused banner names all four: \(page.body)")
        #expect(page.body.contains("Privileged change outside the multisig"), "the P0 incident on /status")

        // (4) A second run of the pause: unpause through the multisig, then `pause --all` by hand.
        try await ticker.finish()
        try await unpauseAll(propose: owner1, confirm: owner2)
        for (name, proxy) in proxies { #expect(try await !Sending.paused(chain, proxy), "\(name) unpaused") }
        ticker = try await BlockTicker(chain, every: .seconds(3))
        var guardianEnv = env
        guardianEnv["EMERGENCY_ADMIN_KEY"] = Sending.hex(chain.guardian)
        let manual = try await Takumi.run(["contracts", "pause", "--all", "--yes"], environment: guardianEnv)
        #expect(manual.status == 0, "\(manual.output)\n\(manual.error)")
        var manualBlocks = Set<UInt64>()
        for (summary, _, hash) in Sending.sent(manual.output) {
            let receipt = try #require(try await chain.client.receipt(of: hash), "\(summary) mined")
            #expect(receipt.succeeded)
            manualBlocks.insert(receipt.blockNumber)
        }
        #expect(manualBlocks.count >= 1 && manualBlocks.count <= 2, "\(manualBlocks.sorted())")
        for (name, proxy) in proxies { #expect(try await Sending.paused(chain, proxy), "\(name) paused by hand") }
        try await ticker.finish()

        // (5) The fix, rehearsed on a second dev node whose manifest is labelled `sepolia`.
        try await TestChain.with(deploy: true, network: "sepolia") { rehearsal in
            let work = folder.appendingPathComponent("rehearsal")
            let deployments = work.appendingPathComponent("chain/deployments")
            try FileManager.default.createDirectory(at: deployments, withIntermediateDirectories: true)
            try copyManifest(try #require(rehearsal.manifestURL), to: deployments.appendingPathComponent("sepolia.json"))
            let fixed = try await deployImplementation(
                rehearsal.rpcURL, network: "sepolia", source: "SkillClaimFixed.vy", manifestDir: deployments,
                layouts: folder.appendingPathComponent("layouts-sepolia")
            )
            let sepolia = ["RPC_URL_SEPOLIA": rehearsal.rpcURL, "LOG_FORMAT": "text", "CHAIN": "dev"]
            let owner = { (key: PrivateKey) in sepolia.merging(["MULTISIG_OWNER_KEY": Sending.hex(key)]) { $1 } }
            let proposed = try await Takumi.run(
                ["contracts", "upgrade", "SkillClaim", "--implementation", fixed.checksummed, "--network", "sepolia", "--yes"],
                environment: owner(rehearsal.multisigOwners[0]), in: work
            )
            #expect(proposed.status == 0, "\(proposed.output)\n\(proposed.error)")
            #expect(proposed.output.contains("version             1.0.0 → 1.0.2"), "\(proposed.output)")
            let id = try #require(proposalID(proposed.output), "\(proposed.output)")
            let confirmed = try await Takumi.run(["multisig", "confirm", id, "--network", "sepolia", "--yes"], environment: owner(rehearsal.multisigOwners[1]), in: work)
            #expect(confirmed.status == 0, "\(confirmed.error)")
            let executed = try await Takumi.run(["multisig", "execute", id, "--network", "sepolia", "--yes"], environment: owner(rehearsal.multisigOwners[1]), in: work)
            #expect(executed.output.contains("SkillClaim now runs \(fixed.checksummed): version() 1.0.0 → 1.0.2"), "\(executed.output)\n\(executed.error)")
            let version = try await Takumi.run(["chain", "call", "SkillClaim", "version()(string)", "--network", "sepolia"], environment: sepolia, in: work)
            #expect(version.output.contains("1.0.2"), "\(version.output)\n\(version.error)")
        }
        // …then for real on the first node, through the multisig with the layout check.
        let fixed = try await deployImplementation(
            chain.rpcURL, network: "dev", source: "SkillClaimFixed.vy",
            manifestDir: try #require(chain.manifestURL).deletingLastPathComponent(), layouts: layouts
        )
        let upgraded = try await upgrade(to: fixed, propose: owner1, confirm: owner2, expecting: "version             1.0.1 → 1.0.2")
        #expect(upgraded.contains("SkillClaim now runs \(fixed.checksummed): version() 1.0.1 → 1.0.2"), "\(upgraded)")
        let version = try await Takumi.run(["chain", "call", "SkillClaim", "version()(string)"], environment: env)
        #expect(version.output.contains("1.0.2"), "\(version.output)\n\(version.error)")

        // (6) Unpause through the multisig: recovery.
        try await unpauseAll(propose: owner1, confirm: owner2)
        for (name, proxy) in proxies { #expect(try await !Sending.paused(chain, proxy), "\(name) running again") }
        let recoverySeconds = seconds(since: exploitMined)
        try await eventually("X-Takumi-Paused gone", serve) { try await get(base + "/api/v1/stats").paused == nil }

        // (7) The exploit now fails.
        let retried = try await send(chain, from: attacker, to: skillClaim, data: exploitData)
        #expect(!retried.succeeded, "re-initialising SkillClaim 1.0.2 reverts")
        let why = try await Takumi.run(["chain", "tx", retried.transactionHash.hex], environment: env)
        #expect(why.output.contains("already initialized"), "\(why.output)\n\(why.error)")

        // (9) Rotate the guardian key through the multisig: grant PAUSER_ROLE to a new key, revoke the old.
        let newGuardian = TestChain.devKeys[7]
        for name in names {
            try await multisigRun(["grant-role", "PAUSER_ROLE", newGuardian.address.checksummed, "--contract", name], propose: owner1, confirm: owner2)
            try await multisigRun(["revoke-role", "PAUSER_ROLE", chain.guardian.address.checksummed, "--contract", name], propose: owner1, confirm: owner2)
        }
        let old = try await Takumi.run(["contracts", "pause", "--all", "--yes"], environment: guardianEnv)
        #expect(old.status == 1 && old.error.contains("missing role"), "\(old.output)\n\(old.error)")
        #expect(Sending.sent(old.output).isEmpty)
        let keyFile = try Sending.keyFile(newGuardian, mode: 0o600, in: folder, name: "guardian.key")
        let rotated = try await Takumi.run(["contracts", "pause", "--contract", "SkillClaim", "--key-file", keyFile, "--yes"], environment: env)
        #expect(rotated.status == 0, "\(rotated.output)\n\(rotated.error)")
        #expect(try await Sending.paused(chain, skillClaim), "the new guardian key pauses")

        // (8) Indexing continued throughout with no gap: synced to the head, every log indexed once.
        let synced = try await waitForIndexerAtHead(chain, base, serve)
        let logs = try await chain.client.logs(addresses: manifest.indexedAddresses, from: 0, to: synced)
        let store = try SQLiteStore(path: sqlitePath, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let indexed = try await store.reader().eventCount(chain: "dev")
        #expect(indexed == logs.count, "chain_events \(indexed), eth_getLogs \(logs.count) up to block \(synced)")
        #expect(try await alertCount(sqlitePath) == 1, "one alert: the exploit")
        #expect(serve.isRunning)
        #expect(!serve.output.contains("\"level\":\"error\""), "no error logged:\n\(serve.outputTail(4_000))")

        print(String(format: "drill: exploit → pause %.1f s, → recovery %.1f s", pauseSeconds, recoverySeconds))
        print("drill: exploit in block \(exploit.blockNumber), auto-pause in block(s) \(Set(pauses.map(\.blockNumber)).sorted()), manual pause in block(s) \(manualBlocks.sorted())")
        _ = try await serve.stop(timeout: .seconds(60))
    }

    // MARK: Steps

    /// `chain/deploy.py implementation SkillClaim --source contracts/fixtures/SOURCE`: the candidate's address.
    static func deployImplementation(_ rpc: String, network: String, source: String, manifestDir: URL, layouts: URL) async throws -> Address {
        let log = manifestDir.appendingPathComponent("implementation-\(UUID().uuidString.prefix(6)).log")
        let process = try ChildProcess.launch(
            TestChain.python.path,
            ["deploy.py", "implementation", "SkillClaim", "--source", "contracts/fixtures/\(source)", "--rpc", rpc,
             "--network", network, "--manifest-dir", manifestDir.path, "--layouts-dir", layouts.path],
            in: TestChain.repositoryRoot.appendingPathComponent("chain"), log: log
        )
        let status = await process.exitStatus()
        #expect(status == 0, "\(process.logTail())")
        let lines = process.logTail(4000).split(separator: "\n")
        return try Address(String(try #require(lines.last { $0.hasPrefix("0x") && $0.count == 42 }, "\(process.logTail())")))
    }

    /// Copies a manifest to another folder, its relative `abi` and `layout` paths made absolute (they are relative to the manifest's folder).
    static func copyManifest(_ source: URL, to target: URL) throws {
        let folder = source.deletingLastPathComponent()
        func absolute(_ value: Any) -> Any {
            if var object = value as? [String: Any] {
                for (key, member) in object {
                    if key == "layout" || key == "abi", let path = member as? String, !path.hasPrefix("/") {
                        object[key] = folder.appendingPathComponent(path).standardizedFileURL.path
                    } else {
                        object[key] = absolute(member)
                    }
                }
                return object
            }
            if let array = value as? [Any] { return array.map(absolute) }
            return value
        }
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: source))
        try JSONSerialization.data(withJSONObject: absolute(document), options: [.prettyPrinted, .sortedKeys]).write(to: target)
    }

    /// `takumi contracts upgrade SkillClaim` (owner 1), confirmed and executed by owner 2: the execute output.
    static func upgrade(to implementation: Address, propose: [String: String], confirm: [String: String], expecting: String = "version             1.0.0 → 1.0.1") async throws -> String {
        let proposed = try await Takumi.run(["contracts", "upgrade", "SkillClaim", "--implementation", implementation.checksummed, "--yes"], environment: propose)
        #expect(proposed.status == 0, "\(proposed.output)\n\(proposed.error)")
        #expect(proposed.output.contains(expecting), "\(proposed.output)")
        #expect(proposed.output.contains("storage layout "), "the layout check ran: \(proposed.output)")
        let id = try #require(proposalID(proposed.output), "\(proposed.output)\n\(proposed.error)")
        let confirmed = try await Takumi.run(["multisig", "confirm", id, "--yes"], environment: confirm)
        #expect(confirmed.status == 0, "\(confirmed.error)")
        let executed = try await Takumi.run(["multisig", "execute", id, "--yes"], environment: confirm)
        #expect(executed.status == 0, "\(executed.output)\n\(executed.error)")
        return executed.output
    }

    /// `takumi multisig propose ARGS…` by owner 1, confirm and execute by owner 2.
    static func multisigRun(_ arguments: [String], propose: [String: String], confirm: [String: String]) async throws {
        let proposed = try await Takumi.run(["multisig", "propose"] + arguments + ["--yes"], environment: propose)
        #expect(proposed.status == 0, "\(arguments): \(proposed.output)\n\(proposed.error)")
        let id = try #require(proposalID(proposed.output), "\(proposed.output)\n\(proposed.error)")
        let confirmed = try await Takumi.run(["multisig", "confirm", id, "--yes"], environment: confirm)
        #expect(confirmed.status == 0, "\(confirmed.error)")
        let executed = try await Takumi.run(["multisig", "execute", id, "--yes"], environment: confirm)
        #expect(executed.status == 0, "\(arguments): \(executed.output)\n\(executed.error)")
    }

    /// One unpause proposal per contract (the runbook's step 8).
    static func unpauseAll(propose: [String: String], confirm: [String: String]) async throws {
        for name in names { try await multisigRun(["unpause", name], propose: propose, confirm: confirm) }
    }

    static func proposalID(_ output: String) -> String? {
        guard let match = output.firstMatch(of: /proposal (\d+):/) else { return nil }
        return String(match.1)
    }

    // MARK: Chain, database, API

    /// Block production as on a real chain: automine off, `evm_mine` every `interval`
    /// (the block takes whatever waits in the pool). ``finish()`` turns automine back on.
    struct BlockTicker {
        let chain: TestChain
        let task: Task<Void, Never>

        init(_ chain: TestChain, every interval: Duration) async throws {
            try await Sending.setAutomine(chain, false)
            self.chain = chain
            task = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    if Task.isCancelled { return }
                    try? await chain.mine()
                }
            }
        }

        func stop() { task.cancel() }

        func finish() async throws {
            task.cancel()
            await task.value
            try await Sending.setAutomine(chain, true)
        }
    }

    /// Signs and sends from `key`, waits (generously: the node may mine by interval) for the receipt.
    static func send(_ chain: TestChain, from key: PrivateKey, to: Address, data: [UInt8]) async throws -> RPCReceipt {
        let nonce = try await chain.client.transactionCount(of: key.address, at: .pending)
        let transaction = Transaction.eip1559(EIP1559Transaction(
            chainID: TestChain.chainID, nonce: nonce, maxPriorityFeePerGas: 1_000_000_000, maxFeePerGas: 100_000_000_000,
            gasLimit: 3_000_000, to: to, value: .init(0), data: data
        ))
        let hash = try await chain.client.sendRawTransaction(try transaction.signed(with: key).rawEncoding)
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let receipt = try await chain.client.receipt(of: hash) { return receipt }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TakumiProcessError("no receipt for \(hash.hex) within 60 s")
    }

    static func alertCount(_ path: String, tx: String? = nil) async throws -> Int {
        let store = try SQLiteStore(path: path, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        return try await store.access().securityAlertCount(chain: "dev", txHash: tx)
    }

    static func statusJSON(_ env: [String: String]) async throws -> [String: Any] {
        let result = try await Takumi.run(["contracts", "status", "--json"], environment: env)
        #expect(result.status == 0, "\(result.error)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
    }

    static func contract(_ name: String, in status: [String: Any]) -> [String: Any] {
        (status["contracts"] as? [[String: Any]])?.first { $0["name"] as? String == name } ?? [:]
    }

    /// Waits until `/metrics/indexer` says the synced block is the node's head; returns it.
    @discardableResult
    static func waitForIndexerAtHead(_ chain: TestChain, _ base: String, _ serve: TakumiProcess) async throws -> UInt64 {
        var synced: UInt64 = 0
        try await eventually("the indexer at the head", serve, timeout: .seconds(120)) {
            let head = try await chain.client.blockNumber()
            let metrics = try JSONSerialization.jsonObject(with: Data(try await get(base + "/metrics/indexer").body.utf8)) as? [String: Any]
            let dev = (metrics?["chains"] as? [[String: Any]])?.first { $0["chain"] as? String == "dev" }
            guard let block = (dev?["syncedBlock"] as? NSNumber)?.uint64Value ?? (dev?["syncedBlock"] as? [String: Any]).flatMap({ ($0["number"] as? NSNumber)?.uint64Value }) else { return false }
            synced = block
            return block == head
        }
        return synced
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    struct Fetched {
        var status: Int
        var paused: String?
        var body: String
    }

    static func get(_ url: String) async throws -> Fetched {
        var request = URLRequest(url: try #require(URL(string: url)))
        request.timeoutInterval = 10
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        return Fetched(status: http.statusCode, paused: http.value(forHTTPHeaderField: "X-Takumi-Paused"), body: String(decoding: data, as: UTF8.self))
    }


    /// Polls `condition` until `timeout` (a bound on "never", not a latency target).
    static func eventually(_ what: String, _ process: TakumiProcess, timeout: Duration = .seconds(90), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return }
            if !process.isRunning { throw TakumiProcessError("takumi serve exited while waiting for \(what):\n\(process.outputTail())") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TakumiProcessError("\(what): not within \(timeout):\n\(process.outputTail())")
    }
}
