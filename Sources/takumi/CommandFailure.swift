import ArgumentParser

/// The exit codes every `takumi` command uses (ARCHITECTURE.md):
/// 0 success; 1 the operation ran and failed (or a verdict is negative);
/// 2 bad input or usage; 3 not built yet.
enum TakumiExit {
    static let failure = ExitCode(1)
    static let badInput = ExitCode(2)
    static let notBuilt = ExitCode(3)
}

/// An error a command reports as one line on standard error, with its exit code.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var exitCode: ExitCode

    static func badInput(_ message: String) -> CommandFailure { CommandFailure(message: message, exitCode: TakumiExit.badInput) }
    static func failed(_ message: String) -> CommandFailure { CommandFailure(message: message, exitCode: TakumiExit.failure) }

    var description: String { message }
}
