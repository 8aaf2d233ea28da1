import Ethereum

/// The exploit detector's rules (issue 7). The raw value is the
/// `takumi_security_alerts_total{rule}` label and the `security_alerts.rule` key.
public enum SecurityRule: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// A `RoleGranted` or `Upgraded` in a transaction that is not a multisig
    /// `execute` (the multisig emits `Executed` in the same transaction as the
    /// call it runs, so a privileged change without one bypassed the 2-of-3).
    case privilegedOutsideMultisig = "privileged-outside-multisig"
    /// An `Upgraded` to an implementation that no multisig proposal's calldata names.
    case unproposedUpgrade = "unproposed-upgrade"
    /// More claim approvals by one verifier within a few blocks than the configured rate.
    case approvalBurst = "approval-burst"
    /// A transaction touching Takumi's contracts sent from a denylisted address.
    case denylistedSender = "denylisted-sender"

    public var description: String { rawValue }
}

/// One detector hit: what the indexer records as a P0 incident and hands to
/// an ``EmergencyResponder``.
///
/// ```swift
/// let alert = SecurityAlert(rule: .approvalBurst, chain: "dev", blockNumber: 120, transactionHashes: hashes,
///                           title: "Approval burst by 0xab…", evidence: "21 approvals in blocks 111–120")
/// ```
public struct SecurityAlert: Sendable, Hashable {
    public var rule: SecurityRule
    /// The network label (`indexer_state.chain`).
    public var chain: String
    /// The block of the transaction that triggered the rule.
    public var blockNumber: UInt64
    /// The evidence, triggering transaction first (`0x…`, lowercase). The
    /// first is the de-duplication key: a rule fires at most once per transaction.
    public var transactionHashes: [String]
    /// The contract the event came from (manifest name), when one did.
    public var contract: String?
    /// What the rule is about (a verifier, a sender, an implementation), lowercase address.
    public var subject: String?
    public var title: String
    /// Human-readable evidence for the incident timeline.
    public var evidence: String
    /// The `incidents.id` recorded for it; nil until recorded.
    public var incidentID: Int64?

    public init(
        rule: SecurityRule, chain: String, blockNumber: UInt64, transactionHashes: [String], contract: String? = nil,
        subject: String? = nil, title: String, evidence: String, incidentID: Int64? = nil
    ) {
        self.rule = rule
        self.chain = chain
        self.blockNumber = blockNumber
        self.transactionHashes = transactionHashes
        self.contract = contract
        self.subject = subject
        self.title = title
        self.evidence = evidence
        self.incidentID = incidentID
    }

    /// The transaction that triggered the rule (the de-duplication key).
    public var transactionHash: String { transactionHashes.first ?? "" }

    /// Incidents are P0: the runbook lists "Smart contract exploit" there.
    public var severity: Severity { .p0 }
}

/// What happens after the indexer recorded an alert (incident row, metric):
/// the operational response, e.g. pausing every contract when `AUTO_PAUSE=true`.
/// Defined here so `TakumiIndexer` can call it while `TakumiOps` implements it
/// (ARCHITECTURE.md: arrows point down). Must not throw: a failed response is
/// the implementation's to log; indexing goes on.
public protocol EmergencyResponder: Sendable {
    func respond(to alert: SecurityAlert) async
}

/// The detector's settings.
///
/// ```swift
/// var rules = SecurityRules()
/// rules.approvalBurst = try SecurityRules.ApprovalBurst(parsing: "20/10")   // 20 approvals within 10 blocks
/// rules.denylist = [attacker]
/// ```
public struct SecurityRules: Sendable, Hashable {
    /// More than `approvals` approvals by one verifier within `blocks` consecutive blocks fire ``SecurityRule/approvalBurst``.
    public struct ApprovalBurst: Sendable, Hashable, CustomStringConvertible {
        public var approvals: Int
        public var blocks: UInt64

        public init(approvals: Int, blocks: UInt64) {
            self.approvals = approvals
            self.blocks = blocks
        }

        /// `N/M`: N approvals within M blocks, both positive.
        public init?(parsing text: String) {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let approvals = Int(parts[0]), let blocks = UInt64(parts[1]), approvals > 0, blocks > 0 else { return nil }
            self.init(approvals: approvals, blocks: blocks)
        }

        /// The first block of the `blocks`-block window that ends at `block`.
        public func windowStart(endingAt block: UInt64) -> UInt64 {
            let span = max(blocks, 1) - 1
            return block >= span ? block - span : 0
        }

        public var description: String { "\(approvals)/\(blocks)" }
    }

    /// Whether the indexer runs the detector at all.
    public var enabled: Bool = true
    /// Default `20/10`: a human verifier approves a handful of claims a day;
    /// twenty in ten blocks (two minutes on mainnet) is a script.
    public var approvalBurst = ApprovalBurst(approvals: 20, blocks: 10)
    /// Senders whose transactions to Takumi's contracts are an alert by themselves.
    public var denylist: Set<Address> = []
    /// Only blocks at most this far below the head are inspected; nil = the
    /// chain's finality depth. Older blocks are history (a backfill or a resync).
    public var windowBlocks: UInt64?

    public init() {}
}
