import ArgumentParser
import Foundation
import TakumiOps
import TakumiStore

/// `takumi contracts status|pause|upgrade`. `status` reads; `pause` and
/// `upgrade` (transactions, issue 7) are not built yet and exit 3.
struct ContractsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contracts",
        abstract: "Contract status, pause and upgrade.",
        subcommands: [Status.self, Pause.self, Upgrade.self]
    )

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per contract: proxy, implementation (ERC-1967 slot), version(), paused, role holders; multisig owners and threshold.",
            discussion: """
            Role holders come from the indexer's role_members table when a database is configured \
            (DATABASE_URL, or an existing SQLITE_PATH file) and has indexed the network, else from \
            RoleGranted/RoleRevoked logs since the manifest's start block.
            """
        )
        @OptionGroup var network: NetworkOptions
        @Option(name: .customLong("roles-from"), help: "auto (default), database or logs")
        var rolesFrom: String = "auto"
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            guard ContractsStatus.RolePreference(rawValue: rolesFrom) != nil else {
                throw ValidationError("--roles-from must be auto, database or logs, got '\(rolesFrom)'")
            }
        }

        func run() async throws {
            let preference = ContractsStatus.RolePreference(rawValue: rolesFrom) ?? .auto
            let context = try network.context()
            let reader = try network.reader(context)
            let config = context.configuration
            // SQLite is the default store, but a missing file means no database
            // was ever set up here: opening it would create an empty one.
            let hasDatabase = config.databaseURL != nil || FileManager.default.fileExists(atPath: config.sqlitePath)
            let status: ContractsStatus
            if hasDatabase, preference != .logs {
                let store = try await openStore(config)
                status = try await withRunningDatabase(store) { store in
                    try await operation { () async throws(OperationsError) in
                        try await ContractsStatus.read(reader: reader, store: store, preference: preference)
                    }
                }
            } else {
                status = try await operation { () async throws(OperationsError) in
                    try await ContractsStatus.read(reader: reader, store: nil, preference: preference)
                }
            }
            if json { emit(status.json.jsonText) } else { status.lines(known: reader.known).forEach(emit) }
        }
    }

    struct Pause: NotBuiltGroup {
        static let configuration = NotBuiltCommand.group("pause", "Pause contracts with the guardian key.", issue: 7)
        static let fullName = "contracts pause"
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
    }

    struct Upgrade: NotBuiltGroup {
        static let configuration = NotBuiltCommand.group("upgrade", "Upgrade a contract through the multisig, layout checked.", issue: 7)
        static let fullName = "contracts upgrade"
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
    }
}
