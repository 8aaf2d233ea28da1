import Ethereum
import EthereumRPC
import Foundation
import Takumi
import TestSupport

/// User activity on a test chain from hardhat accounts 6–9 (no roles, no
/// profile after deploy): profiles, skills and endorsements, each a real
/// signed transaction mined in its own block. Keeps a model of what exists
/// (from the receipts' events) so every transaction it sends succeeds; the
/// model is a value, so a test restores it together with a chain snapshot.
struct Activity: Sendable {
    let chain: TestChain
    let manifest: DeploymentManifest
    let keys: [PrivateKey] = Array(TestChain.devKeys[6...9])
    /// Active skill ids per account (index into `keys`).
    var skills: [[UInt64]] = [[], [], [], []]
    /// Active endorsements: id → (endorser index, skill id).
    var endorsements: [UInt64: (endorser: Int, skill: UInt64)] = [:]

    /// Profiles and three skills for each account, and one endorsement each.
    static func start(on chain: TestChain) async throws -> Activity {
        guard let manifest = chain.manifest else { throw ReaderError("the chain has no deployment") }
        var activity = Activity(chain: chain, manifest: manifest)
        for account in 0..<4 {
            try await activity.send(account, "SkillProfile", SkillProfileABI.createProfile, [
                .string("Tester \(account)"), .string("Bio of tester \(account)"), .string("ipfs://tester-\(account)"),
            ])
            for skill in 0..<3 {
                try await activity.send(account, "SkillProfile", SkillProfileABI.addSkill, [.string("Skill \(account)-\(skill)"), .string("testing")])
            }
        }
        for account in 0..<4 { try await activity.endorse(by: account, tag: "setup") }
        return activity
    }

    /// One transaction of kind `kind % 5` (update a profile, endorse, revoke an
    /// endorsement, remove a skill, add a skill), made different by `tag`.
    /// `newest` picks which endorsement a revocation takes (so two forks differ).
    mutating func step(kind: Int, account: Int, tag: String, newest: Bool = true) async throws {
        let account = account % 4
        switch kind % 5 {
        case 0:
            try await send(account, "SkillProfile", SkillProfileABI.updateProfile, [
                .string("Tester \(account) \(tag)"), .string("Bio \(tag)"), .string("ipfs://\(tag)"),
            ])
        case 1:
            try await endorse(by: account, tag: tag)
        case 2:
            let ids = endorsements.keys.sorted()
            guard let id = newest ? ids.last : ids.first, let endorsement = endorsements[id] else {
                return try await step(kind: 0, account: account, tag: tag)
            }
            try await send(endorsement.endorser, "Endorsement", EndorsementABI.revokeEndorsement, [try Self.uint(id)])
        case 3:
            guard skills[account].count > 2, let id = skills[account].last else {
                return try await step(kind: 4, account: account, tag: tag)
            }
            try await send(account, "SkillProfile", SkillProfileABI.removeSkill, [try Self.uint(id)])
        default:
            try await send(account, "SkillProfile", SkillProfileABI.addSkill, [.string("Skill \(tag)"), .string("testing")])
        }
    }

    /// Endorses the first skill of another account that `endorser` has not endorsed yet.
    mutating func endorse(by endorser: Int, tag: String) async throws {
        let endorsed = Set(endorsements.values.filter { $0.endorser == endorser }.map(\.skill))
        for offset in 1...3 {
            let endorsee = (endorser + offset) % 4
            if let skill = skills[endorsee].first(where: { !endorsed.contains($0) }) {
                try await send(endorser, "Endorsement", EndorsementABI.endorse, [
                    .address(keys[endorsee].address), try Self.uint(skill), .string("Endorsed \(tag)"),
                ])
                return
            }
        }
        try await step(kind: 4, account: endorser, tag: tag)
    }

    @discardableResult
    mutating func send(_ account: Int, _ contract: String, _ function: ABIFunction, _ arguments: [ABIValue]) async throws -> RPCReceipt {
        guard let proxy = manifest.contracts[contract]?.proxy else { throw ReaderError("no \(contract) in the manifest") }
        let receipt = try await chain.send(from: keys[account], to: proxy, data: try function.encodeCall(arguments), gasLimit: 1_000_000)
        guard receipt.succeeded else { throw ReaderError("\(contract).\(function.name) from account \(account + 6) reverted") }
        for log in receipt.logs {
            guard let event = try? TakumiEvent.decode(topics: log.topics, data: log.data) else { continue }
            switch event {
            case .skillAdded(let added): if let index = index(of: added.owner) { skills[index].append(added.skillId) }
            case .skillRemoved(let removed): if let index = index(of: removed.owner) { skills[index].removeAll { $0 == removed.skillId } }
            case .endorsed(let endorsed):
                if let index = index(of: endorsed.endorser) { endorsements[endorsed.endorsementId] = (index, endorsed.skillId) }
            case .endorsementRevoked(let revoked): endorsements[revoked.endorsementId] = nil
            default: break
            }
        }
        return receipt
    }

    func index(of address: Address) -> Int? { keys.firstIndex { $0.address == address } }

    static func uint(_ value: UInt64) throws -> ABIValue { try ABIValue(parsing: String(value), as: .uint256) }
}
