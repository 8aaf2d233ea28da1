import Ethereum
import Foundation
import Takumi
import TakumiStore

/// Pauses every Takumi contract at once: what `AUTO_PAUSE=true` makes the
/// exploit detector's response do. A protocol so the response can be tested
/// without a chain, and so the sending machinery can change underneath.
public protocol ContractPauser: Sendable {
    /// Pauses every contract not yet paused; returns one line per contract
    /// (skipped, or its transaction's outcome). Throws when nothing could be sent.
    func pauseAll() async throws -> PauseReport
}

/// What a ``ContractPauser`` did.
public struct PauseReport: Sendable {
    /// One line per contract, for the log and the incident timeline.
    public var lines: [String]
    /// Hashes of the pause transactions mined successfully.
    public var transactionHashes: [String]
    /// Whether every pause transaction sent succeeded.
    public var succeeded: Bool

    public init(lines: [String], transactionHashes: [String], succeeded: Bool) {
        self.lines = lines
        self.transactionHashes = transactionHashes
        self.succeeded = succeeded
    }
}

/// The real pauser: `takumi contracts pause --all` as a library call, with
/// the guardian key (`EMERGENCY_ADMIN_KEY`): contracts already paused are
/// skipped, the others' `pause()` transactions go out back to back with
/// consecutive nonces (``TransactionSender``), and each becomes an
/// `audit_log` row when a store is given.
public struct GuardianPauser: ContractPauser {
    let sender: TransactionSender
    let contracts: [String]
    let audit: AccessStore?

    /// `contracts`: the manifest's contract names; nil = every one (`--all`).
    public init(sender: TransactionSender, contracts: [String]? = nil, audit: AccessStore? = nil) {
        self.sender = sender
        let manifest = sender.reader.known.manifest
        self.contracts = contracts ?? DeploymentManifest.contractNames.filter { manifest.contracts[$0] != nil }
        self.audit = audit
    }

    public func pauseAll() async throws -> PauseReport {
        let plan = try await ContractsPause.plan(contracts, sender: sender)
        guard !plan.requests.isEmpty else { return PauseReport(lines: plan.skipped, transactionHashes: [], succeeded: true) }
        let prepared = try await sender.prepare(plan.requests)
        let outcomes = try await sender.send(prepared) { _ in }
        if let audit {
            let manifest = sender.reader.known.manifest
            // The pause happened whatever the audit log says: a failed row is not a failed pause.
            for entry in TransactionAudit.entries(outcomes, sender: sender.address, network: manifest.network, chainId: manifest.chainId) {
                try? await audit.appendAudit(entry, at: Date())
            }
        }
        return PauseReport(
            lines: plan.skipped + outcomes.map(\.line),
            transactionHashes: outcomes.filter(\.succeeded).compactMap { $0.hash?.hex },
            succeeded: outcomes.allSatisfy(\.succeeded)
        )
    }
}
