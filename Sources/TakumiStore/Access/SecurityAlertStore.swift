import Foundation
import Takumi

/// A `ClaimApproved` event as the exploit detector's burst rule reads it
/// from `chain_events`.
public struct ClaimApprovalRecord: Sendable, Hashable {
    public var blockNumber: UInt64
    public var txHash: String
    /// Lowercase 0x address.
    public var verifier: String

    public init(blockNumber: UInt64, txHash: String, verifier: String) {
        self.blockNumber = blockNumber
        self.txHash = txHash
        self.verifier = verifier
    }
}

/// The exploit detector's reads and writes (migration 4's `security_alerts`,
/// `incidents`, and what the indexer projected), over either backend.
///
/// ```swift
/// let access = store.access()
/// if let incident = try await access.recordSecurityAlert(alert) { … }   // new: respond
/// else { … }                                                          // this rule already fired for this transaction
/// ```
extension AccessStore {
    /// Who opens the detector's incidents (`incidents.opened_by`, `incident_events.actor`).
    public static let detectorActor = "exploit-detector"

    /// Records `alert` once per (chain, rule, triggering transaction): a
    /// `security_alerts` row, a P0 `incidents` row and its first
    /// `incident_events` entry, in one transaction. Returns the new incident's
    /// id, or nil when that rule already fired for that transaction (nothing is written).
    public func recordSecurityAlert(_ alert: SecurityAlert, at now: Date = Date()) async throws -> Int64? {
        let dialect = self.dialect
        let block = try StoreValue(alert.blockNumber)
        return try await backend.transaction { executor -> Int64? in
            // The key decides, not a prior SELECT: two indexers racing (a lease
            // hand-over) cannot both record the same alert.
            var claim: BoundSQL = "INSERT INTO security_alerts (chain, rule, tx_hash, block_number, subject, created_at) VALUES ("
            claim.append(values: [.text(alert.chain), .text(alert.rule.rawValue), .text(alert.transactionHash), block, StoreValue(alert.subject)])
            claim.append(", ")
            claim.append(time: now, dialect)
            claim.append(") ON CONFLICT (chain, rule, tx_hash) DO NOTHING RETURNING tx_hash")
            guard try await executor.fetch(claim, types: [.text]).first != nil else { return nil }

            var incident: BoundSQL = "INSERT INTO incidents (title, severity, status, opened_by, opened_at, summary) VALUES ("
            incident.append(values: [.text(alert.title), .text(alert.severity.rawValue), .text("open"), .text(Self.detectorActor)])
            incident.append(", ")
            incident.append(time: now, dialect)
            incident.append(", ")
            incident.append(value: .text(Self.summary(alert)))
            incident.append(") RETURNING id")
            guard case let .int(id)? = try await executor.fetch(incident, types: [.integer]).first?.first else {
                throw StoreError.corruptRow(table: "incidents", reason: "INSERT returned no id")
            }

            var event: BoundSQL = "INSERT INTO incident_events (incident_id, at, kind, actor, message) VALUES ("
            event.append(value: .int(id))
            event.append(", ")
            event.append(time: now, dialect)
            event.append(", ")
            event.append(values: [.text("detected"), .text(Self.detectorActor), .text(Self.timelineMessage(alert))])
            event.append(")")
            try await executor.execute(event)

            var link: BoundSQL = "UPDATE security_alerts SET incident_id = "
            link.append(value: .int(id))
            link.append(" WHERE chain = ")
            link.append(value: .text(alert.chain))
            link.append(" AND rule = ")
            link.append(value: .text(alert.rule.rawValue))
            link.append(" AND tx_hash = ")
            link.append(value: .text(alert.transactionHash))
            try await executor.execute(link)
            return id
        }
    }

    /// Appends an entry to an incident's timeline (`incident_events`).
    public func appendIncidentEvent(incidentID: Int64, kind: String, actor: String, message: String, at now: Date = Date()) async throws {
        let dialect = self.dialect
        try await backend.transaction { executor in
            var event: BoundSQL = "INSERT INTO incident_events (incident_id, at, kind, actor, message) VALUES ("
            event.append(value: .int(incidentID))
            event.append(", ")
            event.append(time: now, dialect)
            event.append(", ")
            event.append(values: [.text(kind), .text(actor), .text(message)])
            event.append(")")
            try await executor.execute(event)
        }
    }

    /// The incident's summary: the rule, the evidence and every transaction
    /// hash, so `/status` and the incident itself show what to look at.
    static func summary(_ alert: SecurityAlert) -> String {
        var text = "[\(alert.rule.rawValue)] \(alert.evidence) (chain \(alert.chain), block \(alert.blockNumber)"
        if let contract = alert.contract { text += ", contract \(contract)" }
        return text + "). Transactions: " + alert.transactionHashes.joined(separator: ", ")
    }

    static func timelineMessage(_ alert: SecurityAlert) -> String {
        "exploit detector rule \(alert.rule.rawValue) fired: " + summary(alert)
    }

    /// Whether `rule` already fired about `subject` at or after `sinceBlock`
    /// (the burst rule: one incident per burst, not one per approval in it).
    public func hasSecurityAlert(chain: String, rule: SecurityRule, subject: String, sinceBlock: UInt64) async throws -> Bool {
        var sql: BoundSQL = "SELECT COUNT(*) FROM security_alerts WHERE chain = "
        sql.append(value: .text(chain))
        sql.append(" AND rule = ")
        sql.append(value: .text(rule.rawValue))
        sql.append(" AND subject = ")
        sql.append(value: .text(subject))
        sql.append(" AND block_number >= ")
        sql.append(value: try StoreValue(sinceBlock))
        let rows = try await backend.read(sql, types: [.integer])
        return (rows.first?.first?.int ?? 0) > 0
    }

    /// How many rules fired for `txHash` (all rules when `rule` is nil).
    public func securityAlertCount(chain: String, txHash: String? = nil, rule: SecurityRule? = nil) async throws -> Int {
        var sql: BoundSQL = "SELECT COUNT(*) FROM security_alerts WHERE chain = "
        sql.append(value: .text(chain))
        if let txHash {
            sql.append(" AND tx_hash = ")
            sql.append(value: .text(txHash.lowercased()))
        }
        if let rule {
            sql.append(" AND rule = ")
            sql.append(value: .text(rule.rawValue))
        }
        let rows = try await backend.read(sql, types: [.integer])
        return Int(rows.first?.first?.int ?? 0)
    }

    /// Of `implementations` (lowercase 0x addresses), those some multisig
    /// proposal of `chain` names in its calldata (`multisig_proposals.data`,
    /// filled by the projector from `Proposed`), as an ABI word: how
    /// `upgradeTo(address)` and `upgradeToAndCall(address,bytes)` carry it.
    public func implementationsNamedByProposals(chain: String, _ implementations: Set<String>) async throws -> Set<String> {
        guard !implementations.isEmpty else { return [] }
        var sql: BoundSQL = "SELECT LOWER(data) FROM multisig_proposals WHERE chain = "
        sql.append(value: .text(chain))
        let calldata = try await backend.read(sql, types: [.text]).compactMap { $0.first?.text }
        return implementations.filter { implementation in
            let word = String(repeating: "0", count: 24) + implementation.lowercased().dropFirst(2)
            // Word-aligned after the 4-byte selector: 2 ("0x") + 8 hex digits, then 64 per word.
            return calldata.contains { data in
                var index = data.index(data.startIndex, offsetBy: 10, limitedBy: data.endIndex) ?? data.endIndex
                while let end = data.index(index, offsetBy: 64, limitedBy: data.endIndex) {
                    if data[index..<end] == word { return true }
                    index = end
                }
                return false
            }
        }
    }

    /// `ClaimApproved` events of `chain` in `fromBlock...toBlock`, oldest first
    /// (the verifier is topic 2: `ClaimApproved(claimId indexed, verifier indexed, skillId indexed)`).
    public func claimApprovals(chain: String, fromBlock: UInt64, toBlock: UInt64) async throws -> [ClaimApprovalRecord] {
        var sql = BoundSQL("SELECT block_number, tx_hash, \(dialect.topicsAsJSON) FROM chain_events WHERE chain = ")
        sql.append(value: .text(chain))
        sql.append(" AND block_number >= ")
        sql.append(value: try StoreValue(fromBlock))
        sql.append(" AND block_number <= ")
        sql.append(value: try StoreValue(toBlock))
        sql.append(" AND event_name = 'ClaimApproved' ORDER BY block_number, log_index")
        return try await backend.read(sql, types: [.integer, .text, .json]).map { row in
            guard row.count == 3, case let .int(block) = row[0], block >= 0, let txHash = row[1].text, let topicsText = row[2].text,
                  let topics = try? JSONDecoder().decode([String].self, from: Data(topicsText.utf8)), topics.count >= 3
            else { throw StoreError.corruptRow(table: "chain_events", reason: "ClaimApproved without its verifier topic: \(row)") }
            // An address topic is the address left-padded to 32 bytes: its last 40 hex digits.
            let verifier = "0x" + topics[2].lowercased().suffix(40)
            return ClaimApprovalRecord(blockNumber: UInt64(block), txHash: txHash, verifier: verifier)
        }
    }
}
