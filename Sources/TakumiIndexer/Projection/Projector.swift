import Ethereum
import Foundation
import Takumi
import TakumiStore

/// Turns Takumi events into projection rows (`profiles`, `skills`,
/// `skill_claims`, `endorsements`, `verifiers`, `contract_state`,
/// `multisig_proposals`, `role_members`).
///
/// Every event carries the full new values of what it changes, so applying
/// an event is idempotent (applying it twice leaves the same rows) except for
/// counters, which are derived from the rows they count. All changes go
/// through the store's journaled row API, so a reorg undo restores rows exactly.
///
/// ```swift
/// let projector = Projector(versions: manifest.implementationVersions)
/// try await projector.apply(event, at: context, in: tx)
/// ```
public struct Projector: Sendable {
    /// Implementation address (lowercase hex) → `version()`, from the manifest,
    /// so `contract_state.version` is known without an `eth_call`.
    let versions: [String: String]

    public init(versions: [String: String]) {
        self.versions = versions
    }

    public func apply(_ event: TakumiEvent, at context: EventContext, in tx: any IndexerTransaction) async throws {
        let writer = RowWriter(tx: tx, context: context)
        switch event {
        case .profileCreated(let created):
            try await writer.upsert(.profiles, [
                "owner": .text(created.owner.lowercased), "name": .text(created.name), "bio": .text(created.bio),
                "metadata_uri": .text(created.metadataURI), "skill_count": .int(0),
                "created_block": writer.block, "updated_block": writer.block,
            ])
        case .profileUpdated(let updated):
            try await writer.upsert(.profiles, [
                "owner": .text(updated.owner.lowercased), "name": .text(updated.name), "bio": .text(updated.bio),
                "metadata_uri": .text(updated.metadataURI), "updated_block": writer.block,
            ], defaults: ["skill_count": .int(0), "created_block": writer.block])
        case .skillAdded(let added):
            try await writer.upsert(.skills, [
                "id": try id(added.skillId), "owner": .text(added.owner.lowercased), "name": .text(added.name),
                "category": .text(added.category), "verified": .bool(false), "removed": .bool(false),
                "verified_by_claim": .null, "created_block": writer.block, "removed_block": .null,
            ])
            try await writer.recountSkills(of: added.owner)
        case .skillRemoved(let removed):
            try await writer.update(.skills, key: try id(removed.skillId), ["removed": .bool(true), "removed_block": writer.block])
            try await writer.recountSkills(of: removed.owner)
        case .skillVerified(let verified):
            try await writer.update(.skills, key: try id(verified.skillId), [
                "verified": .bool(true), "verified_by_claim": try id(verified.claimId),
            ])
        case .claimCreated(let created):
            try await writer.upsert(.skillClaims, [
                "id": try id(created.claimId), "claimant": .text(created.claimant.lowercased),
                "skill_id": try id(created.skillId), "evidence_uri": .text(created.evidenceURI), "verifier": .null,
                "status": .text(ClaimStatus.pending.name), "rejection_reason": .null, "dispute_reason": .null,
                "resolution_note": .null, "created_block": writer.block, "updated_block": writer.block,
            ])
        case .verifierAssigned(let assigned):
            try await writer.updateClaim(assigned.claimId, status: .assigned, ["verifier": .text(assigned.verifier.lowercased)])
        case .claimApproved(let approved):
            try await writer.updateClaim(approved.claimId, status: .approved, ["verifier": .text(approved.verifier.lowercased)])
        case .claimRejected(let rejected):
            try await writer.updateClaim(rejected.claimId, status: .rejected, [
                "verifier": .text(rejected.verifier.lowercased), "rejection_reason": .text(rejected.reason),
            ])
        case .claimDisputed(let disputed):
            try await writer.updateClaim(disputed.claimId, status: .disputed, ["dispute_reason": .text(disputed.reason)])
        case .disputeResolved(let resolved):
            try await writer.updateClaim(
                resolved.claimId, status: resolved.overturned ? .approved : .rejectionUpheld,
                ["resolution_note": .text(resolved.note)]
            )
        case .endorsed(let endorsed):
            try await writer.upsert(.endorsements, [
                "id": try id(endorsed.endorsementId), "endorser": .text(endorsed.endorser.lowercased),
                "endorsee": .text(endorsed.endorsee.lowercased), "skill_id": try id(endorsed.skillId),
                "message": .text(endorsed.message), "active": .bool(true), "created_block": writer.block, "revoked_block": .null,
            ])
        case .endorsementRevoked(let revoked):
            try await writer.update(.endorsements, key: try id(revoked.endorsementId), [
                "active": .bool(false), "revoked_block": writer.block,
            ])
        case .verifierRegistered(let registered):
            try await writer.upsert(.verifiers, [
                "account": .text(registered.account.lowercased), "name": .text(registered.name),
                "organisation": .text(registered.organisation), "specialisations": .text(jsonArray(registered.specialisations)),
                "active": .bool(true), "suspension_reason": .null, "registered_block": writer.block, "updated_block": writer.block,
            ])
        case .verifierUpdated(let updated):
            try await writer.upsert(.verifiers, [
                "account": .text(updated.account.lowercased), "name": .text(updated.name),
                "organisation": .text(updated.organisation), "specialisations": .text(jsonArray(updated.specialisations)),
                "updated_block": writer.block,
            ], defaults: ["active": .bool(true), "registered_block": writer.block])
        case .verifierSuspended(let suspended):
            try await writer.update(.verifiers, key: .text(suspended.account.lowercased), [
                "active": .bool(false), "suspension_reason": .text(suspended.reason), "updated_block": writer.block,
            ])
        case .verifierReactivated(let reactivated):
            try await writer.update(.verifiers, key: .text(reactivated.account.lowercased), [
                "active": .bool(true), "suspension_reason": .null, "updated_block": writer.block,
            ])
        case .roleGranted(let granted):
            try await writer.upsert(.roleMembers, [
                "contract": .text(context.contract), "role": .text(granted.role.hex), "account": .text(granted.account.lowercased),
                "granted_block": writer.block, "granted_by_tx": .text(context.transactionHash.hex), "sender": .text(granted.sender.lowercased),
            ])
        case .roleRevoked(let revoked):
            try await writer.delete(.roleMembers, key: [
                .text(context.chain), .text(context.contract), .text(revoked.role.hex), .text(revoked.account.lowercased),
            ])
        case .upgraded(let upgraded):
            let implementation = upgraded.implementation.lowercased
            try await writer.updateContractState([
                "implementation": .text(implementation), "version": versions[implementation].map(StoreValue.text) ?? .null,
            ])
        case .paused(let paused):
            try await writer.updateContractState(["paused": .bool(true), "paused_by": .text(paused.account.lowercased)])
        case .unpaused:
            try await writer.updateContractState(["paused": .bool(false), "paused_by": .null])
        case .proposed(let proposed):
            try await writer.upsert(.multisigProposals, [
                "proposal_id": try id(proposed.proposalId), "target": .text(proposed.target.lowercased),
                "amount": .text(String(proposed.amount)), "data": .text(Hex.encode(proposed.data)),
                "proposer": .text(proposed.proposer.lowercased), "confirmations": .int(1), "executed": .bool(false),
                "executor": .null, "executed_tx": .null, "executed_block": .null, "created_block": writer.block,
                "created_tx": .text(context.transactionHash.hex),
            ])
        case .confirmed(let confirmed):
            try await writer.update(.multisigProposals, key: try id(confirmed.proposalId), ["confirmations": try id(confirmed.confirmations)])
        case .revoked(let revoked):
            try await writer.update(.multisigProposals, key: try id(revoked.proposalId), ["confirmations": try id(revoked.confirmations)])
        case .executed(let executed):
            try await writer.update(.multisigProposals, key: try id(executed.proposalId), [
                "executed": .bool(true), "executor": .text(executed.executor.lowercased),
                "executed_tx": .text(context.transactionHash.hex), "executed_block": writer.block,
            ])
        case .roleAdminChanged, .initialized, .ownerAdded, .ownerRemoved, .thresholdChanged, .deposited:
            // Kept in chain_events; no projection reads them.
            break
        }
    }

    /// Reads, in one query per table, the existing rows that applying these
    /// events will look at (updates, recounts, rows with defaults), so that
    /// ``apply(_:at:in:)`` finds them in the transaction's cache. Only a hint.
    public func prefetch(_ events: [(TakumiEvent, EventContext)], in tx: any IndexerTransaction) async throws {
        var keys: [ProjectionTable: [RowKey]] = [:]
        // A row an earlier event of the batch created or read is in the
        // cache by then: only rows read before the batch touches them are asked for.
        var known = Set<TableKey>()
        // By index: a for-in binding would copy each event (its strings retained and released).
        for index in events.indices {
            let chain = events[index].1.chain
            for (table, key) in Self.rowsRead(by: events[index].0, contract: events[index].1.contract) {
                let rowKey = RowKey([.text(chain), key])
                if known.insert(TableKey(table: table, key: rowKey)).inserted { keys[table, default: []].append(rowKey) }
            }
            if let (table, key) = Self.rowCreated(by: events[index].0) {
                known.insert(TableKey(table: table, key: RowKey([.text(chain), key])))
            }
        }
        for table in ProjectionTable.allCases {
            if let wanted = keys[table], !wanted.isEmpty { try await tx.prefetch(table, keys: wanted) }
        }
    }

    struct TableKey: Hashable {
        var table: ProjectionTable
        var key: RowKey
    }

    /// The row (table, key after the chain) `event` creates: cached from then on.
    static func rowCreated(by event: TakumiEvent) -> (ProjectionTable, StoreValue)? {
        func number(_ value: UInt64) -> StoreValue? { Int64(exactly: value).map(StoreValue.int) }
        switch event {
        case .profileCreated(let created): return (.profiles, .text(created.owner.lowercased))
        case .skillAdded(let added): return number(added.skillId).map { (.skills, $0) }
        case .claimCreated(let created): return number(created.claimId).map { (.skillClaims, $0) }
        case .endorsed(let endorsed): return number(endorsed.endorsementId).map { (.endorsements, $0) }
        case .verifierRegistered(let registered): return (.verifiers, .text(registered.account.lowercased))
        case .proposed(let proposed): return number(proposed.proposalId).map { (.multisigProposals, $0) }
        default: return nil
        }
    }

    /// The existing rows (table, key after the chain) that ``apply(_:at:in:)`` reads for `event`.
    static func rowsRead(by event: TakumiEvent, contract: String) -> [(ProjectionTable, StoreValue)] {
        func number(_ value: UInt64) -> StoreValue? { Int64(exactly: value).map(StoreValue.int) }
        func owner(_ address: Address) -> StoreValue { .text(address.lowercased) }
        switch event {
        case .profileUpdated(let updated): return [(.profiles, owner(updated.owner))]
        case .skillAdded(let added): return [(.profiles, owner(added.owner))]
        case .skillRemoved(let removed):
            return [(.profiles, owner(removed.owner))] + (number(removed.skillId).map { [(.skills, $0)] } ?? [])
        case .skillVerified(let verified): return number(verified.skillId).map { [(.skills, $0)] } ?? []
        case .verifierAssigned(let assigned): return number(assigned.claimId).map { [(.skillClaims, $0)] } ?? []
        case .claimApproved(let approved): return number(approved.claimId).map { [(.skillClaims, $0)] } ?? []
        case .claimRejected(let rejected): return number(rejected.claimId).map { [(.skillClaims, $0)] } ?? []
        case .claimDisputed(let disputed): return number(disputed.claimId).map { [(.skillClaims, $0)] } ?? []
        case .disputeResolved(let resolved): return number(resolved.claimId).map { [(.skillClaims, $0)] } ?? []
        case .endorsementRevoked(let revoked): return number(revoked.endorsementId).map { [(.endorsements, $0)] } ?? []
        case .verifierUpdated(let updated): return [(.verifiers, owner(updated.account))]
        case .verifierSuspended(let suspended): return [(.verifiers, owner(suspended.account))]
        case .verifierReactivated(let reactivated): return [(.verifiers, owner(reactivated.account))]
        case .upgraded, .paused, .unpaused: return [(.contractState, .text(contract))]
        case .confirmed(let confirmed): return number(confirmed.proposalId).map { [(.multisigProposals, $0)] } ?? []
        case .revoked(let revoked): return number(revoked.proposalId).map { [(.multisigProposals, $0)] } ?? []
        case .executed(let executed): return number(executed.proposalId).map { [(.multisigProposals, $0)] } ?? []
        default: return []
        }
    }

    func jsonArray(_ items: [String]) -> String {
        (try? JSONEncoder().encode(items)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }
}

/// Row changes for one event: adds `chain` and `last_block`, journals when the
/// block is reversible.
/// An id as a database integer; ids beyond `Int64.max` cannot be stored
/// (the contracts count from 1, so this means a corrupt log) and fail the batch
/// instead of crashing.
func id(_ value: UInt64) throws -> StoreValue {
    guard let stored = Int64(exactly: value) else { throw ProjectionError.idOutOfRange(value) }
    return .int(stored)
}

/// A decoded event that cannot be projected.
public enum ProjectionError: Error, CustomStringConvertible {
    case idOutOfRange(UInt64)

    public var description: String {
        switch self {
        case .idOutOfRange(let value): "id \(value) does not fit the database's 64-bit integers"
        }
    }
}

struct RowWriter {
    let tx: any IndexerTransaction
    let context: EventContext

    // Block numbers stay far below Int64.max on any real chain.
    var block: StoreValue { .int(Int64(clamping: context.blockNumber)) }

    /// Inserts or updates; `defaults` fill columns only when the row is new
    /// (an update event seen without its create, e.g. after a partial history).
    func upsert(_ table: ProjectionTable, _ values: [String: StoreValue], defaults: [String: StoreValue] = [:]) async throws {
        var row = ProjectionRow(table, values)
        row["chain"] = .text(context.chain)
        row["last_block"] = block
        if !defaults.isEmpty, try await !tx.exists(table, key: row.key()) {
            for (column, value) in defaults where row[column] == nil { row[column] = value }
        }
        try await tx.upsert(row, journalBlock: context.journalBlock)
    }

    /// Updates an existing row; an event about a row never created is ignored
    /// (the contracts cannot emit one, so it would mean a partial history).
    func update(_ table: ProjectionTable, key: StoreValue, _ values: [String: StoreValue]) async throws {
        let rowKey = RowKey([.text(context.chain), key])
        guard try await tx.exists(table, key: rowKey) else { return }
        var row = ProjectionRow(table, values)
        row["chain"] = .text(context.chain)
        row[table.keyColumns[1]] = key
        row["last_block"] = block
        try await tx.upsert(row, journalBlock: context.journalBlock)
    }

    func updateClaim(_ claimID: UInt64, status: ClaimStatus, _ values: [String: StoreValue]) async throws {
        var values = values
        values["status"] = .text(status.name)
        values["updated_block"] = block
        try await update(.skillClaims, key: try id(claimID), values)
    }

    func delete(_ table: ProjectionTable, key: [StoreValue]) async throws {
        try await tx.delete(table, key: RowKey(key), journalBlock: context.journalBlock)
    }

    /// `profiles.skill_count`: active (not removed) skills of the owner, counted
    /// from `skills` so replays and undo can never drift it. The store may
    /// take the count at the end of the batch, for all owners at once; every
    /// change of a skill's owner or `removed` flag comes with a recount.
    func recountSkills(of owner: Address) async throws {
        let owner = StoreValue.text(owner.lowercased)
        try await tx.updateCount(
            .profiles, key: RowKey([.text(context.chain), owner]), column: "skill_count", counting: .skills,
            where: ["owner": owner, "removed": .bool(false)], values: ["last_block": block], journalBlock: context.journalBlock
        )
    }

    func updateContractState(_ values: [String: StoreValue]) async throws {
        try await upsert(.contractState, values.merging([
            "contract": .text(context.contract), "address": .text(context.contractAddress.lowercased), "updated_block": block,
        ]) { new, _ in new }, defaults: ["paused": .bool(false)])
    }
}
