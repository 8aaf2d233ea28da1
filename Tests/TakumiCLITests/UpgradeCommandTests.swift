import Ethereum
import EthereumRPC
import Foundation
import Testing
import TestSupport

/// `takumi contracts upgrade` on a real dev chain: SkillClaimFixed, deployed
/// as a candidate by `chain/deploy.py implementation` (which records its
/// layout), passes the storage-layout and proxiableUUID checks, is installed
/// through the 2-of-3 multisig, and `version()` changes; a layout that
/// moves existing slots, a proxy given as implementation, and an address
/// without code are refused before anything is sent.
@Suite("takumi contracts upgrade")
struct UpgradeCommandTests {
    /// `chain/deploy.py implementation SkillClaim --source contracts/fixtures/SkillClaimFixed.vy`: the candidate's address.
    static func deployFixed(_ chain: TestChain, layouts: URL) async throws -> Address {
        let folder = try #require(chain.manifestURL).deletingLastPathComponent()
        let process = try ChildProcess.launch(
            TestChain.python.path,
            ["deploy.py", "implementation", "SkillClaim", "--source", "contracts/fixtures/SkillClaimFixed.vy", "--rpc", chain.rpcURL,
             "--network", "dev", "--manifest-dir", folder.path, "--layouts-dir", layouts.path],
            in: TestChain.repositoryRoot.appendingPathComponent("chain"), log: folder.appendingPathComponent("implementation.log")
        )
        let status = await process.exitStatus()
        #expect(status == 0, "\(process.logTail())")
        let lines = process.logTail(4000).split(separator: "\n")
        return try Address(String(try #require(lines.last { $0.hasPrefix("0x") && $0.count == 42 })))
    }

    @Test("SkillClaimFixed passes the layout check, is installed through the multisig, version() changes; incompatible layouts and non-implementations refused")
    func upgrade() async throws {
        try await TestChain.with(deploy: true) { chain in
            let manifest = try #require(chain.manifest)
            let folder = try Takumi.temporaryFolder()
            let env = try await Sending.settings(chain, folder: folder)
            let layouts = folder.appendingPathComponent("layouts")
            let fixed = try await Self.deployFixed(chain, layouts: layouts)
            let skillClaim = try #require(manifest.contracts["SkillClaim"])
            let owner1 = MultisigCommandTests.owner(env, chain.multisigOwners[0])

            // A layout that swaps two existing slots (the fixture's own layout, tampered): refused, nothing sent.
            let bad = folder.appendingPathComponent("bad")
            try FileManager.default.createDirectory(at: bad, withIntermediateDirectories: true)
            let good = layouts.appendingPathComponent("SkillClaim/1.0.2.json")
            var text = try String(contentsOf: good, encoding: .utf8)
            var document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            var storage = try #require(document["storage_layout"] as? [String: Any])
            var claims = try #require(storage["skill_claims"] as? [String: Any])
            let count = try #require(claims["claimCount"]), latest = try #require(claims["latestClaimOf"])
            var swappedCount = try #require(count as? [String: Any]), swappedLatest = try #require(latest as? [String: Any])
            (swappedCount["slot"], swappedLatest["slot"]) = (swappedLatest["slot"], swappedCount["slot"])
            claims["claimCount"] = swappedCount
            claims["latestClaimOf"] = swappedLatest
            storage["skill_claims"] = claims
            document["storage_layout"] = storage
            text = String(decoding: try JSONSerialization.data(withJSONObject: document), as: UTF8.self)
            try text.write(to: bad.appendingPathComponent("1.0.2.json"), atomically: true, encoding: .utf8)
            try FileManager.default.copyItem(at: layouts.appendingPathComponent("SkillClaim/1.0.2.structs.json"), to: bad.appendingPathComponent("1.0.2.structs.json"))
            let refused = try await Takumi.run(
                ["contracts", "upgrade", "SkillClaim", "--implementation", fixed.checksummed, "--layout", bad.appendingPathComponent("1.0.2.json").path, "--yes"],
                environment: owner1
            )
            #expect(refused.status == 1)
            #expect(refused.error.contains("does not extend SkillClaim 1.0.0"), "\(refused.error)")
            #expect(refused.error.contains("skill_claims.claimCount moved: slot 8 → 9") && refused.error.contains("skill_claims.latestClaimOf moved"))
            // A struct member reordered is refused as well.
            let structs = bad.appendingPathComponent("1.0.2.structs.json")
            try Data(#"{"Claim": [["claimant", "address"], ["id", "uint256"]]}"#.utf8).write(to: structs)
            try FileManager.default.removeItem(at: bad.appendingPathComponent("1.0.2.json"))
            try FileManager.default.copyItem(at: good, to: bad.appendingPathComponent("1.0.2.json"))
            let reordered = try await Takumi.run(
                ["contracts", "upgrade", "SkillClaim", "--implementation", fixed.checksummed, "--layout", bad.appendingPathComponent("1.0.2.json").path, "--yes"],
                environment: owner1
            )
            #expect(reordered.status == 1 && reordered.error.contains("struct Claim member 0: id uint256 → claimant address"), "\(reordered.error)")
            // A proxy (its proxiableUUID reverts) and an address without code are not implementations.
            let proxy = try await Takumi.run(["contracts", "upgrade", "SkillClaim", "--implementation", skillClaim.proxy.checksummed, "--yes"], environment: owner1)
            #expect(proxy.status == 1 && proxy.error.contains("does not answer proxiableUUID()"), "\(proxy.error)")
            let empty = try await Takumi.run(["contracts", "upgrade", "SkillClaim", "--implementation", TestChain.devKeys[9].address.checksummed, "--yes"], environment: owner1)
            #expect(empty.status == 1 && empty.error.contains("has no code"), "\(empty.error)")
            #expect(try await chain.client.transactionCount(of: chain.multisigOwners[0].address) == 0, "nothing sent")

            // The candidate: layout found through the manifest, checks pass, the proposal is made.
            let proposed = try await Takumi.run(["contracts", "upgrade", "SkillClaim", "--implementation", fixed.checksummed, "--yes"], environment: owner1)
            #expect(proposed.status == 0, "\(proposed.output)\n\(proposed.error)")
            #expect(proposed.output.contains("upgrade SkillClaim: \(skillClaim.implementation.checksummed) → \(fixed.checksummed)"))
            #expect(proposed.output.contains("proxiableUUID()     0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc (the ERC-1967 slot)"))
            #expect(proposed.output.contains("version             1.0.0 → 1.0.2"))
            #expect(proposed.output.contains("storage layout      \(good.standardizedFileURL.path) extends "), "\(proposed.output)")
            #expect(proposed.output.contains("proposal 1: SkillClaim.upgradeTo(\(fixed.checksummed))  confirmations 1/2"))
            let show = try await Takumi.run(["multisig", "show", "1"], environment: env)
            #expect(show.output.contains("call              SkillClaim.upgradeTo(\(fixed.checksummed))"))

            // Owner 2 confirms and executes; version() is read back.
            let owner2 = MultisigCommandTests.owner(env, chain.multisigOwners[1])
            #expect(try await Takumi.run(["multisig", "confirm", "1", "--yes"], environment: owner2).status == 0)
            let executed = try await Takumi.run(["multisig", "execute", "1", "--yes"], environment: owner2)
            #expect(executed.status == 0, "\(executed.output)\n\(executed.error)")
            #expect(executed.output.contains("SkillClaim now runs \(fixed.checksummed): version() 1.0.0 → 1.0.2"), "\(executed.output)")
            let version = try await Sending.call(chain, skillClaim.proxy, "version()(string)")
            #expect(version.first?.string == "1.0.2")
            let slot = try await chain.client.storage(at: skillClaim.proxy, slot: try Bytes32(hex: "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc"))
            #expect(Array(slot.bytes.suffix(20)) == fixed.bytes)

            // Upgrading to what already runs is refused.
            let same = try await Takumi.run(["contracts", "upgrade", "SkillClaim", "--implementation", fixed.checksummed, "--yes"], environment: owner1)
            #expect(same.status == 1 && same.error.contains("is already SkillClaim's implementation"), "\(same.error)")
            let rows = try await Sending.auditLog(env)
            #expect(rows.map(\.action).sorted() == ["multisig.confirm", "multisig.execute", "multisig.propose"])
            #expect(rows.first { $0.action == "multisig.propose" }?.target == "SkillClaim")
        }
    }
}
