import ArgumentParser
import Ethereum
import EthereumRPC
import Foundation
import Logging
import Takumi
import TakumiOps

/// `takumi chain call|balance|receipt|logs|tx`: the runbook's read-only
/// `cast` commands against the deployment's network, through its RPC
/// endpoint pool (failover as in the indexer). Logic in TakumiOps/Chain.
struct ChainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chain",
        abstract: "Read the chain: calls, balances, receipts, logs, transactions with revert reason and trace.",
        subcommands: [Call.self, Balance.self, Receipt.self, Logs.self, Tx.self]
    )

    struct Call: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "eth_call a function and print the decoded result, one value per line (cast call).",
            discussion: """
            Examples:
              takumi chain call SkillProfile 'version()(string)'
              takumi chain call 0x5FC8…5707 'hasRole(bytes32,address)(bool)' 0x0000…0000 0x7099…79C8
            Without return types the raw return data is printed. A revert prints its reason and exits 1.
            """
        )
        @OptionGroup var network: NetworkOptions
        @Argument(help: "contract address, or a contract name of the manifest (SkillProfile, TakumiMultisig…)") var address: String
        @Argument(help: "function signature with return types, e.g. 'version()(string)'") var signature: String
        @Argument(parsing: .allUnrecognized, help: "one argument per input: 42, 0x…, true, [1,2], (a,b)") var arguments: [String] = []
        @Option(help: "block: latest (default), a number, or a block hash") var block: String = "latest"
        @Option(help: "the caller (msg.sender)") var from: String?
        @Flag(help: "Print a JSON array of the values.") var json = false

        func run() async throws {
            let context = try network.context()
            let address = try operation { () throws(OperationsError) in try ChainInput.address(self.address, manifest: context.manifest) }
            let function = try operation { () throws(OperationsError) in try ChainInput.function(signature) }
            let values = try operation { () throws(OperationsError) in try ChainInput.arguments(arguments, for: function) }
            let block = try operation { () throws(OperationsError) in try ChainInput.block(self.block) }
            let sender = try from.map { text in try operation { () throws(OperationsError) in try ChainInput.address(text, manifest: context.manifest) } }
            let reader = try network.reader(context)
            let result = try await operation { () async throws(OperationsError) in
                try await reader.call(to: address, function: function, arguments: values, from: sender, block: block)
            }
            if json { emit(result.json.jsonText) } else { result.lines.forEach(emit) }
        }
    }

    struct Balance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The balance of an address, in wei and ether (cast balance).")
        @OptionGroup var network: NetworkOptions
        @Argument(help: "address, or a contract name of the manifest") var address: String
        @Option(help: "block: latest (default), a number, or a block hash") var block: String = "latest"
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let context = try network.context()
            let address = try operation { () throws(OperationsError) in try ChainInput.address(self.address, manifest: context.manifest) }
            let block = try operation { () throws(OperationsError) in try ChainInput.block(self.block) }
            let reader = try network.reader(context)
            let wei = try await operation { () async throws(OperationsError) in try await reader.balance(of: address, block: block) }
            let ether = EtherAmount.ether(fromWei: wei)
            if json {
                emit(JSONValue.object(["address": .string(address.checksummed), "wei": .string(String(wei)), "ether": .string(ether)]).jsonText)
            } else {
                emit("\(wei) wei (\(ether) ETH)")
            }
        }
    }

    struct Receipt: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A transaction's receipt: status, block, gas used, decoded logs (cast receipt). Exit 1 when not found or pending."
        )
        @OptionGroup var network: NetworkOptions
        @Argument(help: "transaction hash") var hash: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let context = try network.context()
            let hash = try operation { () throws(OperationsError) in try ChainInput.transactionHash(self.hash) }
            let reader = try network.reader(context)
            let receipt = try await operation { () async throws(OperationsError) in try await reader.receipt(hash) }
            if json { emit(reader.json(receipt).jsonText) } else { reader.describe(receipt).forEach(emit) }
        }
    }

    struct Logs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Logs of the deployment's contracts, Takumi events decoded, others raw (cast logs).",
            discussion: """
            --follow keeps printing the logs of new blocks until interrupted; with several \
            RPC_URL_<NETWORK> URLs it fails over like the indexer. After a reorg it warns on stderr which \
            blocks were replaced (their logs already printed are void) and prints the new fork's logs. \
            --json prints one JSON object per line.
            """
        )
        @OptionGroup var network: NetworkOptions
        @Option(name: .customLong("from-block"), help: "first block (decimal or 0x)") var fromBlock: String
        @Option(name: .customLong("to-block"), help: "last block (default: the head)") var toBlock: String?
        @Option(help: "contract address or manifest name (repeatable; default: the four proxies and the multisig)") var address: [String] = []
        @Option(help: "event name (SkillAdded) or full signature (repeatable)") var event: [String] = []
        @Flag(help: "Keep following new blocks.") var follow = false
        @Option(name: .customLong("poll-interval"), help: "milliseconds between polls with --follow") var pollInterval: Int = 500
        @Flag(help: "One JSON object per line.") var json = false

        func validate() throws {
            if follow, toBlock != nil { throw ValidationError("--follow and --to-block exclude each other") }
            if pollInterval < 10 { throw ValidationError("--poll-interval must be at least 10 ms") }
        }

        func run() async throws {
            let context = try network.context()
            let manifest = context.manifest
            let query = try operation { () throws(OperationsError) in
                var addresses: [Address] = []
                for text in address { addresses.append(try ChainInput.address(text, manifest: manifest)) }
                var topics: [Bytes32] = []
                for name in event { topics.append(try LogQuery.eventTopic(name)) }
                let from = try ChainInput.blockNumber(fromBlock, option: "--from-block")
                let to = try toBlock.map { text throws(OperationsError) in try ChainInput.blockNumber(text, option: "--to-block") }
                if let to, to < from { throw .badInput("--to-block \(to) is before --from-block \(from)") }
                return LogQuery(addresses: addresses.isEmpty ? manifest.indexedAddresses : addresses, fromBlock: from, toBlock: to, eventTopics: topics)
            }
            let reader = try network.reader(context)
            let asJSON = json
            let print: @Sendable (ChainLog) -> Void = { log in emit(asJSON ? log.json.jsonText : log.line) }
            if follow {
                try await operation { () async throws(OperationsError) in
                    try await reader.follow(query, pollInterval: .milliseconds(pollInterval), emit: print) { warning in
                        FileHandle.standardError.write(Data("takumi: \(warning)\n".utf8))
                    }
                }
            } else {
                let result = try await operation { () async throws(OperationsError) in try await reader.logs(query) }
                result.logs.forEach(print)
            }
        }
    }

    struct Tx: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A transaction: decoded call, receipt, events, revert reason (replayed with eth_call), call trace (cast run)."
        )
        @OptionGroup var network: NetworkOptions
        @Argument(help: "transaction hash") var hash: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let context = try network.context()
            let hash = try operation { () throws(OperationsError) in try ChainInput.transactionHash(self.hash) }
            let reader = try network.reader(context)
            let report = try await operation { () async throws(OperationsError) in try await reader.transaction(hash) }
            if json { emit(reader.json(report).jsonText) } else { reader.describe(report).forEach(emit) }
        }
    }
}

/// `--env-file` and `--network`, shared by the commands that read the chain.
struct NetworkOptions: ParsableArguments {
    @OptionGroup var configuration: ConfigurationOptions
    @Option(help: "network: chain/deployments/NAME.json and RPC_URL_<NAME> (default: CHAIN, DEPLOYMENT_FILE)")
    var network: String?

    func context() throws -> OperationsContext {
        let config = try configuration.loadAndBootstrapLogging()
        return try operation { () throws(OperationsError) in
            do { return try OperationsContext(configuration: config, network: network, logger: Logger(label: "takumi.chain")) } catch let error as OperationsError {
                throw error
            } catch {
                throw .badConfiguration("\(error)")
            }
        }
    }

    func reader(_ context: OperationsContext) throws -> ChainReader {
        let pool = try operation { () throws(OperationsError) in
            do { return try context.makePool() } catch let error as OperationsError { throw error } catch { throw .badConfiguration("\(error)") }
        }
        return ChainReader(client: EthereumClient(pool), known: KnownContracts(manifest: context.manifest))
    }
}

/// Runs an operations step, mapping its failure to the exit codes: bad input
/// or configuration → 2, the operation failed → 1.
func operation<T>(_ body: () throws(OperationsError) -> T) throws -> T {
    do { return try body() } catch { throw commandFailure(error) }
}

func operation<T>(_ body: () async throws(OperationsError) -> T) async throws -> T {
    do { return try await body() } catch { throw commandFailure(error) }
}

func commandFailure(_ error: OperationsError) -> CommandFailure {
    switch error {
    case .badInput, .badConfiguration: .badInput(error.description)
    case .failed: .failed(error.description)
    }
}

/// Writes one line to standard output at once, unbuffered: `--follow` output
/// must reach a pipe or file as it happens, not when a buffer fills. A reader
/// that went away (`| head`) ends the command quietly, as for any Unix tool.
@Sendable func emit(_ line: String) {
    var bytes = Array((line + "\n").utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeMutableBytes { buffer in
            write(STDOUT_FILENO, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
        }
        if written > 0 {
            offset += written
        } else if written < 0, errno == EINTR {
            continue
        } else {
            exit(errno == EPIPE ? 0 : TakumiExit.failure.rawValue)
        }
    }
}
