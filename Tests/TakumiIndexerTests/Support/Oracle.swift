import Ethereum
import EthereumRPC
import Foundation
import Takumi
import TakumiStore
import TestSupport

/// Expected projection rows from two sources independent of the indexer: the
/// seed ledger, and the contracts' own view functions (eth_call). Each gives
/// the columns it knows; ``compare(_:_:table:)`` checks those columns of
/// every row and that no row is missing or extra.
enum Oracle {
    typealias Row = DatabaseReader.Row

    static let tables: [ProjectionTable] = [.profiles, .skills, .skillClaims, .endorsements, .verifiers]

    // MARK: From the ledger

    static func expected(from ledger: SeedLedger) -> [String: [String: Row]] {
        var profiles: [String: Row] = [:]
        for profile in ledger.profiles {
            var row: Row = [
                "owner": profile.owner.lowercased(), "name": profile.name, "bio": profile.bio,
                "metadata_uri": profile.metadataURI, "skill_count": String(profile.skillCount),
                "created_block": String(profile.createdBlock),
            ]
            if !profile.updated { row["updated_block"] = String(profile.createdBlock) }
            profiles["owner=\(profile.owner.lowercased())"] = row
        }
        var skills: [String: Row] = [:]
        for skill in ledger.skills {
            skills["id=\(skill.id)"] = [
                "owner": skill.owner.lowercased(), "name": skill.name, "category": skill.category,
                "verified": String(skill.verified), "removed": String(skill.removed),
                "verified_by_claim": skill.verifiedByClaim == 0 ? nil as String? : String(skill.verifiedByClaim),
                "created_block": String(skill.createdBlock),
            ]
        }
        var claims: [String: Row] = [:]
        for claim in ledger.claims {
            let verifier = claim.verifier.lowercased()
            claims["id=\(claim.id)"] = [
                "claimant": claim.claimant.lowercased(), "skill_id": String(claim.skillId), "evidence_uri": claim.evidenceURI,
                "verifier": verifier == Address.zero.lowercased ? nil as String? : verifier, "status": claim.statusName,
                "rejection_reason": nonEmpty(claim.rejectionReason), "dispute_reason": nonEmpty(claim.disputeReason),
                "resolution_note": nonEmpty(claim.resolutionNote), "created_block": String(claim.createdBlock),
            ]
        }
        var endorsements: [String: Row] = [:]
        for endorsement in ledger.endorsements {
            endorsements["id=\(endorsement.id)"] = [
                "endorser": endorsement.endorser.lowercased(), "endorsee": endorsement.endorsee.lowercased(),
                "skill_id": String(endorsement.skillId), "message": endorsement.message,
                "active": String(endorsement.active), "created_block": String(endorsement.createdBlock),
            ]
            if endorsement.active { endorsements["id=\(endorsement.id)"]?["revoked_block"] = .some(nil) }
        }
        var verifiers: [String: Row] = [:]
        for verifier in ledger.verifiers {
            var row: Row = [
                "account": verifier.account.lowercased(), "name": verifier.name, "organisation": verifier.organisation,
                "specialisations": json(verifier.specialisations), "active": String(verifier.active),
                "registered_block": String(verifier.registeredBlock),
            ]
            if verifier.active { row["suspension_reason"] = .some(nil) }
            if !verifier.updated && verifier.suspensions == 0 && verifier.reactivations == 0 {
                row["updated_block"] = String(verifier.registeredBlock)
            }
            verifiers["account=\(verifier.account.lowercased())"] = row
        }
        return ["profiles": profiles, "skills": skills, "skill_claims": claims, "endorsements": endorsements, "verifiers": verifiers]
    }

    // MARK: From the contracts

    /// Reads every entity through the proxies' view functions. Profiles and
    /// verifiers are keyed by address (the contracts cannot list them):
    /// `owners`/`accounts` say which to read; the counters say how many exist.
    /// Timestamps (`createdAt`, …) become block numbers through the chain's
    /// headers (the dev node's timestamps strictly increase).
    static func expected(
        from chain: TestChain, manifest: DeploymentManifest, head: UInt64, owners: [String], accounts: [String]
    ) async throws -> [String: [String: Row]] {
        let client = chain.client
        func view<T>(_ contract: String, _ call: ContractCall<T>) async throws -> T {
            guard let proxy = manifest.contracts[contract]?.proxy else { throw ReaderError("no \(contract) in the manifest") }
            return try call.decodeOutput(try await client.call(RPCCall(to: proxy, data: try call.calldata())))
        }
        // timestamp → block
        var blockAt: [UInt64: UInt64] = [:]
        var number: UInt64 = 0
        while number <= head {
            let numbers = Array(number...min(head, number + 199))
            for (n, block) in zip(numbers, try await client.blocks(numbers)) {
                guard let block else { throw ReaderError("no block \(n)") }
                if blockAt[block.timestamp] != nil { throw ReaderError("two blocks with timestamp \(block.timestamp)") }
                blockAt[block.timestamp] = n
            }
            number += 200
        }
        func block(_ timestamp: UInt64) -> String {
            blockAt[timestamp].map { String($0) } ?? "no block at timestamp \(timestamp)"
        }

        var profiles: [String: Row] = [:]
        for owner in Set(owners.map { $0.lowercased() }) {
            guard let profile = try await view("SkillProfile", SkillProfileCalls.getProfile(try Address(owner))) else {
                profiles["owner=\(owner)"] = ["owner": "no profile on chain"]
                continue
            }
            profiles["owner=\(owner)"] = [
                "owner": profile.owner.lowercased, "name": profile.name, "bio": profile.bio, "metadata_uri": profile.metadataURI,
                "skill_count": String(profile.skillCount), "created_block": block(profile.createdAt),
                "updated_block": block(profile.updatedAt),
            ]
        }
        let profileCount = try await view("SkillProfile", SkillProfileCalls.profileCount)
        if profileCount != UInt64(profiles.count) { profiles["count"] = ["profileCount()": String(profileCount)] }

        var skills: [String: Row] = [:]
        let skillCount = try await view("SkillProfile", SkillProfileCalls.nextSkillId) - 1
        for id in stride(from: UInt64(1), through: skillCount, by: 1) {
            guard let skill = try await view("SkillProfile", SkillProfileCalls.getSkill(id)) else {
                skills["id=\(id)"] = ["id": "no skill on chain"]
                continue
            }
            skills["id=\(id)"] = [
                "owner": skill.owner.lowercased, "name": skill.name, "category": skill.category,
                "verified": String(skill.verified), "removed": String(skill.removed),
                "verified_by_claim": skill.verifiedByClaim.map { String($0) }, "created_block": block(skill.createdAt),
            ]
        }

        var claims: [String: Row] = [:]
        let claimCount = try await view("SkillClaim", SkillClaimCalls.nextClaimId) - 1
        for id in stride(from: UInt64(1), through: claimCount, by: 1) {
            guard let claim = try await view("SkillClaim", SkillClaimCalls.getClaim(id)) else {
                claims["id=\(id)"] = ["id": "no claim on chain"]
                continue
            }
            claims["id=\(id)"] = [
                "claimant": claim.claimant.lowercased, "skill_id": String(claim.skillId), "evidence_uri": claim.evidenceURI,
                "verifier": claim.verifier?.lowercased, "status": claim.status.name,
                "rejection_reason": nonEmpty(claim.rejectionReason), "dispute_reason": nonEmpty(claim.disputeReason),
                "resolution_note": nonEmpty(claim.resolutionNote),
                "created_block": block(claim.createdAt), "updated_block": block(claim.updatedAt),
            ]
        }

        var endorsements: [String: Row] = [:]
        let endorsementCount = try await view("Endorsement", EndorsementCalls.nextEndorsementId) - 1
        for id in stride(from: UInt64(1), through: endorsementCount, by: 1) {
            guard let endorsement = try await view("Endorsement", EndorsementCalls.getEndorsement(id)) else {
                endorsements["id=\(id)"] = ["id": "no endorsement on chain"]
                continue
            }
            endorsements["id=\(id)"] = [
                "endorser": endorsement.endorser.lowercased, "endorsee": endorsement.endorsee.lowercased,
                "skill_id": String(endorsement.skillId), "message": endorsement.message, "active": String(endorsement.active),
                "created_block": block(endorsement.createdAt), "revoked_block": endorsement.revokedAt.map(block),
            ]
        }

        var verifiers: [String: Row] = [:]
        for account in Set(accounts.map { $0.lowercased() }) {
            guard let verifier = try await view("VerifierRegistry", VerifierRegistryCalls.getVerifier(try Address(account))) else {
                verifiers["account=\(account)"] = ["account": "no verifier on chain"]
                continue
            }
            verifiers["account=\(account)"] = [
                "account": verifier.account.lowercased, "name": verifier.name, "organisation": verifier.organisation,
                "specialisations": json(verifier.specialisations), "active": String(verifier.active),
                "registered_block": block(verifier.registeredAt), "updated_block": block(verifier.updatedAt),
            ]
        }
        let verifierCount = try await view("VerifierRegistry", VerifierRegistryCalls.verifierCount)
        if verifierCount != UInt64(verifiers.count) { verifiers["count"] = ["verifierCount()": String(verifierCount)] }

        return ["profiles": profiles, "skills": skills, "skill_claims": claims, "endorsements": endorsements, "verifiers": verifiers]
    }

    // MARK: Comparing

    /// The columns `expected` names, of every row; rows missing on either side.
    static func compare(_ actual: [String: Row], _ expected: [String: Row], table: String) -> [String] {
        var issues: [String] = []
        for key in Set(actual.keys).union(expected.keys).sorted() {
            guard let wanted = expected[key] else { issues.append("\(table) \(key): not expected (no such entity)"); continue }
            guard let row = actual[key] else { issues.append("\(table) \(key): missing (expected \(DatabaseDump.render(wanted)))"); continue }
            for column in wanted.keys.sorted() {
                let have = normalise(column, row[column] ?? nil)
                let want = normalise(column, wanted[column] ?? nil)
                if !DatabaseDump.sameValue(have, want) {
                    issues.append("\(table) \(key) \(column): \(have ?? "NULL"), expected \(want ?? "NULL")")
                }
            }
        }
        return issues
    }

    /// JSON columns compare by content, not by spelling.
    static func normalise(_ column: String, _ value: String?) -> String? {
        guard column == "specialisations", let value,
              let list = try? JSONDecoder().decode([String].self, from: Data(value.utf8)) else { return value }
        return json(list)
    }

    static func json(_ list: [String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(list)).map { String(decoding: $0, as: UTF8.self) } ?? "?"
    }

    static func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }
}
