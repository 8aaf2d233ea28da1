import BigInt
import Ethereum
import EthereumRPC
import Foundation
import Testing
import TestSupport
@testable import Takumi

/// The typed contract bindings: the Swift ABI tables against the committed
/// `chain/abi/*.json`, event and call codecs, roles, models and severities,
/// and every log of a real seeded deployment.
@Suite("Contract bindings")
struct ContractBindingTests {
    // MARK: Drift between the Swift tables and chain/abi/*.json

    @Test("every event and function in chain/abi/*.json matches the Swift tables, both ways")
    func abiTablesMatchJSON() throws {
        let folder = ABIDrift.abiFolder
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
        let jsonNames = Set(files.map { String($0.dropLast(".json".count)) })
        #expect(jsonNames == Set(TakumiContract.allCases.map(\.name)), "chain/abi files vs TakumiContract cases")

        var differences: [String] = []
        for contract in TakumiContract.allCases {
            let url = folder.appendingPathComponent("\(contract.name).json")
            let json = try ABIDrift.entries(jsonAt: url)
            let swift = ABIDrift.entries(events: contract.events, functions: contract.functions)
            differences += ABIDrift.differences(contract.name, json: json, swift: swift)
        }
        #expect(differences.isEmpty, "ABI drift:\n\(differences.joined(separator: "\n"))")
    }

    @Test("the drift check reports missing, extra and changed entries")
    func driftCheckIsNotVacuous() throws {
        let url = ABIDrift.abiFolder.appendingPathComponent("SkillProfile.json")
        let json = try ABIDrift.entries(jsonAt: url)
        var events = SkillProfileABI.events.filter { $0.name != "SkillRemoved" }           // missing
        events.append(ABIEvent(name: "Extra", inputs: []))                                // extra
        if let index = events.firstIndex(where: { $0.name == "SkillAdded" }) {
            events[index].inputs[1].isIndexed = false                                       // indexed flag
        }
        var functions = SkillProfileABI.functions.filter { $0.name != "hasProfile" }
        if let index = functions.firstIndex(where: { $0.name == "getSkill" }) {
            functions[index].outputs = [ABIParameter(type: .uint256)]                        // output type
        }
        let found = ABIDrift.differences("SkillProfile", json: json, swift: ABIDrift.entries(events: events, functions: functions))
        #expect(found.count == 5, "\(found)")
        #expect(found.contains { $0.contains("missing in Swift") && $0.contains("SkillRemoved") })
        #expect(found.contains { $0.contains("extra in Swift") && $0.contains("Extra()") })
        #expect(found.contains { $0.contains("differs") && $0.contains("SkillAdded") })
        #expect(found.contains { $0.contains("missing in Swift") && $0.contains("hasProfile") })
        #expect(found.contains { $0.contains("differs") && $0.contains("getSkill") })
    }

    @Test("TakumiEvent knows every event of every contract, each topic0 once")
    func registryCoversEveryEvent() {
        let tables = Set(TakumiContract.allCases.flatMap(\.events).map(\.signature))
        #expect(Set(TakumiEvent.allEvents.map(\.signature)) == tables)
        #expect(Set(TakumiEvent.allEvents.map(\.topic0)).count == TakumiEvent.allEvents.count)
    }

    // MARK: Events

    @Test("every event type survives encodeLog → decode with representative values")
    func eventRoundTrips() throws {
        let samples = try EventSamples.all()
        #expect(Set(samples.map(\.name)) == Set(TakumiEvent.allEvents.map(\.name)), "a sample per event type")
        for sample in samples {
            let log = try sample.abi.encodeLog(sample.payload.abiValues)
            #expect(log.topics.first == sample.abi.topic0)
            let decoded = try TakumiEvent.decode(topics: log.topics, data: log.data)
            #expect(decoded == sample, "\(sample.name)")
            #expect(try sample.encodeLog().data == log.data)
            // The fast paths the indexer uses say the same as the general ones.
            #expect(sample.abi == type(of: sample.payload).abi, "\(sample.name)")
            #expect(sample.argumentsJSON == EventArgument.jsonObject(sample.arguments), "\(sample.name)")
        }
    }

    @Test("an unknown or missing topic0 is nil: the indexer stores such logs raw")
    func unknownTopicIsNil() throws {
        let transfer = Keccak256.hash(Array("Transfer(address,address,uint256)".utf8))
        #expect(try TakumiEvent.decode(topics: [transfer, .zero, .zero], data: [UInt8](repeating: 0, count: 32)) == nil)
        #expect(try TakumiEvent.decode(topics: [], data: []) == nil)
    }

    @Test("truncated data and wrong topic counts throw malformedLog, at every cut, never crash")
    func malformedLogsThrow() throws {
        for sample in try EventSamples.all() {
            let log = try sample.encodeLog()
            for length in Self.cuts(of: log.data.count) {
                #expect(throws: ContractBindingError.self, "\(sample.name) cut at \(length)") {
                    _ = try TakumiEvent.decode(topics: log.topics, data: Array(log.data.prefix(length)))
                }
            }
            // One topic too few (too many for events without indexed parameters).
            let wrongTopics = log.topics.count == 1 ? log.topics + [.zero] : Array(log.topics.dropLast())
            do {
                _ = try TakumiEvent.decode(topics: wrongTopics, data: log.data)
                Issue.record("\(sample.name): a wrong topic count must throw")
            } catch {
                guard case .malformedLog(let event, _) = error else { Issue.record("\(error)"); continue }
                #expect(event == sample.name)
            }
        }
    }

    @Test("a uint256 id above UInt64.max is a typed error naming the field")
    func oversizedIDThrows() throws {
        let huge = BigUInt(1) << 64
        let log = try SkillClaimABI.claimCreated.encodeLog([.uint(huge), .address(.zero), .uint(1), .string("ipfs://x")])
        #expect(throws: ContractBindingError.valueOutOfRange(context: "ClaimCreated", field: "claimId", value: "18446744073709551616")) {
            _ = try TakumiEvent.decode(topics: log.topics, data: log.data)
        }
    }

    @Test("arguments render as ABIValue.text, and their JSON is stable and parses back")
    func argumentsRendering() throws {
        let owner = try Address("0x52908400098527886E0F7030069857D2E4169EE7")
        let event = TakumiEvent.verifierRegistered(.init(
            account: owner, operator: .zero, name: "Kenji \"K\" Sato\n\t\u{01}\\", organisation: "匠",
            specialisations: ["civil", "a,b"]
        ))
        #expect(event.arguments.map(\.name) == ["account", "operator", "name", "organisation", "specialisations"])
        #expect(event.arguments[0].value == "0x52908400098527886E0F7030069857D2E4169EE7")
        #expect(event.arguments[4].value == "[\"civil\", \"a,b\"]")
        let json = event.argumentsJSON
        #expect(json.hasPrefix("{\"account\":\"0x5290"))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String])
        #expect(parsed["name"] == "Kenji \"K\" Sato\n\t\u{01}\\")
        #expect(json.contains("\\u0001"))
        #expect(parsed["organisation"] == "匠")
        let skill = TakumiEvent.skillVerified(.init(skillId: 7, owner: owner, claimId: 3))
        #expect(skill.argumentsJSON == "{\"skillId\":\"7\",\"owner\":\"0x52908400098527886E0F7030069857D2E4169EE7\",\"claimId\":\"3\"}")
        let role = TakumiEvent.roleGranted(.init(role: TakumiRole.pauserRole, account: owner, sender: owner))
        #expect(role.arguments[0].value == TakumiRole.pauserRole.hex)
    }

    // MARK: Roles

    @Test("role ids are keccak256 of their names; DEFAULT_ADMIN_ROLE is zero")
    func roleConstants() {
        #expect(TakumiRole.defaultAdminRole == .zero)
        #expect(TakumiRole.defaultAdminRole.bytes.allSatisfy { $0 == 0 })
        for role in TakumiRole.allCases where role != .defaultAdmin {
            #expect(role.id == Keccak256.hash(Array(role.name.utf8)), "\(role.name)")
            #expect(TakumiRole(id: role.id) == role)
            #expect(TakumiRole.name(for: role.id) == role.name)
        }
        #expect(TakumiRole.pauserRole.hex == "0x65d7a28e3265b37a6474929f336521b332c1681b933f6cb9f3376673440d862a")
        #expect(TakumiRole.name(for: .zero) == "DEFAULT_ADMIN_ROLE")
        let other = Keccak256.hash(Array("MINTER_ROLE".utf8))
        #expect(TakumiRole(id: other) == nil)
        #expect(TakumiRole.name(for: other) == other.hex)
    }

    // MARK: Calls and models

    @Test("call encoders produce the standard selectors and arguments")
    func callEncoders() throws {
        #expect(Hex.encode(try GovernanceCalls.pause.calldata()) == "0x8456cb59")
        #expect(Hex.encode(try GovernanceCalls.unpause.calldata()) == "0x3f4ba83a")
        #expect(Hex.encode(try GovernanceCalls.paused.calldata()) == "0x5c975abb")
        #expect(Hex.encode(try GovernanceCalls.version.calldata()) == "0x54fd4d50")
        #expect(Hex.encode(try GovernanceCalls.proxiableUUID.calldata()) == "0x52d1902d")
        #expect(Hex.encode(try GovernanceCalls.implementation.calldata()) == "0x5c60da1b")
        let account = try Address("0x52908400098527886E0F7030069857D2E4169EE7")
        let hasRole = try GovernanceCalls.hasRole(TakumiRole.pauserRole, account: account).calldata()
        #expect(Array(hasRole.prefix(4)) == [0x91, 0xd1, 0x48, 0x54])
        #expect(try GovernanceABI.hasRole.decodeCall(hasRole) == [.fixedBytes(TakumiRole.pauserRole), .address(account)])
        #expect(Array(try GovernanceCalls.grantRole(.zero, to: account).calldata().prefix(4)) == [0x2f, 0x2f, 0xf1, 0x5d])
        #expect(Array(try GovernanceCalls.revokeRole(.zero, from: account).calldata().prefix(4)) == [0xd5, 0x47, 0x74, 0x1f])
        #expect(Array(try GovernanceCalls.upgradeTo(account).calldata().prefix(4)) == [0x36, 0x59, 0xcf, 0xe6])
        #expect(Array(try GovernanceCalls.upgradeToAndCall(account, data: [1]).calldata().prefix(4)) == [0x4f, 0x1e, 0xf2, 0x86])
        let unpause = try GovernanceCalls.unpause.calldata()
        let propose = try MultisigCalls.propose(target: account, data: unpause).calldata()
        #expect(try TakumiMultisigABI.propose.decodeCall(propose) == [.address(account), .uint(0), .bytes(unpause)])
        #expect(try MultisigCalls.isConfirmedBy(4, owner: account).calldata() ==
            (try TakumiMultisigABI.isConfirmedBy.encodeCall([.uint(4), .address(account)])))
        #expect(try SkillClaimCalls.getClaim(3).calldata() == (try SkillClaimABI.getClaim.encodeCall([.uint(3)])))
        #expect(try GovernanceCalls.getRoleAdmin(.zero).decodeOutput(try GovernanceABI.getRoleAdmin.encodeOutput([.fixedBytes(.zero)])) == .zero)
    }

    @Test("view outputs decode into the models; zero structs are nil")
    func modelDecoding() throws {
        let owner = try Address("0x52908400098527886E0F7030069857D2E4169EE7")
        let verifier = try Address("0x8617E340B3D01FA5F11F306F4090FD50E238070D")
        let skillData = try SkillProfileABI.getSkill.encodeOutput([.tuple([
            .uint(7), .address(owner), .string("Vyper"), .string("engineering"), .bool(true), .bool(false), .uint(3), .uint(1_700_000_000),
        ])])
        let skill = try Skill(decoding: skillData)
        #expect(skill == Skill(id: 7, owner: owner, name: "Vyper", category: "engineering", verified: true, removed: false,
                               verifiedByClaim: 3, createdAt: 1_700_000_000))
        #expect(try SkillProfileCalls.getSkill(7).decodeOutput(skillData) == skill)

        let zeroSkill = try SkillProfileABI.getSkill.encodeOutput([.tuple([
            .uint(0), .address(.zero), .string(""), .string(""), .bool(false), .bool(false), .uint(0), .uint(0),
        ])])
        #expect(try SkillProfileCalls.getSkill(99).decodeOutput(zeroSkill) == nil)
        #expect(throws: ContractBindingError.notFound(function: "getSkill")) { _ = try Skill(decoding: zeroSkill) }

        func claimData(id: UInt64, status: UInt8) throws -> [UInt8] {
            try SkillClaimABI.getClaim.encodeOutput([.tuple([
                .uint(BigUInt(id)), .address(owner), .uint(7), .string("ipfs://evidence"), .address(verifier), .uint(BigUInt(status)),
                .string("blurry"), .string("see v2"), .string(""), .uint(10), .uint(20),
            ])])
        }
        let claim = try Claim(decoding: try claimData(id: 3, status: 5))
        #expect(claim.status == .disputed && claim.verifier == verifier && claim.disputeReason == "see v2" && claim.updatedAt == 20)
        #expect(throws: ContractBindingError.unknownClaimStatus(claimID: 3, code: 7)) { _ = try Claim(decoding: try claimData(id: 3, status: 7)) }
        #expect(try SkillClaimCalls.getClaim(0).decodeOutput(try claimData(id: 0, status: 0)) == nil)

        let profileData = try SkillProfileABI.getProfile.encodeOutput([.tuple([
            .address(owner), .string("Aiko"), .string("匠"), .string(""), .uint(2), .uint(1), .uint(2),
        ])])
        #expect(try Profile(decoding: profileData).bio == "匠")
        let verifierData = try VerifierRegistryABI.getVerifier.encodeOutput([.tuple([
            .address(verifier), .string("Kenji"), .string("JSCE"), .array([]), .bool(true), .uint(5), .uint(6),
        ])])
        #expect(try Verifier(decoding: verifierData).specialisations == [])
        let endorsementData = try EndorsementABI.getEndorsement.encodeOutput([.tuple([
            .uint(12), .address(verifier), .address(owner), .uint(7), .string("Solid"), .bool(false), .uint(5), .uint(9),
        ])])
        #expect(try Endorsement(decoding: endorsementData).revokedAt == 9)
        let proposalData = try TakumiMultisigABI.getProposal.encodeOutput([.tuple([
            .address(owner), .uint(0), .bytes([0x3f, 0x4b, 0xa8, 0x3a]), .address(verifier), .bool(false),
        ])])
        #expect(try MultisigCalls.getProposal(4).decodeOutput(proposalData)?.proposer == verifier)
        let ids = try SkillProfileABI.skillIdsOf.encodeOutput([.array([.uint(1), .uint(9)])])
        #expect(try SkillProfileCalls.skillIdsOf(owner).decodeOutput(ids) == [1, 9])
        #expect(throws: ContractBindingError.self) { _ = try SkillProfileCalls.getSkill(7).decodeOutput(Array(skillData.dropLast(40))) }
    }

    @Test("claim status codes are the contract's 1…6")
    func claimStatusCodes() {
        #expect(ClaimStatus.allCases.map(\.rawValue) == [1, 2, 3, 4, 5, 6])
        #expect(ClaimStatus(rawValue: 0) == nil)
        #expect(ClaimStatus(name: "rejection_upheld") == .rejectionUpheld)
        #expect(ClaimStatus.allCases.filter(\.isOpen) == [.pending, .assigned, .disputed])
    }

    @Test("severities carry the runbook's response times")
    func severities() {
        #expect(Severity.allCases.map(\.responseTime) == [.zero, .seconds(900), .seconds(3600), .seconds(14_400)])
        #expect(Severity.p0 < Severity.p3)
        #expect(Severity(parsing: "p1") == .p1 && Severity(parsing: "Critical") == .p0 && Severity(parsing: "P9") == nil)
        #expect(Severity.p1.description == "P1 - High (Response: <15 minutes)")
    }

    // MARK: Real logs

    @Test("a deployment, a pause and a multisig unpause: every log decodes, the typed calls work on chain")
    func deploymentLogsDecode() async throws {
        try await TestChain.with(deploy: true) { chain in
            let manifest = try #require(chain.manifest)
            let profile = try #require(manifest.contracts["SkillProfile"]).proxy
            let multisig = manifest.multisig.address
            let owners = chain.multisigOwners

            // The guardian pauses; the multisig unpauses (propose, confirm, a confirm revoked, execute).
            try await Self.send(chain, from: chain.guardian, to: profile, GovernanceCalls.pause)
            #expect(try await Self.view(chain, profile, GovernanceCalls.paused))
            let unpause = try GovernanceCalls.unpause.calldata()
            try await Self.send(chain, from: owners[0], to: multisig, MultisigCalls.propose(target: profile, data: unpause))
            let id = try await Self.view(chain, multisig, MultisigCalls.proposalCount)
            try await Self.send(chain, from: owners[1], to: multisig, MultisigCalls.confirm(id))
            try await Self.send(chain, from: owners[2], to: multisig, MultisigCalls.confirm(id))
            try await Self.send(chain, from: owners[2], to: multisig, MultisigCalls.revoke(id))
            #expect(try await Self.view(chain, multisig, MultisigCalls.confirmationCount(id)) == 2)
            #expect(try await Self.view(chain, multisig, MultisigCalls.isConfirmedBy(id, owner: owners[1].address)))
            try await Self.send(chain, from: owners[1], to: multisig, MultisigCalls.execute(id))
            #expect(try await Self.view(chain, profile, GovernanceCalls.paused) == false)
            let proposal = try #require(try await Self.view(chain, multisig, MultisigCalls.getProposal(id)))
            #expect(proposal.executed && proposal.data == unpause && proposal.proposer == owners[0].address)
            #expect(try await Self.view(chain, multisig, MultisigCalls.getProposal(id + 1)) == nil)
            _ = try await chain.send(from: chain.deployer, to: multisig, value: 1, gasLimit: 100_000)

            // A profile and a skill, read back through the typed views.
            let user = TestChain.devKeys[6]
            _ = try await chain.send(from: user, to: profile, data: try SkillProfileABI.createProfile.encodeCall([
                .string("Aiko Tanaka"), .string("Structural engineer — 匠"), .string("ipfs://bafy"),
            ]))
            _ = try await chain.send(from: user, to: profile, data: try SkillProfileABI.addSkill.encodeCall([.string("Vyper"), .string("")]))
            let skillID = try await Self.view(chain, profile, SkillProfileCalls.nextSkillId) - 1
            let skill = try #require(try await Self.view(chain, profile, SkillProfileCalls.getSkill(skillID)))
            #expect(skill.owner == user.address && skill.name == "Vyper" && skill.verifiedByClaim == nil && !skill.removed)
            #expect(try await Self.view(chain, profile, SkillProfileCalls.skillIdsOf(user.address)) == [skillID])
            #expect(try await Self.view(chain, profile, SkillProfileCalls.getProfile(user.address))?.bio == "Structural engineer — 匠")
            #expect(try await Self.view(chain, profile, SkillProfileCalls.profileCount) == 1)
            #expect(try await Self.view(chain, profile, GovernanceCalls.version) == manifest.contracts["SkillProfile"]?.version)
            #expect(try await Self.view(chain, profile, GovernanceCalls.implementation) == manifest.contracts["SkillProfile"]?.implementation)
            #expect(try await Self.view(chain, profile, GovernanceCalls.hasRole(TakumiRole.upgraderRole, account: multisig)))
            #expect(try await Self.view(chain, profile, GovernanceCalls.getRoleAdmin(TakumiRole.pauserRole)) == .zero)
            #expect(try await Self.view(chain, multisig, MultisigCalls.getOwners) == manifest.accounts.multisigOwners)
            #expect(try await Self.view(chain, multisig, MultisigCalls.threshold) == UInt64(manifest.multisig.threshold))

            let seen = try await Self.decodeAllLogs(chain, manifest).names
            let expected: Set = [
                "Upgraded", "Initialized", "RoleGranted", "OwnerAdded", "ThresholdChanged", "Paused", "Unpaused",
                "Proposed", "Confirmed", "Revoked", "Executed", "Deposited", "ProfileCreated", "SkillAdded",
            ]
            #expect(expected.subtracting(seen).isEmpty, "not seen: \(expected.subtracting(seen))")
        }
    }

    @Test(
        "every log of a seeded deployment decodes, the counts match seed.py's ledger (slow: TAKUMI_SEEDED_CHAIN_TESTS=1)",
        .enabled(if: ProcessInfo.processInfo.environment["TAKUMI_SEEDED_CHAIN_TESTS"] == "1")
    )
    func seededDeploymentLogsDecode() async throws {
        try await TestChain.with(seed: true) { chain in
            let manifest = try #require(chain.manifest)
            let ledgerURL = try #require(chain.seedLedger)
            let ledger = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: ledgerURL)) as? [String: Any])
            let fromBlock = try #require(ledger["fromBlock"] as? Int), toBlock = try #require(ledger["toBlock"] as? Int)
            let counts = try await Self.decodeAllLogs(chain, manifest, countingBlocks: UInt64(fromBlock)...UInt64(toBlock))
            let expected = try #require(ledger["events"] as? [String: [String: Int]])
            #expect(counts.perContract.filter { $0.key != "TakumiMultisig" } == expected)

            let claims = try #require(ledger["claims"] as? [[String: Any]])
            let skillClaim = try #require(manifest.contracts["SkillClaim"]).proxy
            for entry in claims {
                let id = try #require(entry["id"] as? Int), status = try #require(entry["status"] as? Int)
                let skillID = try #require(entry["skillId"] as? Int)
                let claim = try #require(try await Self.view(chain, skillClaim, SkillClaimCalls.getClaim(UInt64(id))))
                #expect(claim.status.rawValue == UInt8(status) && claim.skillId == UInt64(skillID), "claim \(id)")
            }
            #expect(try await Self.view(chain, skillClaim, SkillClaimCalls.nextClaimId) == UInt64(claims.count + 1))
            let registry = try #require(manifest.contracts["VerifierRegistry"]).proxy
            for entry in try #require(ledger["verifiers"] as? [[String: Any]]) {
                let account = try Address(try #require(entry["account"] as? String))
                let verifier = try #require(try await Self.view(chain, registry, VerifierRegistryCalls.getVerifier(account)))
                #expect(verifier.active == entry["active"] as? Bool && verifier.specialisations == entry["specialisations"] as? [String])
            }
            let endorsement = try #require(manifest.contracts["Endorsement"]).proxy
            let endorsements = try #require(ledger["endorsements"] as? [[String: Any]])
            #expect(try await Self.view(chain, endorsement, EndorsementCalls.nextEndorsementId) == UInt64(endorsements.count + 1))
            let first = try #require(try await Self.view(chain, endorsement, EndorsementCalls.getEndorsement(1)))
            #expect(first.active == endorsements.first?["active"] as? Bool && first.active == (first.revokedAt == nil))
        }
    }

    /// Decodes every log of the deployment's contracts: none may be unknown or
    /// malformed, each must be an event of the contract that emitted it.
    /// Returns event name → count (all blocks) and per-contract counts within `countingBlocks`.
    static func decodeAllLogs(
        _ chain: TestChain, _ manifest: DeploymentManifest, countingBlocks: ClosedRange<UInt64> = 0...UInt64.max
    ) async throws -> (names: Set<String>, perContract: [String: [String: Int]]) {
        let head = try await chain.client.blockNumber()
        let logs = try await chain.client.logs(addresses: manifest.indexedAddresses, from: 0, to: head)
        var names: Set<String> = []
        var perContract: [String: [String: Int]] = [:]
        for log in logs {
            let contract = try #require(manifest.contractName(at: log.address))
            guard let event = try TakumiEvent.decode(topics: log.topics, data: log.data) else {
                Issue.record("unknown log from \(contract): topic0 \(log.topics.first?.hex ?? "none")")
                continue
            }
            #expect(TakumiContract(name: contract)?.events.contains(event.abi) == true, "\(event.name) from \(contract)")
            names.insert(event.name)
            if countingBlocks.contains(log.blockNumber) { perContract[contract, default: [:]][event.name, default: 0] += 1 }
        }
        return (names, perContract)
    }

    /// Sends `call` as a transaction and requires it to succeed.
    static func send(_ chain: TestChain, from key: PrivateKey, to address: Address, _ call: ContractCall<some Sendable>) async throws {
        let receipt = try await chain.send(from: key, to: address, data: try call.calldata())
        #expect(receipt.succeeded, "\(call.function.name) reverted")
    }

    /// `eth_call`s a typed view.
    static func view<Output>(_ chain: TestChain, _ address: Address, _ call: ContractCall<Output>) async throws -> Output {
        try call.decodeOutput(try await chain.client.call(RPCCall(to: address, data: try call.calldata())))
    }

    /// Data lengths to cut a log at: every length for short data, a spread for long data.
    static func cuts(of count: Int) -> [Int] {
        guard count > 0 else { return [] }
        if count <= 256 { return Array(0..<count) }
        return Array(0..<64) + stride(from: 64, to: count, by: 31).map { $0 } + [count - 1]
    }
}

// MARK: - Drift check

/// Canonical descriptions of a contract's events and functions, from the JSON
/// ABI or from the Swift tables, keyed by canonical signature.
enum ABIDrift {
    struct Entries {
        /// signature → `Name(type [indexed] name, …)` (names and indexed flags matter for events).
        var events: [String: String] = [:]
        /// signature → `name(types) -> (output types)`.
        var functions: [String: String] = [:]
    }

    static let abiFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("chain/abi")

    static func entries(jsonAt url: URL) throws -> Entries {
        let items = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]], "\(url.path)")
        var entries = Entries()
        for item in items {
            let name = item["name"] as? String ?? ""
            let inputs = item["inputs"] as? [[String: Any]] ?? []
            let types = inputs.map(canonicalType)
            let signature = "\(name)(\(types.joined(separator: ",")))"
            switch item["type"] as? String {
            case "event":
                let parameters = inputs.map { input in
                    describe(canonicalType(input), indexed: input["indexed"] as? Bool ?? false, name: input["name"] as? String ?? "")
                }
                entries.events[signature] = describeEvent(name, parameters, anonymous: item["anonymous"] as? Bool ?? false)
            case "function":
                let outputs = (item["outputs"] as? [[String: Any]] ?? []).map(canonicalType)
                entries.functions[signature] = "\(signature) -> (\(outputs.joined(separator: ",")))"
            default:
                continue // constructor, fallback: not called through the bindings
            }
        }
        return entries
    }

    static func entries(events: [ABIEvent], functions: [ABIFunction]) -> Entries {
        var entries = Entries()
        for event in events {
            let parameters = event.inputs.map { describe($0.type.canonicalName, indexed: $0.isIndexed, name: $0.name ?? "") }
            entries.events[event.signature] = describeEvent(event.name, parameters, anonymous: event.isAnonymous)
        }
        for function in functions {
            let outputs = function.outputs.map(\.type.canonicalName).joined(separator: ",")
            entries.functions[function.signature] = "\(function.signature) -> (\(outputs))"
        }
        return entries
    }

    /// Every difference, one line each: missing in Swift, extra in Swift, or differs.
    static func differences(_ contract: String, json: Entries, swift: Entries) -> [String] {
        compare(contract, "event", json.events, swift.events) + compare(contract, "function", json.functions, swift.functions)
    }

    private static func compare(_ contract: String, _ kind: String, _ json: [String: String], _ swift: [String: String]) -> [String] {
        var lines: [String] = []
        for signature in json.keys.sorted() {
            guard let mine = swift[signature] else {
                lines.append("\(contract): \(kind) \(json[signature] ?? signature) missing in Swift")
                continue
            }
            if mine != json[signature] {
                lines.append("\(contract): \(kind) differs: JSON \(json[signature] ?? "") vs Swift \(mine)")
            }
        }
        for signature in swift.keys.sorted() where json[signature] == nil {
            lines.append("\(contract): \(kind) \(swift[signature] ?? signature) extra in Swift (not in chain/abi/\(contract).json)")
        }
        return lines
    }

    /// `uint256`, `(address,string)[]`: tuples spelled out from their components.
    static func canonicalType(_ parameter: [String: Any]) -> String {
        let type = parameter["type"] as? String ?? "?"
        guard type.hasPrefix("tuple") else { return type }
        let components = (parameter["components"] as? [[String: Any]] ?? []).map(canonicalType)
        return "(\(components.joined(separator: ",")))" + type.dropFirst("tuple".count)
    }

    private static func describe(_ type: String, indexed: Bool, name: String) -> String {
        [type, indexed ? "indexed" : nil, name.isEmpty ? nil : name].compactMap { $0 }.joined(separator: " ")
    }

    private static func describeEvent(_ name: String, _ parameters: [String], anonymous: Bool) -> String {
        "\(name)(\(parameters.joined(separator: ", ")))" + (anonymous ? " anonymous" : "")
    }
}

// MARK: - Representative events

/// One event of every type, with edge values: the longest strings the contracts
/// accept at the ABI level (String[1024] etc.), multi-byte UTF-8, empty arrays
/// and bytes, ids at UInt64.max, amounts beyond 64 bits.
enum EventSamples {
    static func all() throws -> [TakumiEvent] {
        let alice = try Address("0x52908400098527886E0F7030069857D2E4169EE7")
        let bob = try Address("0x8617E340B3D01FA5F11F306F4090FD50E238070D")
        let zero = Address.zero
        let bio = String(repeating: "匠", count: 341) + "x"            // 1024 UTF-8 bytes
        let name = String(repeating: "n", count: 128)
        let uri = "ipfs://" + String(repeating: "b", count: 505)          // 512 bytes
        let reason = "Évidence illisible 🚫 " + String(repeating: "r", count: 100)
        let calldata = [UInt8](repeating: 0xab, count: 4096)
        let big = (BigUInt(1) << 200) + 12_345
        let max = UInt64.max
        return [
            .profileCreated(.init(owner: alice, name: name, bio: bio, metadataURI: uri)),
            .profileUpdated(.init(owner: alice, name: "Aiko", bio: "", metadataURI: "")),
            .skillAdded(.init(skillId: 1, owner: alice, name: "Vyper 🐍", category: "")),
            .skillRemoved(.init(skillId: max, owner: alice)),
            .skillVerified(.init(skillId: 7, owner: alice, claimId: max)),
            .claimCreated(.init(claimId: 3, claimant: alice, skillId: 7, evidenceURI: uri)),
            .verifierAssigned(.init(claimId: 3, verifier: bob, operator: zero)),
            .claimApproved(.init(claimId: 3, verifier: bob, skillId: 7)),
            .claimRejected(.init(claimId: 3, verifier: bob, reason: reason)),
            .claimDisputed(.init(claimId: 3, claimant: alice, reason: "")),
            .disputeResolved(.init(claimId: 3, operator: bob, overturned: true, note: "✓ ok")),
            .endorsed(.init(endorsementId: 12, endorser: bob, skillId: 7, endorsee: alice, message: bio)),
            .endorsementRevoked(.init(endorsementId: 12, endorser: bob, skillId: 7)),
            .verifierRegistered(.init(account: bob, operator: alice, name: "Kenji", organisation: "JSCE",
                                      specialisations: (0..<20).map { "spec-\($0)-" + String(repeating: "s", count: 50) })),
            .verifierUpdated(.init(account: bob, operator: alice, name: "", organisation: "", specialisations: [])),
            .verifierSuspended(.init(account: bob, operator: alice, reason: reason)),
            .verifierReactivated(.init(account: bob, operator: alice)),
            .roleGranted(.init(role: TakumiRole.pauserRole, account: bob, sender: alice)),
            .roleRevoked(.init(role: TakumiRole.operatorRole, account: bob, sender: alice)),
            .roleAdminChanged(.init(role: TakumiRole.claimsRole, previousAdminRole: .zero, newAdminRole: TakumiRole.upgraderRole)),
            .upgraded(.init(implementation: bob)),
            .paused(.init(account: alice)),
            .unpaused(.init(account: zero)),
            .initialized(.init(version: max)),
            .proposed(.init(proposalId: 1, proposer: alice, target: bob, amount: big, data: calldata)),
            .confirmed(.init(proposalId: 1, owner: bob, target: bob, confirmations: 2)),
            .revoked(.init(proposalId: 1, owner: bob, target: bob, confirmations: 0)),
            .executed(.init(proposalId: 1, executor: bob, target: bob, proposer: alice, amount: 0, data: [])),
            .ownerAdded(.init(owner: bob)),
            .ownerRemoved(.init(owner: alice)),
            .thresholdChanged(.init(threshold: 2)),
            .deposited(.init(sender: alice, amount: big)),
        ]
    }
}
