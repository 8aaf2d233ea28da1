import Ethereum
import EthereumRPC
import Foundation
import TakumiStore

/// The `audit_log` rows of a sending command: one per transaction sent
/// (mined, reverted or still pending), `actor` = the sender's address,
/// `action` = what (`contracts.pause`, `multisig.execute`), `target` = what it
/// was done to, `detail` = JSON with the network, tx hash, nonce, block and
/// status. The same table the API's admin actions write to, so one query
/// answers "who did what" for both.
public enum TransactionAudit {
    public static func entries(_ outcomes: [TransactionOutcome], sender: Address, network: String, chainId: UInt64) -> [AuditEntryDraft] {
        outcomes.compactMap { outcome in
            // Nothing was broadcast: nothing happened on chain to account for.
            guard let hash = outcome.hash else { return nil }
            var detail: [String: JSONValue] = [
                "network": .string(network),
                "chainId": .number(Double(chainId)),
                "txHash": .string(hash.hex),
                "nonce": .number(Double(outcome.nonce)),
                "call": .string(outcome.request.summary),
                "to": .string(outcome.request.to.checksummed),
                "status": .string(outcome.receipt.map { $0.succeeded ? "success" : "reverted" } ?? "pending"),
            ]
            if let receipt = outcome.receipt { detail["block"] = .number(Double(receipt.blockNumber)) }
            if !outcome.replacedHashes.isEmpty { detail["replaced"] = .array(outcome.replacedHashes.map { .string($0.hex) }) }
            if let failure = outcome.failure { detail["failure"] = .string(failure) }
            return AuditEntryDraft(actor: sender.checksummed, action: outcome.request.action, target: outcome.request.target, detail: JSONValue.object(detail).jsonText)
        }
    }

    /// Appends the rows; the caller reports a failure (the transactions are sent either way).
    public static func append(_ entries: [AuditEntryDraft], to store: any DatabaseStore, at now: Date = Date()) async throws {
        let access = store.access()
        for entry in entries { try await access.appendAudit(entry, at: now) }
    }
}
