import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// Entry point: parses arguments, runs the command, and maps every failure to
/// Takumi's exit codes (ArgumentParser's own usage code 64 becomes 2).
@main
enum TakumiMain {
    static func main() async {
        do {
            var command = try TakumiCommand.parseAsRoot()
            if command is ServeCommand {
                // Swift concurrency's jobs run on the NIO event loops that
                // Hummingbird and PostgresNIO use: a request is handled on the
                // loop that reads its socket, and its profile read coalesces
                // with that loop's reads into a statement on a connection of
                // the same loop (ProfileReadShards), so nothing hops to the
                // cooperative pool and back at every await. Only for the
                // server, where nothing blocks a thread (GRDB's reads and
                // writes and every wait are awaited); the other commands keep
                // Swift's own thread pool.
                _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
            }
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("takumi: \(failure.message)\n".utf8))
            exit(failure.exitCode.rawValue)
        } catch {
            let code = TakumiCommand.exitCode(for: error)
            let message = TakumiCommand.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                exit(0)
            }
            if !message.isEmpty { FileHandle.standardError.write(Data("\(message)\n".utf8)) }
            exit(code == .validationFailure ? TakumiExit.badInput.rawValue : code.rawValue)
        }
    }
}

/// `takumi`: the one executable for the API, the indexer and operations.
struct TakumiCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "takumi",
        abstract: "Takumi: on-chain skills verification backend and operations tool.",
        discussion: """
        Exit codes: 0 success; 1 the operation ran and failed (or a verdict is negative); \
        2 bad input or usage; 3 not built yet.
        Configuration: environment variables, then .env (last occurrence wins). See `takumi config check`.
        """,
        subcommands: [
            ServeCommand.self,
            IndexerCommand.self,
            DatabaseCommand.self,
            ContractsCommand.self,
            MultisigCommand.self,
            ChainCommand.self,
            EthCommand.self,
            NotBuiltCommand.Incident.self,
            NotBuiltCommand.Alerts.self,
            NotBuiltCommand.Drill.self,
            ConfigCommand.self,
            VersionCommand.self,
        ]
    )
}
