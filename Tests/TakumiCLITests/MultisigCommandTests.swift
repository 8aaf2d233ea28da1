import Ethereum
import EthereumRPC
import Foundation
import Testing
import TestSupport

/// `takumi multisig …` against TakumiMultisig on a real dev chain: a 2-of-3
/// unpause proposed by one owner and confirmed and executed by another, each
/// with its own key; execution below the threshold and an unpause of a
/// running contract refused before sending; list/show decode the proposal;
/// role grants through the multisig; audit rows for every transaction.
@Suite("takumi multisig")
struct MultisigCommandTests {
    static func owner(_ env: [String: String], _ key: PrivateKey) -> [String: String] {
        var env = env
        env["MULTISIG_OWNER_KEY"] = Sending.hex(key)
        return env
    }

    @Test("propose → confirm → execute unpause with 2 of 3 owners; execute at 1 confirmation and unpause of a running contract refused")
    func unpauseFlow() async throws {
        try await TestChain.with(deploy: true) { chain in
            let manifest = try #require(chain.manifest)
            let folder = try Takumi.temporaryFolder()
            let env = try await Sending.settings(chain, folder: folder)
            let profile = try #require(manifest.contracts["SkillProfile"]).proxy
            let (owner1, owner2, owner3) = (chain.multisigOwners[0], chain.multisigOwners[1], chain.multisigOwners[2])

            // Unpausing a running contract: refused before sending.
            let running = try await Takumi.run(["multisig", "propose", "unpause", "SkillProfile", "--yes"], environment: Self.owner(env, owner1))
            #expect(running.status == 1)
            #expect(running.error.contains("SkillProfile is not paused: nothing to unpause; nothing sent"), "\(running.error)")
            #expect(try await chain.client.transactionCount(of: owner1.address) == 0)

            // The guardian pauses (directly, independent of takumi).
            #expect(try await chain.send(from: chain.guardian, to: profile, data: ChainCommandTests.calldata("pause()")).succeeded)

            // Owner 1 proposes: counts as its confirmation (1/2).
            let proposed = try await Takumi.run(["multisig", "propose", "unpause", "SkillProfile", "--yes"], environment: Self.owner(env, owner1))
            #expect(proposed.status == 0, "\(proposed.output)\n\(proposed.error)")
            #expect(proposed.output.contains("proposal 1: SkillProfile.unpause()  confirmations 1/2"), "\(proposed.output)")

            // Executing at 1 confirmation: refused with the count, nothing sent.
            let early = try await Takumi.run(["multisig", "execute", "1", "--yes"], environment: Self.owner(env, owner1))
            #expect(early.status == 1)
            #expect(early.error.contains("proposal 1 has 1 of 2 confirmations: it needs 1 more"), "\(early.error)")
            #expect(try await chain.client.transactionCount(of: owner1.address) == 1)

            // list and show decode the pending proposal.
            let list = try await Takumi.run(["multisig", "list"], environment: env)
            #expect(list.status == 0, "\(list.error)")
            #expect(list.output == "#1  pending  SkillProfile.unpause()  confirmations 1/2  [\(owner1.address.checksummed) (multisig owner 1)]\n", "\(list.output)")
            let show = try await Takumi.run(["multisig", "show", "1"], environment: env)
            #expect(show.output.contains("call              SkillProfile.unpause()"))
            #expect(show.output.contains("target            \(profile.checksummed) (SkillProfile)"))
            #expect(show.output.contains("calldata          0x3f4ba83a"))
            #expect(show.output.contains("proposer          \(owner1.address.checksummed) (multisig owner 1)"))
            #expect(show.output.contains("confirmations     1 of 2"))
            #expect(try await Takumi.run(["multisig", "show", "9"], environment: env).error.contains("no proposal 9 (the multisig has 1 proposal)"))

            // Owner 1 cannot confirm twice; a non-owner cannot confirm at all.
            let twice = try await Takumi.run(["multisig", "confirm", "1", "--yes"], environment: Self.owner(env, owner1))
            #expect(twice.status == 1 && twice.error.contains("already confirmed proposal 1"), "\(twice.error)")
            let stranger = try await Takumi.run(["multisig", "confirm", "1", "--yes"], environment: Self.owner(env, TestChain.devKeys[7]))
            #expect(stranger.status == 1 && stranger.error.contains("is not a multisig owner"), "\(stranger.error)")

            // Owner 2 confirms from a key file (2/2), owner 3 executes.
            let keyFile = try Sending.keyFile(owner2, mode: 0o600, in: folder)
            let confirmed = try await Takumi.run(["multisig", "confirm", "1", "--yes", "--key-file", keyFile], environment: env)
            #expect(confirmed.status == 0, "\(confirmed.error)")
            #expect(confirmed.output.contains("#1  ready  SkillProfile.unpause()  confirmations 2/2"), "\(confirmed.output)")
            let executed = try await Takumi.run(["multisig", "execute", "1", "--yes"], environment: Self.owner(env, owner3))
            #expect(executed.status == 0, "\(executed.output)\n\(executed.error)")
            #expect(executed.output.contains("SkillProfile paused() = false"))
            #expect(try await !Sending.paused(chain, profile))
            let executedHash = try #require(Sending.sent(executed.output).first?.hash)
            let receipt = try #require(try await chain.client.receipt(of: executedHash))
            #expect(receipt.succeeded && receipt.from == owner3.address)
            #expect(try await Takumi.run(["multisig", "list"], environment: env).output == "no pending proposals\n")
            #expect(try await Takumi.run(["multisig", "list", "--all"], environment: env).output.hasPrefix("#1  executed  SkillProfile.unpause()  confirmations 2/2"))
            let again = try await Takumi.run(["multisig", "execute", "1", "--yes"], environment: Self.owner(env, owner1))
            #expect(again.status == 1 && again.error.contains("proposal 1 was already executed"))

            // Role changes through the multisig: a grant already held is refused; a new one lands.
            let held = try await Takumi.run(
                ["multisig", "propose", "grant-role", "PAUSER_ROLE", manifest.accounts.guardian.checksummed, "--contract", "SkillClaim", "--yes"],
                environment: Self.owner(env, owner1)
            )
            #expect(held.status == 1 && held.error.contains("already holds PAUSER_ROLE on SkillClaim"), "\(held.error)")
            let newPauser = TestChain.devKeys[8].address
            let grant = try await Takumi.run(
                ["multisig", "propose", "grant-role", "pauser", newPauser.checksummed, "--contract", "SkillClaim", "--yes"], environment: Self.owner(env, owner1)
            )
            #expect(grant.output.contains("proposal 2: SkillClaim.grantRole(PAUSER_ROLE, \(newPauser.checksummed))"), "\(grant.output)\(grant.error)")
            #expect(try await Takumi.run(["multisig", "confirm", "2", "--yes"], environment: Self.owner(env, owner2)).status == 0)
            #expect(try await Takumi.run(["multisig", "execute", "2", "--yes"], environment: Self.owner(env, owner2)).status == 0)
            let skillClaim = try #require(manifest.contracts["SkillClaim"]).proxy
            let hasRole = try await Sending.call(chain, skillClaim, "hasRole(bytes32,address)(bool)", [.fixedBytes(Keccak256.hash(Array("PAUSER_ROLE".utf8))), .address(newPauser)])
            #expect(hasRole.first?.bool == true)
            let revokeMissing = try await Takumi.run(
                ["multisig", "propose", "revoke-role", "OPERATOR_ROLE", newPauser.checksummed, "--contract", "SkillClaim", "--yes"], environment: Self.owner(env, owner1)
            )
            #expect(revokeMissing.status == 1 && revokeMissing.error.contains("does not hold OPERATOR_ROLE on SkillClaim"))
            // Owner changes: removing one of three at threshold 2 is allowed to propose; threshold 4 is not.
            let badThreshold = try await Takumi.run(["multisig", "propose", "change-threshold", "4", "--yes"], environment: Self.owner(env, owner1))
            #expect(badThreshold.status == 1 && badThreshold.error.contains("threshold 4 is outside 1…3"))
            let addOwner = try await Takumi.run(["multisig", "propose", "add-owner", TestChain.devKeys[9].address.checksummed, "--yes"], environment: Self.owner(env, owner1))
            #expect(addOwner.output.contains("proposal 3: TakumiMultisig.addOwner(\(TestChain.devKeys[9].address.checksummed))"), "\(addOwner.error)")

            // Every transaction wrote an audit row: who, what, tx hash.
            let rows = try await Sending.auditLog(env)
            let actions = rows.reversed().map { "\($0.action) \($0.actor)" }
            #expect(actions == [
                "multisig.propose \(owner1.address.checksummed)", "multisig.confirm \(owner2.address.checksummed)", "multisig.execute \(owner3.address.checksummed)",
                "multisig.propose \(owner1.address.checksummed)", "multisig.confirm \(owner2.address.checksummed)", "multisig.execute \(owner2.address.checksummed)",
                "multisig.propose \(owner1.address.checksummed)",
            ], "\(actions)")
            #expect(rows.contains { $0.target == "proposal/1" && $0.action == "multisig.execute" && $0.detail.contains(executedHash.hex) })
        }
    }
}
