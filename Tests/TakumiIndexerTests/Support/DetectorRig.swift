import Ethereum
import EthereumRPC
import Foundation
import Prometheus
import Synchronization
import Takumi
import TakumiStore
import Testing
import TestSupport
@testable import TakumiIndexer

/// An ``EmergencyResponder`` that only remembers what it was handed: the tests
/// check the indexer calls the response once per recorded alert.
final class RecordingResponder: EmergencyResponder {
    let received = Mutex<[SecurityAlert]>([])

    func respond(to alert: SecurityAlert) async {
        received.withLock { $0.append(alert) }
    }

    var alerts: [SecurityAlert] { received.withLock { $0 } }
}

/// An indexer of a test chain with the exploit detector, driven step by step
/// (as `run()` does), and what it recorded.
struct DetectorRig {
    let chain: TestChain
    let database: TestDatabase
    let registry: PrometheusCollectorRegistry
    let indexer: ChainIndexer
    let detector: ExploitDetector

    init(_ chain: TestChain, _ database: TestDatabase, rules: SecurityRules = SecurityRules(), responder: (any EmergencyResponder)?) throws {
        self.chain = chain
        self.database = database
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        let manifest = try #require(chain.manifest, "the test chain has no deployment")
        var configuration = IndexerConfiguration(manifest: manifest)
        configuration.initialBatchSize = 50
        configuration.maximumBatchSize = 50
        configuration.pollInterval = .milliseconds(50)
        configuration.leaseWait = .milliseconds(300)
        detector = ExploitDetector(rules: rules, store: database.store.access(), responder: responder)
        indexer = ChainIndexer(
            configuration: configuration, store: database.store,
            client: EthereumClient(Rig.pool([chain.rpcURL], registry: registry)),
            logger: Rig.quietLogger("takumi.indexer"), metricsFactory: PrometheusMetricsFactory(registry: registry), detector: detector
        )
    }

    var chainLabel: String { indexer.configuration.chain }

    /// Steps until the head is reached (a backfill the first time; live blocks after).
    func indexToHead() async throws {
        try await Rig.indexToHead(indexer, store: database.store)
    }

    /// `security_alerts` rows (of `rule`, about `tx`).
    func alertCount(_ rule: SecurityRule? = nil, tx: String? = nil) async throws -> Int {
        try await database.store.access().securityAlertCount(chain: chainLabel, txHash: tx, rule: rule)
    }

    /// `takumi_security_alerts_total{rule}` (0 when never incremented).
    func metric(_ rule: SecurityRule) -> Double {
        Rig.sample(registry, "takumi_security_alerts_total", labels: "rule=\"\(rule.rawValue)\"") ?? 0
    }

    /// Detector incidents: (severity, title, summary, status), oldest first.
    func incidents() async throws -> [[String?]] {
        try await database.reader.query("SELECT severity, title, summary, status, opened_by, id FROM incidents ORDER BY id")
    }

    func incidentEvents(_ incident: String) async throws -> [[String?]] {
        try await database.reader.query("SELECT kind, actor, message FROM incident_events WHERE incident_id = \(incident) ORDER BY id")
    }
}

/// Transactions a test makes on the dev chain: the multisig's 2-of-3 flow,
/// direct calls from admin keys, claims and approvals.
struct ChainActor {
    let chain: TestChain
    let manifest: DeploymentManifest

    init(_ chain: TestChain) throws {
        self.chain = chain
        manifest = try #require(chain.manifest)
    }

    func proxy(_ name: String) throws -> Address {
        try #require(manifest.contracts[name]?.proxy, "no \(name) in the manifest")
    }

    @discardableResult
    func send(_ key: PrivateKey, _ to: Address, _ function: ABIFunction, _ arguments: [ABIValue], expectSuccess: Bool = true) async throws -> RPCReceipt {
        let receipt = try await chain.send(from: key, to: to, data: try function.encodeCall(arguments), gasLimit: 2_000_000)
        if expectSuccess && !receipt.succeeded { throw ReaderError("\(function.name) from \(key.address.checksummed) reverted") }
        return receipt
    }

    /// Owner 1 proposes `data` on `target`, owner 2 confirms, owner 1 executes: the 2-of-3 flow.
    @discardableResult
    func throughMultisig(_ target: Address, _ data: [UInt8]) async throws -> RPCReceipt {
        let owners = chain.multisigOwners
        let proposal = try await chain.send(
            from: owners[0], to: manifest.multisig.address,
            data: try MultisigCalls.propose(target: target, data: data).calldata(), gasLimit: 2_000_000
        )
        #expect(proposal.succeeded)
        let proposed = Self.event(in: proposal) { event -> UInt64? in
            if case .proposed(let proposed) = event { return proposed.proposalId }
            return nil
        }
        let id = try #require(proposed, "no Proposed event")
        let confirmation = try await chain.send(from: owners[1], to: manifest.multisig.address, data: try MultisigCalls.confirm(id).calldata())
        #expect(confirmation.succeeded)
        let execution = try await chain.send(from: owners[0], to: manifest.multisig.address, data: try MultisigCalls.execute(id).calldata(), gasLimit: 2_000_000)
        if !execution.succeeded { throw ReaderError("multisig execute of proposal \(id) reverted") }
        return execution
    }

    /// The first of the receipt's Takumi events `pick` accepts.
    static func event<T>(in receipt: RPCReceipt, _ pick: (TakumiEvent) -> T?) -> T? {
        for log in receipt.logs {
            if let decoded = try? TakumiEvent.decode(topics: log.topics, data: log.data), let value = pick(decoded) { return value }
        }
        return nil
    }

    func grantRoleData(_ role: Bytes32, to account: Address) throws -> [UInt8] {
        try GovernanceABI.grantRole.encodeCall([.fixedBytes(role), .address(account)])
    }

    func upgradeData(to implementation: Address) throws -> [UInt8] {
        try GovernanceABI.upgradeTo.encodeCall([.address(implementation)])
    }

    /// A profile with `count` skills for `claimant`, a claim on each, a
    /// registered verifier assigned to each: claims ready to approve.
    func claimsReadyToApprove(claimant: PrivateKey, verifier: PrivateKey, count: Int) async throws -> [UInt64] {
        let profile = try proxy("SkillProfile"), claims = try proxy("SkillClaim"), registry = try proxy("VerifierRegistry")
        try await send(claimant, profile, SkillProfileABI.createProfile, [.string("Claimant"), .string("bio"), .string("ipfs://claimant")])
        try await send(chain.operatorKey, registry, VerifierRegistryABI.registerVerifier, [
            .address(verifier.address), .string("Verifier"), .string("Takumi tests"), .array([.string("testing")]),
        ])
        var ids: [UInt64] = []
        for index in 0..<count {
            let added = try await send(claimant, profile, SkillProfileABI.addSkill, [.string("Skill \(index)"), .string("testing")])
            let skillID = Self.event(in: added) { event -> UInt64? in
                if case .skillAdded(let added) = event { return added.skillId }
                return nil
            }
            let skill = try #require(skillID)
            let created = try await send(claimant, claims, SkillClaimABI.createClaim, [try Activity.uint(skill), .string("ipfs://evidence-\(index)")])
            let claimID = Self.event(in: created) { event -> UInt64? in
                if case .claimCreated(let created) = event { return created.claimId }
                return nil
            }
            let claim = try #require(claimID)
            try await send(chain.operatorKey, claims, SkillClaimABI.assignVerifier, [try Activity.uint(claim), .address(verifier.address)])
            ids.append(claim)
        }
        return ids
    }
}
