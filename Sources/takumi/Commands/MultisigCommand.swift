import ArgumentParser
import Ethereum
import Foundation
import Takumi
import TakumiOps

/// `takumi multisig propose|confirm|execute|list|show` against
/// TakumiMultisig (2-of-3): each owner signs with its own key, from
/// `--key-file FILE` (mode 0600) or `MULTISIG_OWNER_KEY` (read from the
/// process environment only, never from `.env`: an owner key is not a
/// deployment setting). Logic in TakumiOps/Transactions/MultisigOperations.
struct MultisigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "multisig",
        abstract: "Propose, confirm and execute multisig calls: unpause, upgrade, role grants and revocations, owner changes.",
        discussion: """
        Each owner signs with its own key: --key-file FILE (mode 0600) or MULTISIG_OWNER_KEY.
          takumi multisig propose unpause SkillProfile            # owner 1; counts as its confirmation
          takumi multisig confirm 3                               # owner 2
          takumi multisig execute 3                               # any owner, once confirmations reach the threshold
          takumi multisig list [--all]                            # pending proposals with confirmations/threshold
          takumi multisig show 3                                  # the decoded call, proposer, who confirmed
        """,
        subcommands: [Propose.self, Confirm.self, Execute.self, List.self, Show.self]
    )

    static let keyVariable = "MULTISIG_OWNER_KEY"

    struct Propose: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Propose a call (counts as the proposer's confirmation).",
            subcommands: [Unpause.self, Upgrade.self, GrantRole.self, RevokeRole.self, AddOwner.self, RemoveOwner.self, ChangeThreshold.self]
        )

        struct Unpause: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Unpause a contract (refused when it is not paused).")
            @OptionGroup var network: NetworkOptions
            @OptionGroup var sending: SendingOptions
            @Argument(help: "contract name of the manifest") var contract: String
            func run() async throws { try await propose(.unpause(contract: contract), network: network, sending: sending) }
        }

        struct Upgrade: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Upgrade a contract's proxy to a new implementation, after the storage-layout and proxiableUUID checks (same as takumi contracts upgrade)."
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

        struct GrantRole: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "grant-role", abstract: "Grant a role on a contract (refused when already held).")
            @OptionGroup var network: NetworkOptions
            @OptionGroup var sending: SendingOptions
            @Argument(help: "PAUSER_ROLE, OPERATOR_ROLE, UPGRADER_ROLE, DEFAULT_ADMIN_ROLE, CLAIMS_ROLE, or a 0x role id") var role: String
            @Argument(help: "the account") var account: String
            @Option(help: "contract name of the manifest") var contract: String
            func run() async throws {
                let context = try network.context()
                let (role, account) = try roleAndAccount(role, account, context: context)
                try await propose(.grantRole(role: role, account: account, contract: contract), network: network, sending: sending, context: context)
            }
        }

        struct RevokeRole: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "revoke-role", abstract: "Revoke a role on a contract (refused when not held).")
            @OptionGroup var network: NetworkOptions
            @OptionGroup var sending: SendingOptions
            @Argument(help: "role name or 0x role id") var role: String
            @Argument(help: "the account") var account: String
            @Option(help: "contract name of the manifest") var contract: String
            func run() async throws {
                let context = try network.context()
                let (role, account) = try roleAndAccount(role, account, context: context)
                try await propose(.revokeRole(role: role, account: account, contract: contract), network: network, sending: sending, context: context)
            }
        }

        struct AddOwner: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "add-owner", abstract: "Add a multisig owner.")
            @OptionGroup var network: NetworkOptions
            @OptionGroup var sending: SendingOptions
            @Argument(help: "the new owner") var owner: String
            func run() async throws {
                let context = try network.context()
                let owner = try operation { () throws(OperationsError) in try ChainInput.address(self.owner, manifest: nil) }
                try await propose(.addOwner(owner), network: network, sending: sending, context: context)
            }
        }

        struct RemoveOwner: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "remove-owner", abstract: "Remove a multisig owner (refused below the threshold).")
            @OptionGroup var network: NetworkOptions
            @OptionGroup var sending: SendingOptions
            @Argument(help: "the owner to remove") var owner: String
            func run() async throws {
                let context = try network.context()
                let owner = try operation { () throws(OperationsError) in try ChainInput.address(self.owner, manifest: nil) }
                try await propose(.removeOwner(owner), network: network, sending: sending, context: context)
            }
        }

        struct ChangeThreshold: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "change-threshold", abstract: "Change the number of confirmations needed.")
            @OptionGroup var network: NetworkOptions
            @OptionGroup var sending: SendingOptions
            @Argument(help: "1 … number of owners") var threshold: UInt64
            func run() async throws { try await propose(.changeThreshold(threshold), network: network, sending: sending) }
        }
    }

    struct Confirm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Confirm a pending proposal with this owner's key.")
        @OptionGroup var network: NetworkOptions
        @OptionGroup var sending: SendingOptions
        @Argument(help: "proposal id") var id: UInt64

        func run() async throws {
            let (context, sender, operations) = try setUp(network: network, sending: sending)
            let (request, state) = try await operation { () async throws(OperationsError) in
                try await sender.checkChain()
                try await operations.requireOwner(sender.address)
                return try await operations.confirmRequest(id, owner: sender.address)
            }
            emit(operations.line(state))
            let plan = try await operation { () async throws(OperationsError) in try await sender.prepare([request]) }
            _ = try await sendConfirmed(plan, sender: sender, context: context, yes: sending.yes)
            let after = try await operation { () async throws(OperationsError) in try await operations.proposal(id) }
            emit(operations.line(after))
        }
    }

    struct Execute: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Execute a proposal confirmed by the threshold (refused below it, or when the target is in the wrong state)."
        )
        @OptionGroup var network: NetworkOptions
        @OptionGroup var sending: SendingOptions
        @Argument(help: "proposal id") var id: UInt64

        func run() async throws {
            let (context, sender, operations) = try setUp(network: network, sending: sending)
            let reader = sender.reader
            let (request, state) = try await operation { () async throws(OperationsError) in
                try await sender.checkChain()
                try await operations.requireOwner(sender.address)
                return try await operations.executeRequest(id)
            }
            emit(operations.line(state))
            var versionBefore: String?
            if case .upgrade(let name, _) = state.action, let proxy = context.manifest.contracts[name]?.proxy {
                versionBefore = try? await reader.read(GovernanceCalls.version, at: proxy)
            }
            let plan = try await operation { () async throws(OperationsError) in try await sender.prepare([request]) }
            _ = try await sendConfirmed(plan, sender: sender, context: context, yes: sending.yes)
            // Read back what the call changed, so the operator sees the effect, not only a receipt.
            switch state.action {
            case .upgrade(let name, let implementation)?:
                guard let proxy = context.manifest.contracts[name]?.proxy else { break }
                let version = try await operation { () async throws(OperationsError) in try await reader.read(GovernanceCalls.version, at: proxy) }
                emit("\(name) now runs \(implementation.checksummed): version() \(versionBefore ?? "?") → \(version)")
            case .unpause(let name)?:
                guard let proxy = context.manifest.contracts[name]?.proxy else { break }
                let paused = try await operation { () async throws(OperationsError) in try await reader.read(GovernanceCalls.paused, at: proxy) }
                emit("\(name) paused() = \(paused)")
            default:
                break
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pending proposals (newest first) with confirmations/threshold and who confirmed.")
        @OptionGroup var network: NetworkOptions
        @Flag(help: "Include executed proposals.") var all = false

        func run() async throws {
            let context = try network.context()
            let operations = MultisigOperations(reader: try network.reader(context))
            let states = try await operation { () async throws(OperationsError) in try await operations.list(includeExecuted: all) }
            if states.isEmpty { emit(all ? "no proposals" : "no pending proposals") }
            states.forEach { emit(operations.line($0)) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One proposal: the decoded call, target, proposer, confirmations.")
        @OptionGroup var network: NetworkOptions
        @Argument(help: "proposal id") var id: UInt64

        func run() async throws {
            let context = try network.context()
            let operations = MultisigOperations(reader: try network.reader(context))
            let state = try await operation { () async throws(OperationsError) in try await operations.proposal(id) }
            operations.details(state).forEach(emit)
        }
    }
}

/// The context, a sender with this owner's key, and the multisig operations.
private func setUp(network: NetworkOptions, sending: SendingOptions, context given: OperationsContext? = nil) throws -> (OperationsContext, TransactionSender, MultisigOperations) {
    let context = try given ?? network.context()
    let key = try sending.key(variable: MultisigCommand.keyVariable, value: ProcessInfo.processInfo.environment[MultisigCommand.keyVariable])
    let reader = try network.reader(context)
    return (context, TransactionSender(reader: reader, key: key, policy: sending.policy), MultisigOperations(reader: reader))
}

/// A role name (`PAUSER_ROLE`, `pauser`) or 0x id, and an account.
private func roleAndAccount(_ role: String, _ account: String, context: OperationsContext) throws -> (Bytes32, Address) {
    try operation { () throws(OperationsError) in
        let id: Bytes32
        if let named = TakumiRole(rawValue: role.uppercased()) ?? TakumiRole(rawValue: role.uppercased() + "_ROLE") {
            id = named.id
        } else if role.hasPrefix("0x"), role.count == 66, let hex = try? Bytes32(hex: role.lowercased()) {
            id = hex
        } else {
            throw .badInput("'\(role)' is not a role (\(TakumiRole.allCases.map(\.name).joined(separator: ", ")), or 0x + 64 hex)")
        }
        return (id, try ChainInput.address(account, manifest: context.manifest))
    }
}

/// Checks (chain, owner, target state), shows the plan, asks, proposes, prints the new proposal's id.
func propose(
    _ action: MultisigAction, network: NetworkOptions, sending: SendingOptions, context: OperationsContext? = nil, checks: [String] = []
) async throws {
    let (context, sender, operations) = try setUp(network: network, sending: sending, context: context)
    let request = try await operation { () async throws(OperationsError) in
        try await sender.checkChain()
        try await operations.requireOwner(sender.address)
        try await operations.checkState(action)
        return try operations.proposeRequest(action)
    }
    checks.forEach(emit)
    let plan = try await operation { () async throws(OperationsError) in try await sender.prepare([request]) }
    let outcomes = try await sendConfirmed(plan, sender: sender, context: context, yes: sending.yes)
    guard let receipt = outcomes.first?.receipt, let id = operations.proposalID(in: receipt) else { return }
    let state = try await operation { () async throws(OperationsError) in try await operations.proposal(id) }
    emit("proposal \(id): \(action.summary)  confirmations \(state.confirmations)/\(state.threshold)")
    if state.confirmations < state.threshold {
        emit("next: another owner runs  takumi multisig confirm \(id)  then  takumi multisig execute \(id)")
    }
}

/// `multisig propose upgrade` and `contracts upgrade`: the upgrade checks, then the proposal.
func proposeUpgrade(contract: String, implementation: String, layout: String?, network: NetworkOptions, sending: SendingOptions) async throws {
    let context = try network.context()
    let reader = try network.reader(context)
    let address = try operation { () throws(OperationsError) in try ChainInput.address(implementation, manifest: nil) }
    let result = try await operation { () async throws(OperationsError) in
        try await TransactionSender.checkChain(reader)
        return try await UpgradeCheck.check(contract: contract, implementation: address, layoutFile: layout, reader: reader)
    }
    try await propose(
        .upgrade(contract: contract, implementation: address), network: network, sending: sending, context: context,
        checks: ["upgrade \(contract): \(result.currentImplementation.checksummed) → \(address.checksummed)"] + result.lines.map { "  " + $0 }
    )
}
