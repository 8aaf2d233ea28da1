import Ethereum
import Foundation
import Testing
import TestSupport

/// `takumi chain call|balance|receipt|logs|tx` run as processes against a
/// real dev chain with Takumi deployed: values checked against web3.py (an
/// independent implementation), errors against the exit codes, `--follow`
/// against blocks mined while it runs and an RPC URL that dies.
@Suite("takumi chain")
struct ChainCommandTests {
    /// Calldata for a call, from its signature (independent of Takumi's ABI tables).
    static func calldata(_ signature: String, _ arguments: [ABIValue] = []) throws -> [UInt8] {
        try ABIFunction(signature).encodeCall(arguments)
    }
    static let skillTuple = "(uint256,address,string,string,bool,bool,uint256,uint256)"

    /// The settings a command needs for a test chain.
    static func settings(_ chain: TestChain, rpc: String? = nil) throws -> [String: String] {
        let manifest = try #require(chain.manifestURL)
        return ["RPC_URL_DEV": rpc ?? chain.rpcURL, "DEPLOYMENT_FILE": manifest.path, "CHAIN": "dev", "LOG_FORMAT": "text"]
    }

    /// A member with a profile and one skill (account 6), as the seed would make them.
    static func addMember(_ chain: TestChain, skill: String) async throws -> (member: Address, skillReceipt: Bytes32) {
        let manifest = try #require(chain.manifest)
        let profile = try #require(manifest.contracts["SkillProfile"]).proxy
        let key = TestChain.devKeys[6]
        let created = try await chain.send(from: key, to: profile, data: calldata("createProfile(string,string,string)", [.string("Aiko"), .string("welder, 20 years"), .string("ipfs://aiko")]))
        #expect(created.succeeded)
        let added = try await chain.send(from: key, to: profile, data: calldata("addSkill(string,string)", [.string(skill), .string("crafts")]))
        #expect(added.succeeded)
        return (key.address, added.transactionHash)
    }

    @Test("call, balance, receipt, logs and tx agree with web3.py; reverts show their reason; bad input exits 2")
    func readCommands() async throws {
        try await TestChain.with(deploy: true) { chain in
            let manifest = try #require(chain.manifest)
            let env = try Self.settings(chain)
            let profile = try #require(manifest.contracts["SkillProfile"]).proxy
            let (member, skillTx) = try await Self.addMember(chain, skill: "TIG \"welding\", steel")

            // call: the runbook's `cast call $PROXY "version()"`, by address and by manifest name.
            let version = try await Takumi.run(["chain", "call", profile.checksummed, "version()(string)"], environment: env)
            #expect(version.status == 0, "\(version.error)")
            #expect(version.output == "1.0.0\n")
            #expect(try await Takumi.run(["chain", "call", "SkillProfile", "version()(string)"], environment: env).output == "1.0.0\n")

            // Differential: the same calls through web3.py, rendered as takumi renders values.
            let skill = try await Takumi.run(["chain", "call", "SkillProfile", "getSkill(uint256)(\(Self.skillTuple))", "1", "--json"], environment: env)
            #expect(skill.status == 0, "\(skill.error)")
            let owners = try await Takumi.run(["chain", "call", "TakumiMultisig", "getOwners()(address[])"], environment: env)
            let hasRole = try await Takumi.run([
                "chain", "call", "SkillProfile", "hasRole(bytes32,address)(bool)",
                Keccak256.hash(Array("PAUSER_ROLE".utf8)).hex, manifest.accounts.guardian.lowercased,
            ], environment: env)
            let balance = try await Takumi.run(["chain", "balance", member.checksummed], environment: env)
            let oracle = try await Web3Oracle.run(chain.rpcURL, [
                "version", profile.checksummed, "getSkill", profile.checksummed, "getOwners", manifest.multisig.address.checksummed,
                "hasPauser", profile.checksummed, manifest.accounts.guardian.checksummed, "balance", member.checksummed,
            ])
            #expect(version.output == oracle["version"].map { $0 + "\n" })
            #expect(skill.output.trimmingCharacters(in: .newlines) == oracle["getSkill"], "takumi \(skill.output) vs web3 \(oracle["getSkill"] ?? "-")")
            #expect(owners.output.trimmingCharacters(in: .newlines) == oracle["getOwners"])
            #expect(hasRole.output == "true\n" && oracle["hasPauser"] == "true")
            let wei = try #require(oracle["balance"])
            #expect(balance.output.hasPrefix("\(wei) wei ("), "\(balance.output)")
            // Without return types the raw return data is printed, as cast does.
            let raw = try await Takumi.run(["chain", "call", "SkillProfile", "hasRole(bytes32,address)", "0x" + String(repeating: "0", count: 64), member.lowercased], environment: env)
            #expect(raw.output == "0x" + String(repeating: "0", count: 64) + "\n")
            let ether = try await Takumi.run(["chain", "balance", "TakumiMultisig", "--json"], environment: env)
            let etherJSON = try #require(try JSONSerialization.jsonObject(with: Data(ether.output.utf8)) as? [String: String])
            #expect(etherJSON["wei"] == "0" && etherJSON["ether"] == "0" && etherJSON["address"] == manifest.multisig.address.checksummed)

            // receipt: status, block, gas, decoded event.
            let receipt = try await Takumi.run(["chain", "receipt", skillTx.hex], environment: env)
            #expect(receipt.status == 0, "\(receipt.error)")
            #expect(receipt.output.contains("status            success"))
            #expect(receipt.output.contains("SkillProfile.SkillAdded(skillId=1, owner=\(member.checksummed), name=\"TIG \\\"welding\\\", steel\", category=\"crafts\")"))

            // logs: decoded Takumi events, JSON lines, --event filter.
            let logs = try await Takumi.run(["chain", "logs", "--from-block", "0", "--event", "SkillAdded", "--json"], environment: env)
            #expect(logs.status == 0, "\(logs.error)")
            let lines = logs.output.split(separator: "\n")
            #expect(lines.count == 1)
            let event = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
            #expect(event["event"] as? String == "SkillAdded" && event["contract"] as? String == "SkillProfile")
            #expect(event["transactionHash"] as? String == skillTx.hex)
            #expect((event["args"] as? [String: String])?["name"] == "TIG \"welding\", steel")
            let all = try await Takumi.run(["chain", "logs", "--from-block", "0"], environment: env)
            #expect(all.output.contains("TakumiMultisig.ThresholdChanged(threshold=2)"))
            #expect(all.output.contains("RoleGranted(role=PAUSER_ROLE, account=\(manifest.accounts.guardian.checksummed)"))

            // A transaction the contract refuses: pause() from an account without PAUSER_ROLE.
            let refused = try await chain.send(from: TestChain.devKeys[7], to: profile, data: Self.calldata("pause()"), gasLimit: 200_000)
            #expect(!refused.succeeded)
            let tx = try await Takumi.run(["chain", "tx", refused.transactionHash.hex], environment: env)
            #expect(tx.status == 0, "\(tx.error)")
            #expect(tx.output.contains("input             pause()"))
            #expect(tx.output.contains("status            reverted"))
            #expect(tx.output.contains("revert reason     reverted: access_control: account is missing role"), "\(tx.output)")
            #expect(tx.output.contains("call trace (debug_traceTransaction, callTracer):"))
            #expect(tx.output.contains("DELEGATECALL \(profile.checksummed) (SkillProfile) -> \(manifest.contracts["SkillProfile"]?.implementation.checksummed ?? "?") (SkillProfile implementation) pause()"))
            let txJSON = try await Takumi.run(["chain", "tx", refused.transactionHash.hex, "--json"], environment: env)
            let report = try #require(try JSONSerialization.jsonObject(with: Data(txJSON.output.utf8)) as? [String: Any])
            #expect(report["status"] as? String == "reverted")
            #expect(report["revertReason"] as? String == "reverted: access_control: account is missing role")
            // The same refusal as an eth_call: exit 1 with the reason.
            let call = try await Takumi.run(["chain", "call", "SkillProfile", "pause()", "--from", TestChain.devKeys[7].address.checksummed], environment: env)
            #expect(call.status == 1)
            #expect(call.error.contains("reverted: access_control: account is missing role"))

            // A node without debug_traceTransaction: said plainly, the rest still shown.
            let proxy = try await FaultProxy.start(upstream: chain.rpcURL)
            defer { proxy.stop() }
            try await proxy.inject(["mode": "nomethod", "methods": ["debug_traceTransaction"]])
            let untraced = try await Takumi.run(["chain", "tx", refused.transactionHash.hex], environment: Self.settings(chain, rpc: proxy.url))
            #expect(untraced.status == 0, "\(untraced.error)")
            #expect(untraced.output.contains("revert reason     reverted: access_control: account is missing role"))
            #expect(untraced.output.contains("call trace        not available: \(proxy.url) does not support debug_traceTransaction"), "\(untraced.output)")

            // Bad input: exit 2, one line naming what is wrong; nothing sent.
            let badAddress = try await Takumi.run(["chain", "call", "0x1234", "version()(string)"], environment: env)
            #expect(badAddress.status == 2 && badAddress.error.contains("'0x1234' is not an address"))
            let badChecksum = try await Takumi.run(["chain", "balance", "0x5fC8d32690cc91D4c39d9d3abcBD16989F875707"], environment: env)
            #expect(badChecksum.status == 2, "a wrong EIP-55 checksum is refused")
            let badSignature = try await Takumi.run(["chain", "call", "SkillProfile", "version(()(string)"], environment: env)
            #expect(badSignature.status == 2 && badSignature.error.contains("is not a function signature"))
            let arity = try await Takumi.run(["chain", "call", "SkillProfile", "getSkill(uint256)(uint256)"], environment: env)
            #expect(arity.status == 2 && arity.error.contains("getSkill(uint256) takes 1 argument, got 0"))
            let badArgument = try await Takumi.run(["chain", "call", "SkillProfile", "getSkill(uint256)(uint256)", "-3"], environment: env)
            #expect(badArgument.status == 2 && badArgument.error.contains("is not a uint256"))
            let badHash = try await Takumi.run(["chain", "receipt", "0x1234"], environment: env)
            #expect(badHash.status == 2 && badHash.error.contains("is not a transaction hash"))
            let badEvent = try await Takumi.run(["chain", "logs", "--from-block", "0", "--event", "Nope"], environment: env)
            #expect(badEvent.status == 2 && badEvent.error.contains("is not a Takumi event"))

            // Not found: exit 1, said plainly.
            let unknown = "0x" + String(repeating: "ab", count: 32)
            let missing = try await Takumi.run(["chain", "receipt", unknown], environment: env)
            #expect(missing.status == 1 && missing.error == "takumi: transaction \(unknown) not found on this network\n")

            // Unreachable RPC: exit 1 naming the endpoint, never its credentials.
            var dead = env
            dead["RPC_URL_DEV"] = "http://operator:s3cret@127.0.0.1:1/v2/APIKEY123"
            let unreachable = try await Takumi.run(["chain", "balance", member.checksummed], environment: dead)
            #expect(unreachable.status == 1)
            #expect(unreachable.error.contains("RPC unreachable") && unreachable.error.contains("http://127.0.0.1:1"), "\(unreachable.error)")
            #expect(!unreachable.error.contains("s3cret") && !unreachable.error.contains("APIKEY123") && !unreachable.output.contains("APIKEY123"))
        }
    }

    /// `takumi chain logs --from-block <head+1> --follow --json` on a fresh dev chain,
    /// given a second to start polling (so what `body` mines comes after it
    /// started); every process is killed however the test ends.
    static func following(_ body: @Sendable (_ chain: TestChain, _ follow: TakumiProcess, _ head: UInt64) async throws -> Void) async throws {
        let processes = TakumiProcesses()
        do { try await TestChain.with(deploy: true) { chain in
            let head = try await chain.client.blockNumber()
            let follow = try processes.launch(
                ["chain", "logs", "--from-block", String(head + 1), "--follow", "--json", "--poll-interval", "100"],
                settings: try Self.settings(chain), folder: try Takumi.temporaryFolder(), logName: "follow.log"
            )
            try await Task.sleep(for: .seconds(1))
            #expect(follow.isRunning, "\(follow.outputTail())")
            try await body(chain, follow, head)
            _ = try await follow.stop()
        } } catch {
            await processes.killAll()
            throw error
        }
        await processes.killAll()
    }

    @Test("logs --follow prints the events of blocks mined after it started")
    func followSeesNewBlocks() async throws {
        try await Self.following { chain, follow, _ in
            let (_, skillTx) = try await Self.addMember(chain, skill: "Brazing")
            let line = try await Self.waitForLine(in: follow, containing: skillTx.hex)
            #expect(line.contains("\"event\":\"SkillAdded\""), "\(line)")
            #expect(follow.output.contains("\"event\":\"ProfileCreated\""))
            // Nothing from before --from-block.
            #expect(!follow.output.contains("\"event\":\"RoleGranted\""))
        }
    }

    @Test("logs --follow notices a reorg: it names the replaced blocks and prints the new fork's logs")
    func followSeesReorgs() async throws {
        try await Self.following { chain, follow, head in
            let fork = try await chain.snapshot()
            let (_, oldSkill) = try await Self.addMember(chain, skill: "Brazing")
            _ = try await Self.waitForLine(in: follow, containing: oldSkill.hex)
            // The same heights again, with other transactions: blocks head+1 and head+2 are replaced.
            #expect(try await chain.revert(to: fork))
            let (_, newSkill) = try await Self.addMember(chain, skill: "Forging")
            #expect(try await chain.client.blockNumber() == head + 2)
            let warning = try await Self.waitForLine(in: follow, containing: "chain reorganised")
            #expect(warning.contains("blocks \(head + 1)…"), "\(warning)")
            let line = try await Self.waitForLine(in: follow, containing: newSkill.hex)
            #expect(line.contains("\"event\":\"SkillAdded\"") && line.contains("Forging"), "\(line)")
            // The new fork's profile is printed again (block head+1), after the warning.
            let output = follow.output
            let afterWarning = try #require(output.range(of: "chain reorganised")).upperBound
            #expect(output[afterWarning...].contains("\"event\":\"ProfileCreated\""), "\(follow.outputTail())")
            #expect(output.components(separatedBy: "chain reorganised").count == 2, "one warning: \(follow.outputTail())")
        }
    }

    @Test("logs --follow survives the first RPC URL dying: it fails over to the next and keeps printing")
    func followFailsOver() async throws {
        let processes = TakumiProcesses()
        do { try await TestChain.with(deploy: true) { chain in
            let primary = try await FaultProxy.start(upstream: chain.rpcURL)
            defer { primary.stop() }
            let head = try await chain.client.blockNumber()
            let folder = try Takumi.temporaryFolder()
            let follow = try processes.launch(
                ["chain", "logs", "--from-block", String(head + 1), "--follow", "--poll-interval", "100"],
                settings: try Self.settings(chain, rpc: "\(primary.url),\(chain.rpcURL)"), folder: folder, logName: "follow.log"
            )
            try await Task.sleep(for: .seconds(1))
            let (member, first) = try await Self.addMember(chain, skill: "Soldering")
            _ = try await Self.waitForLine(in: follow, containing: first.hex)
            let before = try await primary.requestCounts()["eth_getBlockByNumber"] ?? 0
            #expect(before > 0, "the first URL served the polls while it was up")

            primary.stop()
            let profile = try #require(chain.manifest?.contracts["SkillProfile"]).proxy
            let second = try await chain.send(from: TestChain.devKeys[6], to: profile, data: Self.calldata("addSkill(string,string)", [.string("Riveting"), .string("crafts")]))
            let line = try await Self.waitForLine(in: follow, containing: second.transactionHash.hex)
            #expect(line.contains("SkillProfile.SkillAdded(skillId=2, owner=\(member.checksummed), name=\"Riveting\""), "\(line)")
            #expect(follow.isRunning)
            _ = try await follow.stop()
        } } catch {
            await processes.killAll()
            throw error
        }
        await processes.killAll()
    }

    static func waitForLine(in process: TakumiProcess, containing text: String, timeout: Duration = .seconds(30)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = process.output.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("no line with \(text) within \(timeout); output: \(process.outputTail())")
        throw TakumiProcessError("no line with \(text)")
    }
}

/// web3.py in chain/.venv: the same calls through an independent ABI
/// implementation, values rendered as takumi renders them (decimal integers,
/// EIP-55 addresses, strings quoted inside tuples and arrays).
enum Web3Oracle {
    static let script = #"""
import json, sys
from web3 import Web3
w3 = Web3(Web3.HTTPProvider(sys.argv[1]))
def text(value, typ, nested=False):
    if typ.startswith("("):
        return "(" + ", ".join(text(v, t, True) for v, t in zip(value, split(typ[1:-1]))) + ")"
    if typ.endswith("[]"):
        return "[" + ", ".join(text(v, typ[:-2], True) for v in value) + "]"
    if typ == "bool": return "true" if value else "false"
    if typ == "address": return Web3.to_checksum_address(value)
    if typ == "string": return '"' + value.replace('"', '\\"') + '"' if nested else value
    return str(value)
def split(types):
    parts, depth, current = [], 0, ""
    for ch in types:
        if ch == "," and depth == 0: parts.append(current); current = ""; continue
        depth += ch == "("; depth -= ch == ")"; current += ch
    return parts + [current]
def call(address, signature, inputs, args, out):
    data = Web3.keccak(text=signature)[:4] + (w3.codec.encode(inputs, args) if inputs else b"")
    raw = w3.eth.call({"to": address, "data": data})
    return text(w3.codec.decode([out], raw)[0], out)
SKILL = "(uint256,address,string,string,bool,bool,uint256,uint256)"
a, results = sys.argv[2:], {}
while a:
    name = a.pop(0)
    if name == "version": results[name] = call(a.pop(0), "version()", [], [], "string")
    elif name == "getSkill": results[name] = json.dumps([call(a.pop(0), "getSkill(uint256)", ["uint256"], [1], SKILL)])
    elif name == "getOwners": results[name] = call(a.pop(0), "getOwners()", [], [], "address[]")
    elif name == "hasPauser":
        proxy, account = a.pop(0), a.pop(0)
        results[name] = call(proxy, "hasRole(bytes32,address)", ["bytes32", "address"], [Web3.keccak(text="PAUSER_ROLE"), account], "bool")
    elif name == "balance": results[name] = str(w3.eth.get_balance(a.pop(0)))
print(json.dumps(results))
"""#

    static func run(_ rpcURL: String, _ arguments: [String]) async throws -> [String: String] {
        let outcome = try await ChildProcess.runToEnd(TestChain.python.path, ["-c", script, rpcURL] + arguments)
        guard outcome.status == 0, let results = try JSONSerialization.jsonObject(with: Data(outcome.output.utf8)) as? [String: String] else {
            throw TakumiProcessError("web3 oracle failed: \(outcome.error)")
        }
        return results
    }
}
