import ArgumentParser
import Foundation
import Takumi
import TakumiOps
import TakumiStore

/// `takumi contracts status|pause|upgrade`. `status` reads; `pause` sends
/// with the guardian key; `upgrade` proposes through the multisig after the
/// storage-layout check. Logic in TakumiOps (Contracts/, Transactions/).
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

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pause contracts with the guardian key (PAUSER_ROLE): all pause transactions back to back.",
            discussion: """
            The key comes from EMERGENCY_ADMIN_KEY or --key-file FILE (mode 0600); it is never printed. \
            A contract already paused is skipped (exit 0). The key must hold PAUSER_ROLE on every target \
            (checked before anything is sent). Transactions go out with consecutive nonces without waiting; \
            one not mined within --replace-after seconds is re-sent with higher fees. Prints tx hash, block, \
            gas used and seconds per contract; writes an audit_log row per transaction when a database is configured.
            Examples:
              takumi contracts pause --all --yes
              takumi contracts pause --contract SkillClaim --key-file /run/secrets/guardian
            """
        )
        @OptionGroup var network: NetworkOptions
        @OptionGroup var sending: SendingOptions
        @Option(help: "contract name of the manifest (repeatable)") var contract: [String] = []
        @Flag(help: "Pause all four contracts.") var all = false

        func validate() throws {
            guard all != !contract.isEmpty else { throw ValidationError("give --contract NAME or --all (not both)") }
        }

        func run() async throws {
            let context = try network.context()
            let key = try sending.key(variable: "EMERGENCY_ADMIN_KEY", value: context.configuration.emergencyAdminKey)
            let names = all ? DeploymentManifest.contractNames.filter { context.manifest.contracts[$0] != nil } : contract
            let sender = TransactionSender(reader: try network.reader(context), key: key, policy: sending.policy)
            let plan = try await operation { () async throws(OperationsError) in try await ContractsPause.plan(names, sender: sender) }
            plan.skipped.forEach(emit)
            guard !plan.requests.isEmpty else {
                emit("nothing to pause")
                return
            }
            let prepared = try await operation { () async throws(OperationsError) in try await sender.prepare(plan.requests) }
            _ = try await sendConfirmed(prepared, sender: sender, context: context, yes: sending.yes)
        }
    }

    struct Upgrade: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Propose an upgrade through the multisig, after checking the new implementation (storage layout, proxiableUUID, version).",
            discussion: """
            The new implementation's storage layout (chain/layouts/CONTRACT/<version>.json and .structs.json, found \
            through the manifest's candidates, or --layout FILE) must keep every slot, type and struct member of the \
            current one. The proposal is signed with a multisig owner's key (--key-file or MULTISIG_OWNER_KEY); a \
            second owner confirms and executes it with takumi multisig confirm|execute ID, which prints version() after.
              takumi contracts upgrade SkillClaim --implementation 0x…
            """
        )
        @OptionGroup var network: NetworkOptions
        @OptionGroup var sending: SendingOptions
        @Argument(help: "contract name of the manifest") var contract: String
        @Option(help: "the new implementation's address") var implementation: String
        @Option(help: "the new implementation's storage layout file (default: from the manifest's candidates)") var layout: String?

        func run() async throws {
            try await proposeUpgrade(contract: contract, implementation: implementation, layout: layout, network: network, sending: sending)
        }
    }
}
