import Ethereum
import Foundation
import Testing
import TestSupport

/// `takumi contracts status` against a real dev chain with Takumi deployed:
/// what it reads must be what `deploy.py` set up (the manifest and the
/// deployment README's role table), a pause must show, role holders from
/// logs must equal those the indexer wrote to `role_members`, and
/// `--network` must pick the manifest and RPC URLs by name.
@Suite("takumi contracts status")
struct ContractsStatusTests {
    static func status(_ arguments: [String] = [], _ environment: [String: String], in folder: URL? = nil) async throws -> (Takumi.Result, [String: Any]) {
        let result = try await Takumi.run(["contracts", "status", "--json"] + arguments, environment: environment, in: folder)
        let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        return (result, object ?? [:])
    }

    static func contract(_ name: String, in status: [String: Any]) -> [String: Any] {
        (status["contracts"] as? [[String: Any]])?.first { $0["name"] as? String == name } ?? [:]
    }

    static func holders(_ role: String, of name: String, in status: [String: Any]) -> [String]? {
        (contract(name, in: status)["roles"] as? [String: [String]])?[role]
    }

    @Test("proxies, implementations, versions, paused flags, role holders (from logs) and the multisig, as deployed; a pause shows")
    func statusFromLogs() async throws {
        try await TestChain.with(deploy: true) { chain in
            let manifest = try #require(chain.manifest)
            let env = try ChainCommandTests.settings(chain)
            let (result, status) = try await Self.status([], env)
            #expect(result.status == 0, "\(result.error)")
            #expect(status["network"] as? String == "dev" && status["chainId"] as? Int == 31337)
            #expect((status["roleSource"] as? [String: Any])?["kind"] as? String == "logs")
            let multisig = manifest.multisig.address.checksummed
            for name in ["SkillProfile", "SkillClaim", "Endorsement", "VerifierRegistry"] {
                let entry = try #require(manifest.contracts[name])
                let contract = Self.contract(name, in: status)
                #expect(contract["proxy"] as? String == entry.proxy.checksummed)
                #expect(contract["implementation"] as? String == entry.implementation.checksummed, "ERC-1967 slot of \(name)")
                #expect(contract["implementationMatchesManifest"] as? Bool == true)
                #expect(contract["version"] as? String == "1.0.0")
                #expect(contract["paused"] as? Bool == false)
                // The deployer granted itself the admin roles, handed them to the multisig and
                // renounced: the revocations must be replayed, not only the grants.
                #expect(Self.holders("DEFAULT_ADMIN_ROLE", of: name, in: status) == [multisig], "\(name)")
                #expect(Self.holders("UPGRADER_ROLE", of: name, in: status) == [multisig], "\(name)")
                #expect(Self.holders("PAUSER_ROLE", of: name, in: status) == [manifest.accounts.guardian.checksummed], "\(name)")
            }
            for name in ["SkillClaim", "VerifierRegistry"] {
                #expect(Self.holders("OPERATOR_ROLE", of: name, in: status) == [manifest.accounts.operatorAccount.checksummed])
            }
            #expect(Self.holders("CLAIMS_ROLE", of: "SkillProfile", in: status) == [try #require(manifest.contracts["SkillClaim"]).proxy.checksummed])
            let wallet = try #require(status["multisig"] as? [String: Any])
            #expect(wallet["owners"] as? [String] == manifest.accounts.multisigOwners.map(\.checksummed))
            #expect(wallet["threshold"] as? Int == 2)

            // The guardian pauses SkillProfile: status shows it, in JSON and in text.
            let profile = try #require(manifest.contracts["SkillProfile"]).proxy
            let paused = try await chain.send(from: chain.guardian, to: profile, data: ChainCommandTests.calldata("pause()"))
            #expect(paused.succeeded)
            let (_, after) = try await Self.status([], env)
            #expect(Self.contract("SkillProfile", in: after)["paused"] as? Bool == true)
            #expect(Self.contract("SkillClaim", in: after)["paused"] as? Bool == false)
            let text = try await Takumi.run(["contracts", "status"], environment: env)
            #expect(text.status == 0)
            #expect(text.output.contains("SkillProfile\n  proxy               \(profile.checksummed)"), "\(text.output)")
            #expect(text.output.contains("  paused              YES\n"))
            #expect(text.output.contains("  PAUSER_ROLE         \(manifest.accounts.guardian.checksummed) (guardian)"))
            #expect(text.output.contains("  threshold           2 of 3"))

            // --network NAME: chain/deployments/NAME.json and RPC_URL_<NAME>, whatever CHAIN says.
            let folder = try Takumi.temporaryFolder()
            let deployments = folder.appendingPathComponent("chain/deployments")
            try FileManager.default.createDirectory(at: deployments, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: try #require(chain.manifestURL), to: deployments.appendingPathComponent("dev.json"))
            let byName = try await Takumi.run(
                ["contracts", "status", "--network", "dev"], environment: ["CHAIN": "sepolia", "RPC_URL_DEV": chain.rpcURL, "LOG_FORMAT": "text"], in: folder
            )
            #expect(byName.status == 0, "\(byName.error)")
            #expect(byName.output.hasPrefix("network dev (chain id 31337)"))
            let unknown = try await Takumi.run(["contracts", "status", "--network", "nosuch"], environment: ["RPC_URL_NOSUCH": chain.rpcURL], in: folder)
            #expect(unknown.status == 2 && unknown.error.contains("chain/deployments/nosuch.json"), "\(unknown.error)")
            let traversal = try await Takumi.run(["chain", "balance", "TakumiMultisig", "--network", "../x"], environment: [:], in: folder)
            #expect(traversal.status == 2 && traversal.error.contains("is not a network name"))

            // pause is built (PauseCommandTests): without a guardian key it refuses with exit 2.
            #expect(try await Takumi.run(["contracts", "pause", "--all"], environment: env).status == 2)
        }
    }

    @Test("with a database the indexer filled, role holders come from role_members and equal those replayed from logs")
    func statusFromDatabase() async throws {
        let processes = TakumiProcesses()
        do {
            try await TestChain.with(deploy: true) { chain in
                let folder = try Takumi.temporaryFolder()
                var env = try ChainCommandTests.settings(chain)
                env["SQLITE_PATH"] = folder.appendingPathComponent("takumi.sqlite").path
                let head = try await chain.client.blockNumber()
                let indexer = try processes.launch(["indexer", "run"], settings: env, folder: folder, logName: "indexer.log")
                // Wait until the indexer has written everything up to the head.
                let deadline = ContinuousClock.now + .seconds(60)
                var synced: UInt64 = 0
                while ContinuousClock.now < deadline, synced < head {
                    let state = try await Takumi.run(["indexer", "status", "--json"], environment: env)
                    let object = try? JSONSerialization.jsonObject(with: Data(state.output.utf8)) as? [String: String]
                    synced = object?["synced"].flatMap { UInt64($0) } ?? 0
                    if synced < head { try await Task.sleep(for: .milliseconds(300)) }
                }
                #expect(synced >= head, "indexer did not catch up: \(indexer.outputTail())")
                _ = try await indexer.stop()

                let (fromDatabase, database) = try await Self.status([], env)
                #expect(fromDatabase.status == 0, "\(fromDatabase.error)")
                let source = try #require(database["roleSource"] as? [String: Any])
                #expect(source["kind"] as? String == "database" && source["backend"] as? String == "sqlite", "\(source)")
                let (_, logs) = try await Self.status(["--roles-from", "logs"], env)
                #expect((logs["roleSource"] as? [String: Any])?["kind"] as? String == "logs")
                for name in ["SkillProfile", "SkillClaim", "Endorsement", "VerifierRegistry"] {
                    let fromRows = Self.contract(name, in: database)["roles"] as? [String: [String]]
                    let fromLogs = Self.contract(name, in: logs)["roles"] as? [String: [String]]
                    #expect(fromRows != nil && fromRows == fromLogs, "\(name): \(fromRows ?? [:]) vs \(fromLogs ?? [:])")
                }
                let badChoice = try await Takumi.run(["contracts", "status", "--roles-from", "guess"], environment: env)
                #expect(badChoice.status == 2)
            }
        } catch {
            await processes.killAll()
            throw error
        }
        await processes.killAll()
    }
}
