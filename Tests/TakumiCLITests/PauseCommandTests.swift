import Ethereum
import EthereumRPC
import Foundation
import Testing
import TestSupport

/// `takumi contracts pause` against a real dev chain: the guardian key
/// pauses all four contracts with consecutive nonces sent back to back
/// (mined together when the node mines by interval), a second run skips,
/// every refusal (missing role, key file readable by others, unfunded key,
/// wrong chain) happens before anything is sent, and a transaction left
/// pending is replaced with higher fees under the same nonce.
@Suite("takumi contracts pause", .serialized)
struct PauseCommandTests {
    static let names = ["SkillProfile", "SkillClaim", "Endorsement", "VerifierRegistry"]

    @Test("--all: four pause transactions, consecutive nonces, at most 2 blocks, audit rows; a second run skips all four")
    func pauseAll() async throws {
        try await TestChain.with(deploy: true) { chain in
            let manifest = try #require(chain.manifest)
            let folder = try Takumi.temporaryFolder()
            var env = try await Sending.settings(chain, folder: folder)
            env["EMERGENCY_ADMIN_KEY"] = Sending.hex(chain.guardian)
            let startNonce = try await chain.client.transactionCount(of: chain.guardian.address, at: .latest)

            // Transactions wait in the node's pool and are mined every 700 ms, as on a real chain:
            // sent back to back, the four land in one block (two if an interval ends between them).
            try await Sending.setAutomine(chain, false)
            try await Sending.setIntervalMining(chain, milliseconds: 700)
            let result = try await Takumi.run(["contracts", "pause", "--all", "--yes"], environment: env)
            #expect(result.status == 0, "\(result.output)\n\(result.error)")
            let sent = Sending.sent(result.output)
            #expect(sent.map(\.summary) == Self.names.map { "\($0).pause()" }, "\(result.output)")
            #expect(sent.map(\.nonce) == (0..<4).map { startNonce + $0 }, "consecutive nonces from the pending count")
            var blocks = Set<UInt64>()
            for (summary, _, hash) in sent {
                let receipt = try #require(try await chain.client.receipt(of: hash), "\(summary) mined")
                #expect(receipt.succeeded && receipt.from == chain.guardian.address)
                blocks.insert(receipt.blockNumber)
                // The report names the tx, its block and gas used.
                #expect(result.output.contains("\(summary)  tx \(hash.hex)  nonce"))
                #expect(result.output.contains("block \(receipt.blockNumber)  gas used \(receipt.gasUsed)"))
            }
            #expect(blocks.count <= 2, "sent without waiting: \(blocks.sorted())")
            for name in Self.names {
                #expect(try await Sending.paused(chain, try #require(manifest.contracts[name]).proxy), "\(name) paused")
            }
            #expect(result.output.contains("4 transactions, nonces \(startNonce)–\(startNonce + 3)"))
            #expect(!result.output.contains(Sending.hex(chain.guardian).dropFirst(2)), "the key is never printed")

            // One audit_log row per transaction: who, what, tx hash.
            let rows = try await Sending.auditLog(env)
            #expect(rows.count == 4)
            for (summary, _, hash) in sent {
                let name = String(summary.prefix { $0 != "." })
                let row = rows.first { $0.target == name }
                #expect(row?.actor == chain.guardian.address.checksummed && row?.action == "contracts.pause")
                #expect(row?.detail.contains(hash.hex) == true && row?.detail.contains("\"status\":\"success\"") == true, "\(row?.detail ?? "")")
            }

            // A second run: all already paused, skipped with a message, nothing sent, exit 0.
            let again = try await Takumi.run(["contracts", "pause", "--all", "--yes"], environment: env)
            #expect(again.status == 0, "\(again.error)")
            for name in Self.names { #expect(again.output.contains("\(name) is already paused: skipped")) }
            #expect(again.output.contains("nothing to pause"))
            #expect(Sending.sent(again.output).isEmpty)
            #expect(try await chain.client.transactionCount(of: chain.guardian.address, at: .pending) == startNonce + 4)
            #expect(try await Sending.auditLog(env).count == 4)
        }
    }

    @Test("refused before sending: missing role, key file mode 0644, unfunded key, wrong chain id, no key")
    func refusals() async throws {
        try await TestChain.with(deploy: true) { chain in
            let manifest = try #require(chain.manifest)
            let folder = try Takumi.temporaryFolder()
            let env = try ChainCommandTests.settings(chain)
            let profile = try #require(manifest.contracts["SkillProfile"]).proxy

            // The operator key holds no PAUSER_ROLE: "missing role", nothing sent.
            let operatorNonce = try await chain.client.transactionCount(of: chain.operatorKey.address)
            var wrongKey = env
            wrongKey["EMERGENCY_ADMIN_KEY"] = Sending.hex(chain.operatorKey)
            let missing = try await Takumi.run(["contracts", "pause", "--all", "--yes"], environment: wrongKey)
            #expect(missing.status == 1)
            #expect(missing.error.contains("missing role: \(chain.operatorKey.address.checksummed) does not hold PAUSER_ROLE on SkillProfile, SkillClaim, Endorsement, VerifierRegistry"), "\(missing.error)")
            #expect(try await chain.client.transactionCount(of: chain.operatorKey.address) == operatorNonce)

            // A key file others can read is refused (exit 2); the same key at 0600 is accepted.
            let loose = try Sending.keyFile(chain.guardian, mode: 0o644, in: folder, name: "loose")
            let refused = try await Takumi.run(["contracts", "pause", "--contract", "SkillProfile", "--yes", "--key-file", loose], environment: env)
            #expect(refused.status == 2)
            #expect(refused.error.contains("has mode 0644: refusing a key others can read"), "\(refused.error)")
            #expect(!refused.error.contains(Sending.hex(chain.guardian).dropFirst(2)))
            #expect(try await !Sending.paused(chain, profile))

            // No key at all: exit 2 naming both ways to give one.
            let noKey = try await Takumi.run(["contracts", "pause", "--all", "--yes"], environment: env)
            #expect(noKey.status == 2 && noKey.error.contains("set EMERGENCY_ADMIN_KEY or pass --key-file"), "\(noKey.error)")

            // An unfunded key that does hold PAUSER_ROLE (granted through the multisig): "unfunded".
            let empty = PrivateKey.random()
            try await Sending.multisigRun(chain, target: profile, data: try ChainCommandTests.calldata(
                "grantRole(bytes32,address)", [.fixedBytes(Keccak256.hash(Array("PAUSER_ROLE".utf8))), .address(empty.address)]
            ))
            let emptyFile = try Sending.keyFile(empty, mode: 0o600, in: folder, name: "empty")
            let unfunded = try await Takumi.run(["contracts", "pause", "--contract", "SkillProfile", "--yes", "--key-file", emptyFile], environment: env)
            #expect(unfunded.status == 1)
            #expect(unfunded.error.contains("unfunded: \(empty.address.checksummed) holds 0 ETH"), "\(unfunded.error)")
            #expect(try await chain.client.transactionCount(of: empty.address) == 0)

            // A manifest for another chain id than the node serves: "wrong chain", nothing signed.
            let manifestURL = try #require(chain.manifestURL)
            var document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as? [String: Any])
            document["chainId"] = 5
            let otherManifest = manifestURL.deletingLastPathComponent().appendingPathComponent("other-chain.json")
            try JSONSerialization.data(withJSONObject: document).write(to: otherManifest)
            var wrongChain = env
            wrongChain["DEPLOYMENT_FILE"] = otherManifest.path
            wrongChain["EMERGENCY_ADMIN_KEY"] = Sending.hex(chain.guardian)
            let guardianNonce = try await chain.client.transactionCount(of: chain.guardian.address)
            let chainRefused = try await Takumi.run(["contracts", "pause", "--all", "--yes"], environment: wrongChain)
            #expect(chainRefused.status == 1)
            #expect(chainRefused.error.contains("wrong chain"), "\(chainRefused.error)")
            #expect(try await chain.client.transactionCount(of: chain.guardian.address) == guardianNonce)
            #expect(try await !Sending.paused(chain, profile))

            // Without --yes and with nothing on standard input: the plan is shown, not confirmed, nothing sent.
            var guardian = env
            guardian["EMERGENCY_ADMIN_KEY"] = Sending.hex(chain.guardian)
            let unconfirmed = try TakumiProcess.launch(["contracts", "pause", "--contract", "SkillProfile"], settings: guardian, folder: folder, logName: "ask.log")
            #expect(try await unconfirmed.waitForExit(timeout: .seconds(30)) == .exited(1))
            #expect(unconfirmed.output.contains("SkillProfile.pause()  to \(profile.checksummed) (SkillProfile)  gas limit"), "\(unconfirmed.output)")
            #expect(unconfirmed.output.contains("Send? [y/N]") && unconfirmed.output.contains("not confirmed; nothing sent"))
            #expect(try await !Sending.paused(chain, profile))
        }
    }

    @Test("a transaction not mined within --replace-after is replaced with higher fees (same nonce); the replacement is mined")
    func replacesStuckTransaction() async throws {
        let processes = TakumiProcesses()
        do {
            try await TestChain.with(deploy: true) { chain in
                let manifest = try #require(chain.manifest)
                let folder = try Takumi.temporaryFolder()
                var env = try await Sending.settings(chain, folder: folder)
                env["EMERGENCY_ADMIN_KEY"] = Sending.hex(chain.guardian)
                let profile = try #require(manifest.contracts["SkillProfile"]).proxy
                let nonce = try await chain.client.transactionCount(of: chain.guardian.address)

                // Automine off and no interval: the transaction stays pending until the test mines.
                try await Sending.setAutomine(chain, false)
                let pause = try processes.launch(
                    ["contracts", "pause", "--contract", "SkillProfile", "--yes", "--replace-after", "1"], settings: env, folder: folder, logName: "pause.log"
                )
                #expect(try await Sending.waitForOutput(pause, "replaced SkillProfile.pause()"), "\(pause.outputTail())")
                let original = try #require(Sending.sent(pause.output).first)
                #expect(original.nonce == nonce)
                // The node holds only the replacement now; pending nonce counts it once.
                #expect(try await chain.client.transactionCount(of: chain.guardian.address, at: .pending) == nonce + 1)
                try await chain.mine()
                #expect(try await pause.waitForExit(timeout: .seconds(30)) == .exited(0), "\(pause.outputTail())")

                let output = pause.output
                let line = try #require(output.split(separator: "\n").first { $0.hasPrefix("SkillProfile.pause()  tx ") }, "\(output)")
                let mined = try Bytes32(hex: String(line.dropFirst("SkillProfile.pause()  tx ".count).prefix(66)))
                #expect(mined != original.hash, "the replacement was mined, not the original")
                // Replaced once per second until the test mined: at least once, the original first in the list.
                #expect(line.contains("(replaced ") && line.contains("×: \(original.hash.hex)"), "\(line)")
                let receipt = try #require(try await chain.client.receipt(of: mined))
                #expect(receipt.succeeded)
                #expect(try await chain.client.receipt(of: original.hash) == nil, "the original was dropped")
                // Same nonce, higher fee cap.
                let minedTx = try await chain.client.call("eth_getTransactionByHash", [.string(mined.hex)])
                #expect(minedTx["nonce"] == .string(Hex.encodeQuantity(nonce)))
                #expect(output.contains("max fee "), "\(output)")
                #expect(try await Sending.paused(chain, profile))
                let rows = try await Sending.auditLog(env)
                #expect(rows.count == 1 && rows[0].detail.contains(mined.hex) && rows[0].detail.contains(original.hash.hex))
            }
        } catch {
            await processes.killAll()
            throw error
        }
        await processes.killAll()
    }
}
