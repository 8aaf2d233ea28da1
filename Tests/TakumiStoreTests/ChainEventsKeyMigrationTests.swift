import Foundation
import Testing
import TestSupport
@testable import TakumiStore

/// Migration 3 rekeys `chain_events` by chain position on databases that
/// already hold events: rows survive unchanged, the old identity column is
/// gone, and the new key refuses a second log at the same position.
@Suite("Migration 3: chain_events keyed by position")
struct ChainEventsKeyMigrationTests {
    static let columns = "chain, block_number, block_hash, tx_hash, log_index, address, event_name, topics, data, args"

    static func row(block: Int, logIndex: Int, tx: Int, topics: String) -> String {
        "('dev', \(block), '\(Fixtures.hex(block))', '\(Fixtures.hex(1000 + tx))', \(logIndex), '\(Fixtures.hex(7, bytes: 20))', "
            + "'ProfileCreated', \(topics), '0x', '{\"a\":\(block)}')"
    }

    @Test("a version-2 database with events upgrades in place", arguments: Backend.allCases)
    func upgradesWithData(backend: Backend) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("takumi-m3-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folder) }
        let sqlitePath = folder.appendingPathComponent("takumi.sqlite").path
        let upgrade: @Sendable (String?) async throws -> Void = { url in
            try await TakumiDatabase.withDatabase(url: url, sqlitePath: sqlitePath, logger: StoreHarness.logger, migrate: false) { store in
                let migrating = try #require(store as? any MigratingStore)
                let raw = try #require(store as? any RawSQL)
                try await migrating.migrate(Array(Migrations.all.prefix(2)))
                let topics = backend == .postgresql ? "ARRAY['\(Fixtures.hex(1))']" : "'[\"\(Fixtures.hex(1))\"]'"
                // Two logs of one transaction and one of another, inserted out of chain order.
                let rows = [Self.row(block: 9, logIndex: 0, tx: 2, topics: topics), Self.row(block: 5, logIndex: 0, tx: 1, topics: topics),
                            Self.row(block: 5, logIndex: 1, tx: 1, topics: topics)]
                try await raw.rawExecute("INSERT INTO chain_events (\(Self.columns)) VALUES \(rows.joined(separator: ", "))")
                let before = try await raw.rawColumn(Self.dumpSQL)

                try await store.migrate()
                #expect(try await raw.rawColumn("SELECT CAST(MAX(version) AS TEXT) FROM schema_migrations") == [String(Migrations.latestVersion)])
                #expect(try await raw.rawColumn(Self.dumpSQL) == before)
                await #expect(throws: (any Error).self, "the identity column is gone") {
                    _ = try await raw.rawColumn("SELECT CAST(id AS TEXT) FROM chain_events")
                }
                await #expect(throws: (any Error).self, "one log per position") {
                    try await raw.rawExecute("INSERT INTO chain_events (\(Self.columns)) VALUES \(Self.row(block: 5, logIndex: 1, tx: 3, topics: topics))")
                }
                // A later block at a used log index is a different log.
                try await raw.rawExecute("INSERT INTO chain_events (\(Self.columns)) VALUES \(Self.row(block: 6, logIndex: 1, tx: 3, topics: topics))")
                #expect(try await raw.rawColumn("SELECT CAST(COUNT(*) AS TEXT) FROM chain_events") == ["4"])
            }
        }
        switch backend {
        case .sqlite: try await upgrade(nil)
        case .postgresql: try await TestServices.withFreshDatabase { url in try await upgrade(url.urlString) }
        }
    }

    static let dumpSQL = """
        SELECT chain || '|' || CAST(block_number AS TEXT) || '|' || block_hash || '|' || tx_hash || '|' || CAST(log_index AS TEXT)
            || '|' || address || '|' || event_name || '|' || data || '|' || CAST(args AS TEXT)
        FROM chain_events ORDER BY block_number, log_index
        """
}
