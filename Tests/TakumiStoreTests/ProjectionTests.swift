import Testing
@testable import TakumiStore

@Suite("Projection rows and the reorg journal")
struct ProjectionTests {
    /// One complete row per projection table, every column set (nullable ones both ways across tables).
    static func fullRow(_ table: ProjectionTable, chain: String = "dev", seed: Int64 = 1) -> ProjectionRow {
        var values: [String: StoreValue] = [:]
        for (index, column) in table.columns.enumerated() {
            switch column.type {
            case .integer: values[column.name] = .int(seed * 100 + Int64(index))
            case .text: values[column.name] = .text("\(column.name)-\(seed) 匠 'quoted'")
            case .boolean: values[column.name] = .bool(index.isMultiple(of: 2))
            case .numeric: values[column.name] = "115792089237316195423570985008687907853269984665640564039457584007913129639935"
            case .json: values[column.name] = #"["solidity","vyper"]"#
            }
            if column.isNullable, index.isMultiple(of: 3) { values[column.name] = .null }
        }
        values["chain"] = .text(chain)
        return ProjectionRow(table, values)
    }

    @Test("every projection table round-trips every column", arguments: Backend.allCases)
    func schemaMatchesTables(backend: Backend) async throws {
        try await StoreHarness.with(backend) { harness in
            let lease = try await harness.lease()
            try await harness.store.write(lease) { tx in
                for table in ProjectionTable.allCases {
                    let row = Self.fullRow(table)
                    try await tx.upsert(row, journalBlock: nil)
                    #expect(try await tx.row(table, key: try row.key()) == row, "\(table)")
                }
            }
            // The enum lists exactly the live table's columns.
            for table in ProjectionTable.allCases {
                let names = try await harness.raw.rawColumn(harness.backend == .postgresql
                    ? "SELECT column_name::text FROM information_schema.columns WHERE table_name = '\(table.name)' ORDER BY ordinal_position"
                    : "SELECT name FROM pragma_table_info('\(table.name)') ORDER BY cid")
                #expect(names == table.columns.map(\.name), "\(table)")
            }
            await lease.release()
        }
    }

    @Test("undo restores the exact previous rows, including absent ones", arguments: Backend.allCases)
    func undoRestoresExactly(backend: Backend) async throws {
        try await StoreHarness.with(backend) { harness in
            let lease = try await harness.lease()
            let skill = ProjectionRow(.skills, [
                "chain": "dev", "id": 1, "owner": "0xaa", "name": "Swift", "category": "language",
                "verified": false, "removed": false, "verified_by_claim": nil, "created_block": 1, "removed_block": nil, "last_block": 1,
            ])
            let endorsement = Self.fullRow(.endorsements, seed: 7)
            let endorsementKey = try endorsement.key()
            let snapshot = try await harness.store.write(lease) { tx in
                // Final blocks: not journaled.
                try await tx.upsert(skill, journalBlock: nil)
                try await tx.upsert(endorsement, journalBlock: nil)
                return try await Self.everything(tx)
            }
            let afterBlock10 = try await harness.store.write(lease) { tx in
                // Block 10: a partial update, a new row, a delete, a delete of nothing.
                try await tx.upsert(ProjectionRow(.skills, ["chain": "dev", "id": 1, "verified": true, "verified_by_claim": 4, "last_block": 10]), journalBlock: 10)
                try await tx.upsert(Self.fullRow(.skills, seed: 2), journalBlock: 10)
                try await tx.delete(.endorsements, key: endorsementKey, journalBlock: 10)
                try await tx.delete(.profiles, key: ["dev", "0xnobody"], journalBlock: 10)
                try await tx.upsert(Self.fullRow(.roleMembers, seed: 3), journalBlock: 10)
                return try await Self.everything(tx)
            }
            try await harness.store.write(lease) { tx in
                // Block 11: the same rows again.
                try await tx.upsert(ProjectionRow(.skills, ["chain": "dev", "id": 1, "name": "Swift 6", "last_block": 11]), journalBlock: 11)
                try await tx.delete(.skills, key: try Self.fullRow(.skills, seed: 2).key(), journalBlock: 11)
                try await tx.delete(.roleMembers, key: try Self.fullRow(.roleMembers, seed: 3).key(), journalBlock: 11)
                #expect(try await tx.row(.skills, key: ["dev", 1])?["name"] == "Swift 6")
                #expect(try await tx.row(.skills, key: ["dev", 1])?["verified"] == true)
                #expect(try await tx.journalFloor(chain: "dev") == 10)
                #expect(try await tx.count(.skills, chain: "dev", where: [:]) == 1)
                #expect(try await tx.count(.skills, chain: "dev", where: ["owner": "0xaa", "removed": false]) == 1)
                #expect(try await tx.count(.skills, chain: "dev", where: ["removed_block": nil, "verified": false]) == 0)
                #expect(try await tx.count(.skills, chain: "sepolia", where: [:]) == 0)
                await #expect(throws: StoreError.unknownColumn(table: "skills", column: "1=1 OR owner")) {
                    _ = try await tx.count(.skills, chain: "dev", where: ["1=1 OR owner": "x"])
                }
            }
            try await harness.store.write(lease) { tx async throws in
                #expect(try await tx.undo(chain: "dev", afterBlock: 10) == 3)
                #expect(try await Self.everything(tx) == afterBlock10)
                #expect(try await tx.undo(chain: "dev", afterBlock: 9) == 4)
                #expect(try await Self.everything(tx) == snapshot)
                #expect(try await tx.row(.skills, key: ["dev", 1]) == skill)
                #expect(try await tx.row(.endorsements, key: endorsementKey) == endorsement)
                #expect(try await tx.journalFloor(chain: "dev") == nil)
                #expect(try await tx.undo(chain: "dev", afterBlock: 0) == 0)
            }
            await lease.release()
        }
    }

    @Test("prefetch reads rows ahead, present and absent, and changes no answer", arguments: Backend.allCases)
    func prefetchChangesNothing(backend: Backend) async throws {
        try await StoreHarness.with(backend) { harness in
            let lease = try await harness.lease()
            let rows = (1...150).map { Self.fullRow(.skills, seed: Int64($0)) }
            try await harness.store.write(lease) { tx in
                for row in rows { try await tx.upsert(row, journalBlock: nil) }
            }
            try await harness.store.write(lease) { tx in
                let keys = try rows.map { try $0.key() } + [["dev", 999_999], ["sepolia", 101]]
                try await tx.prefetch(.skills, keys: keys + keys)
                try await tx.prefetch(.roleMembers, keys: [try Self.fullRow(.roleMembers).key()])  // four-column key: ignored
                for row in rows { #expect(try await tx.row(.skills, key: try row.key()) == row) }
                #expect(try await tx.exists(.skills, key: ["dev", 999_999]) == false)
                // A prefetched row changes like any other (journaled here).
                try await tx.upsert(ProjectionRow(.skills, ["chain": "dev", "id": 101, "name": "changed", "last_block": 20]), journalBlock: 20)
            }
            try await harness.store.write(lease) { tx async throws in
                #expect(try await tx.row(.skills, key: ["dev", 101])?["name"] == "changed")
                #expect(try await tx.journalFloor(chain: "dev") == 20)
                await #expect(throws: StoreError.self) { try await tx.prefetch(.skills, keys: [["dev", "not a number"]]) }
            }
            await lease.release()
        }
    }

    @Test("clearProjections empties one chain's projections and journal", arguments: Backend.allCases)
    func clear(backend: Backend) async throws {
        try await StoreHarness.with(backend) { harness in
            let dev = try await harness.lease("dev")
            let sepolia = try await harness.lease("sepolia")
            try await harness.store.write(sepolia) { tx in
                try await tx.upsert(Self.fullRow(.profiles, chain: "sepolia"), journalBlock: 5)
            }
            try await harness.store.write(dev) { tx in
                for table in ProjectionTable.allCases { try await tx.upsert(Self.fullRow(table), journalBlock: 5) }
                try await tx.clearProjections(chain: "dev")
                #expect(try await Self.everything(tx).isEmpty)
                #expect(try await tx.journalFloor(chain: "dev") == nil)
                #expect(try await tx.journalFloor(chain: "sepolia") == 5)
                #expect(try await tx.row(.profiles, key: try Self.fullRow(.profiles, chain: "sepolia").key()) != nil)
            }
            await dev.release()
            await sepolia.release()
        }
    }

    @Test("rows are checked before any SQL: unknown columns, types, keys, chain", arguments: Backend.allCases)
    func rejectsBadRows(backend: Backend) async throws {
        try await StoreHarness.with(backend) { harness in
            let lease = try await harness.lease()
            try await harness.store.write(lease) { tx async throws in
                await #expect(throws: StoreError.unknownColumn(table: "skills", column: "owner; DROP TABLE skills")) {
                    try await tx.upsert(ProjectionRow(.skills, ["chain": "dev", "id": 1, "owner; DROP TABLE skills": "x"]), journalBlock: nil)
                }
                await #expect(throws: StoreError.wrongValueType(table: "skills", column: "verified", expected: "boolean", got: "'yes'")) {
                    try await tx.upsert(ProjectionRow(.skills, ["chain": "dev", "id": 1, "verified": "yes"]), journalBlock: nil)
                }
                await #expect(throws: StoreError.wrongValueType(table: "multisig_proposals", column: "amount", expected: "decimal text", got: "'-1'")) {
                    try await tx.upsert(ProjectionRow(.multisigProposals, ["chain": "dev", "proposal_id": 1, "amount": "-1"]), journalBlock: nil)
                }
                await #expect(throws: StoreError.wrongValueType(table: "skills", column: "owner", expected: "text", got: "NULL")) {
                    try await tx.upsert(ProjectionRow(.skills, ["chain": "dev", "id": 1, "owner": nil]), journalBlock: nil)
                }
                await #expect(throws: StoreError.missingKeyColumn(table: "skills", column: "id")) {
                    try await tx.upsert(ProjectionRow(.skills, ["chain": "dev", "name": "x"]), journalBlock: nil)
                }
                await #expect(throws: StoreError.keyArity(table: "role_members", expected: 4, got: 2)) {
                    _ = try await tx.row(.roleMembers, key: ["dev", "SkillProfile"])
                }
                await #expect(throws: StoreError.chainMismatch(lease: "dev", requested: "sepolia")) {
                    try await tx.upsert(Self.fullRow(.skills, chain: "sepolia"), journalBlock: 1)
                }
                #expect(try await Self.everything(tx).isEmpty)
            }
            await lease.release()
        }
    }

    /// Every projection row of chain "dev" (through the store's own API), for before/after comparisons.
    static func everything(_ tx: any IndexerTransaction) async throws -> Set<ProjectionRow> {
        var rows = Set<ProjectionRow>()
        let candidates: [ProjectionRow] = ProjectionTable.allCases.flatMap { table in
            (1...7).map { fullRow(table, seed: Int64($0)) }
        } + [ProjectionRow(.skills, ["chain": "dev", "id": 1])]
        for candidate in candidates {
            if let row = try await tx.row(candidate.table, key: try candidate.key()) { rows.insert(row) }
        }
        return rows
    }
}
