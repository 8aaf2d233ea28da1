import ArgumentParser
import Foundation
import Logging
import Takumi
import TakumiOps
import TakumiStore

/// `takumi db`: apply migrations; check the database (the runbook's
/// `pg_isready` + `SELECT 1` in one command).
struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Migrate and check the database (PostgreSQL at DATABASE_URL, else SQLite at SQLITE_PATH).",
        subcommands: [Migrate.self, Check.self]
    )

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply the migrations the database lacks.")
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let config = try options.loadAndBootstrapLogging()
            let store = try await openStore(config)
            try await withRunningDatabase(store) { store in
                do { try await store.migrate() } catch { throw CommandFailure.failed("migration failed: \(error)") }
                print("migrations applied (\(store.backend))")
            }
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Connect, run SELECT 1, print latency and server version; exit 1 when unreachable.")
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let config = try options.loadAndBootstrapLogging()
            let store = try await openStore(config)
            try await withRunningDatabase(store) { store in
                do {
                    print(try await store.check())
                } catch {
                    throw CommandFailure.failed("database unreachable: \(error)")
                }
            }
        }
    }
}

func openStore(_ config: TakumiConfiguration) async throws -> any DatabaseStore {
    do {
        return try await TakumiDatabase.open(url: config.databaseURL, sqlitePath: config.sqlitePath, logger: Logger(label: "takumi.db"))
    } catch let error as PostgresURL.ParseError {
        throw CommandFailure.badInput("DATABASE_URL: \(error)")
    } catch {
        throw CommandFailure.failed("cannot open the database: \(error)")
    }
}
