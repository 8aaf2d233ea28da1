import Testing
@testable import TakumiStore

@Suite("Migrations")
struct MigrationTests {
    static let tables = [
        "schema_migrations", "profiles", "skills", "skill_claims", "endorsements", "verifiers", "chain_events",
        "indexer_state", "block_hashes", "reorg_journal", "contract_state", "multisig_proposals", "role_members",
    ]

    @Test("migrate is idempotent and records each version", arguments: Backend.allCases)
    func idempotent(backend: Backend) async throws {
        try await StoreHarness.with(backend) { harness in
            // withDatabase migrated once already; twice more changes nothing.
            try await harness.store.migrate()
            try await harness.store.migrate()
            let raw = try harness.raw
            let recorded = try await raw.rawColumn(
                "SELECT CAST(version AS TEXT) || ':' || name || ':' || CAST(applied_at IS NOT NULL AS TEXT) FROM schema_migrations ORDER BY version"
            )
            let expectedTrue = backend == .postgresql ? "true" : "1"
            #expect(recorded == Migrations.all.map { "\($0.version):\($0.name):\(expectedTrue)" })
            for table in Self.tables {
                let count = try await raw.rawColumn("SELECT CAST(COUNT(*) AS TEXT) FROM \(table)")
                #expect(count.count == 1, "table \(table) exists")
            }
        }
    }

    @Test("a later migration is applied once, in order, and recorded", arguments: Backend.allCases)
    func appended(backend: Backend) async throws {
        try await StoreHarness.with(backend) { harness in
            let next = Migration(
                version: Migrations.latestVersion + 1, name: "notes",
                postgres: "CREATE TABLE notes (id BIGINT PRIMARY KEY, body TEXT NOT NULL); INSERT INTO notes VALUES (1, 'a;b');",
                sqlite: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL); INSERT INTO notes VALUES (1, 'a;b');"
            )
            let store = try #require(harness.store as? any MigratingStore)
            try await store.migrate(Migrations.all + [next])
            try await store.migrate(Migrations.all + [next])
            let raw = try harness.raw
            #expect(try await raw.rawColumn("SELECT body FROM notes") == ["a;b"])
            #expect(try await raw.rawColumn("SELECT name FROM schema_migrations ORDER BY version").last == "notes")
            // This binary without the new migration refuses the newer database.
            await #expect(throws: StoreError.schemaTooNew(unknownVersions: [next.version], latestKnown: Migrations.latestVersion)) {
                try await harness.store.migrate()
            }
        }
    }

    @Test("refuses a database with a version this binary does not know", arguments: Backend.allCases)
    func refusesNewerSchema(backend: Backend) async throws {
        try await StoreHarness.with(backend) { harness in
            try await harness.raw.rawExecute("INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')")
            let error = await #expect(throws: StoreError.self) { try await harness.store.migrate() }
            #expect(error == .schemaTooNew(unknownVersions: [999], latestKnown: Migrations.latestVersion))
            #expect(error?.description.contains("newer than this binary") == true)
        }
    }

    @Test("a failing migration leaves nothing behind", arguments: Backend.allCases)
    func failingMigrationRollsBack(backend: Backend) async throws {
        try await StoreHarness.with(backend) { harness in
            let broken = Migration(
                version: Migrations.latestVersion + 1, name: "broken",
                postgres: "CREATE TABLE half (id BIGINT); SELECT no_such_column FROM half;",
                sqlite: "CREATE TABLE half (id INTEGER); SELECT no_such_column FROM half;"
            )
            let store = try #require(harness.store as? any MigratingStore)
            await #expect(throws: StoreError.self) { try await store.migrate(Migrations.all + [broken]) }
            let raw = try harness.raw
            #expect(try await raw.rawColumn("SELECT CAST(MAX(version) AS TEXT) FROM schema_migrations") == [String(Migrations.latestVersion)])
            await #expect(throws: (any Error).self) { _ = try await raw.rawColumn("SELECT CAST(COUNT(*) AS TEXT) FROM half") }
        }
    }

    @Test("the migration list is strictly increasing")
    func listIsOrdered() throws {
        #expect(throws: StoreError.self) {
            try Migrations.pending(applied: [], known: [
                Migration(version: 2, name: "b", postgres: "", sqlite: ""),
                Migration(version: 1, name: "a", postgres: "", sqlite: ""),
            ])
        }
        #expect(try Migrations.pending(applied: [], known: Migrations.all) == Migrations.all)
    }

    @Test("PostgreSQL scripts split at top-level semicolons only")
    func splitting() {
        let script = """
            -- a comment; not a statement
            CREATE TABLE a (x TEXT DEFAULT 'semi;colon');
            CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.x := 'y'; RETURN NEW;
            END
            $$;
            /* block; comment */ SELECT "odd;name" FROM a WHERE x = $1;
            """
        let statements = SQLStatements.split(script)
        #expect(statements.count == 3)
        #expect(statements[0].hasSuffix("DEFAULT 'semi;colon')"))
        #expect(statements[1].contains("NEW.x := 'y'; RETURN NEW;"))
        #expect(statements[2].contains("\"odd;name\""))
        #expect(SQLStatements.split(InitialSchema.postgres).count > 20)
    }
}
