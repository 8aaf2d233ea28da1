import Testing
import PostgresNIO
@testable import TakumiStore

@Suite("ProjectionReader: the one-statement profile read")
struct ReaderTests {
    static func skill(id: Int64, owner: String, removed: Bool = false) -> ProjectionRow {
        ProjectionRow(.skills, [
            "chain": "dev", "id": .int(id), "owner": .text(owner), "name": .text("Skill \(id)"), "category": "language",
            "verified": .bool(id.isMultiple(of: 2)), "removed": .bool(removed), "verified_by_claim": id.isMultiple(of: 2) ? .int(id) : nil,
            "created_block": .int(id), "removed_block": removed ? .int(id + 1) : nil, "last_block": .int(id + 1),
        ])
    }

    static func endorsement(id: Int64, endorser: String, endorsee: String, active: Bool) -> ProjectionRow {
        var row = ProjectionTests.fullRow(.endorsements, seed: id)
        row["id"] = .int(id)
        row["endorser"] = .text(endorser)
        row["endorsee"] = .text(endorsee)
        row["active"] = .bool(active)
        return row
    }

    @Test("profile(chain:owner:skillLimit:) answers what the four separate reads answer", arguments: Backend.allCases)
    func profileMatchesSeparateReads(backend: Backend) async throws {
        try await StoreHarness.with(backend) { harness in
            let (alice, bob, carol) = ("0xaa", "0xbb", "0xcc")
            let lease = try await harness.lease()
            try await harness.store.write(lease) { tx in
                for owner in [alice, bob] {
                    var profile = ProjectionTests.fullRow(.profiles)
                    profile["owner"] = .text(owner)
                    try await tx.upsert(profile, journalBlock: nil)
                }
                // Alice: skills out of id order, one removed, one of Bob's; Bob has none.
                for skill in [Self.skill(id: 7, owner: alice), Self.skill(id: 3, owner: alice), Self.skill(id: 5, owner: alice, removed: true),
                              Self.skill(id: 4, owner: carol), Self.skill(id: 9, owner: alice)] {
                    try await tx.upsert(skill, journalBlock: nil)
                }
                for (id, endorser, endorsee, active) in [(1, bob, alice, true), (2, carol, alice, true), (3, carol, alice, false),
                                                         (4, alice, bob, true), (5, alice, carol, false)] as [(Int64, String, String, Bool)] {
                    try await tx.upsert(Self.endorsement(id: id, endorser: endorser, endorsee: endorsee, active: active), journalBlock: nil)
                }
            }
            let reader = harness.store.reader()
            for owner in [alice, bob] {
                let detail = try #require(try await reader.profile(chain: "dev", owner: owner, skillLimit: 100))
                #expect(detail.profile == (try await reader.row(.profiles, key: RowKey([.text("dev"), .text(owner)]))))
                let skills = try await reader.rows(.skills, chain: "dev", where: [.equals("owner", .text(owner)), .equals("removed", .bool(false))], limit: 100)
                #expect(detail.skills == skills)
                #expect(detail.endorsementsReceived == (try await reader.count(.endorsements, chain: "dev", where: [.equals("endorsee", .text(owner)), .equals("active", .bool(true))])))
                #expect(detail.endorsementsGiven == (try await reader.count(.endorsements, chain: "dev", where: [.equals("endorser", .text(owner)), .equals("active", .bool(true))])))
            }
            let aliceDetail = try #require(try await reader.profile(chain: "dev", owner: alice, skillLimit: 100))
            #expect(aliceDetail.skills.map { $0["id"] } == [.int(3), .int(7), .int(9)])
            #expect((aliceDetail.endorsementsReceived, aliceDetail.endorsementsGiven) == (2, 1))
            // The skill limit keeps the first skills in id order; the counts do not depend on it.
            let limited = try #require(try await reader.profile(chain: "dev", owner: alice, skillLimit: 2))
            #expect(limited.skills.map { $0["id"] } == [.int(3), .int(7)])
            #expect((limited.endorsementsReceived, limited.endorsementsGiven) == (2, 1))
            let bobDetail = try #require(try await reader.profile(chain: "dev", owner: bob, skillLimit: 100))
            #expect(bobDetail.skills.isEmpty)
            #expect(try await reader.profile(chain: "dev", owner: carol, skillLimit: 100) == nil)
            #expect(try await reader.profile(chain: "sepolia", owner: alice, skillLimit: 100) == nil)
            // Again on the same pooled connections: PostgreSQL runs the statement it prepared the first time.
            #expect(try await reader.profile(chain: "dev", owner: alice, skillLimit: 100) == aliceDetail)
        }
    }

    @Test("the cached statement text with a request's values is the statement built from scratch")
    func templateMatchesBuild() {
        for (chain, owner, limit) in [("dev", "0xaa", 100), ("sepolia", "0x'; DROP", 1), ("", "", 0)] {
            let cached = ProfileQuery(chain: chain, owner: owner, skillLimit: limit).sql
            let built = ProfileQuery.build(chain: chain, owner: owner, skillLimit: limit)
            #expect(cached.sqlite().0 == built.sqlite().0)
            #expect(cached.sqlite().1.map(String.init(describing:)) == built.sqlite().1.map(String.init(describing:)))
        }
    }

    @Test("pool size from the URL: pool_max_conns and pool_min_conns, else the default")
    func poolSize() throws {
        let plain = try PostgresURL("postgres://takumi:secret@db:5432/takumi")
        #expect(plain.maximumConnections == nil && plain.minimumConnections == nil)
        #expect(plain.clientConfiguration.options.maximumConnections == PostgresURL.defaultMaximumConnections)
        #expect(plain.clientConfiguration.options.minimumConnections == 0)
        #expect(plain.urlString == "postgres://takumi:secret@db:5432/takumi")

        let sized = try PostgresURL("postgres://takumi:secret@db:5432/takumi?pool_max_conns=12&pool_min_conns=3&sslmode=disable")
        #expect(sized.clientConfiguration.options.maximumConnections == 12)
        #expect(sized.clientConfiguration.options.minimumConnections == 3)
        #expect(sized.database == "takumi")
        #expect(sized.description == "postgres://takumi:****@db:5432/takumi?pool_max_conns=12&pool_min_conns=3")
        // Handed to another process, the URL keeps its pool size.
        #expect(try PostgresURL(sized.urlString) == sized)
        #expect(try PostgresURL(sized.with(database: "other").urlString).maximumConnections == 12)

        for bad in ["pool_max_conns=0", "pool_max_conns=many", "pool_max_conns=4&pool_min_conns=5", "pool_min_conns=-1"] {
            #expect(throws: PostgresURL.ParseError.self) { try PostgresURL("postgres://db/takumi?\(bad)") }
        }
    }
}
