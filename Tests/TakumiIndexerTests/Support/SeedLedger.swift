import Foundation

/// The JSON ledger `chain/seed.py` writes: every entity it created, with the
/// ids the contracts assigned and the final state the script modelled. An
/// oracle independent of the indexer (see the docstring of chain/seed.py).
struct SeedLedger: Decodable, Sendable {
    struct Profile: Decodable, Sendable {
        var owner: String
        var name: String
        var bio: String
        var metadataURI: String
        var skillCount: Int
        var updated: Bool
        var createdBlock: Int
    }

    struct Skill: Decodable, Sendable {
        var id: Int
        var owner: String
        var name: String
        var category: String
        var verified: Bool
        var removed: Bool
        /// 0 = not verified.
        var verifiedByClaim: Int
        var createdBlock: Int
    }

    struct Claim: Decodable, Sendable {
        var id: Int
        var claimant: String
        var skillId: Int
        var evidenceURI: String
        /// The zero address while no verifier was assigned.
        var verifier: String
        /// The contract's status code (1–6).
        var status: Int
        /// pending | assigned | approved | rejected | disputed | upheld | overturned
        var state: String
        var rejectionReason: String
        var disputeReason: String
        var resolutionNote: String
        var assignments: Int
        var createdBlock: Int

        /// The `skill_claims.status` name the indexer must store for this state.
        var statusName: String {
            switch state {
            case "overturned": "approved"
            case "upheld": "rejection_upheld"
            default: state
            }
        }
    }

    struct Endorsement: Decodable, Sendable {
        var id: Int
        var endorser: String
        var endorsee: String
        var skillId: Int
        var message: String
        var active: Bool
        var createdBlock: Int
    }

    struct Verifier: Decodable, Sendable {
        var account: String
        var name: String
        var organisation: String
        var specialisations: [String]
        var active: Bool
        var suspensions: Int
        var reactivations: Int
        var updated: Bool
        var registeredBlock: Int
    }

    struct Counts: Decodable, Sendable {
        var profiles: Int
        var skills: Int
        var claims: Int
        var endorsements: Int
        var verifiers: Int
        var claimsByState: [String: Int]
    }

    var network: String
    var chainId: UInt64
    /// Contract name → proxy address.
    var contracts: [String: String]
    var fromBlock: Int
    var toBlock: Int
    var profiles: [Profile]
    var skills: [Skill]
    var claims: [Claim]
    var endorsements: [Endorsement]
    var verifiers: [Verifier]
    var counts: Counts
    /// Contract name → event name → how many the seed's transactions emitted.
    var events: [String: [String: Int]]

    static func load(_ url: URL) throws -> SeedLedger {
        try JSONDecoder().decode(SeedLedger.self, from: Data(contentsOf: url))
    }
}
