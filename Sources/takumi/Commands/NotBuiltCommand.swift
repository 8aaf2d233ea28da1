import ArgumentParser

/// Command groups whose implementation has not landed yet. Each one says so
/// and exits 3, so a script or an operator can never mistake it for success.
enum NotBuiltCommand {
    struct Incident: NotBuiltGroup {
        static let configuration = group("incident", "Open, update and notify about incidents.", issue: nil)
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
    }
    struct Alerts: NotBuiltGroup {
        static let configuration = group("alerts", "Silence and restore Alertmanager alerts.", issue: nil)
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
    }
    struct Drill: NotBuiltGroup {
        static let configuration = group("drill", "Run an emergency-procedure drill.", issue: nil)
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
    }

    static func group(_ name: String, _ abstract: String, issue: Int?) -> CommandConfiguration {
        let note = issue.map { "not built yet (issue #\($0))" } ?? "not built yet"
        return CommandConfiguration(commandName: name, abstract: "\(abstract) [\(note)]")
    }
}

/// A command group that exists in the help but is not implemented yet.
protocol NotBuiltGroup: ParsableCommand {
    /// The words after `takumi` (`contracts pause` for a subcommand).
    static var fullName: String { get }
}

extension NotBuiltGroup {
    static var fullName: String { configuration.commandName ?? "command" }

    func run() throws {
        let name = Self.fullName
        throw CommandFailure(message: "`takumi \(name)` is not built yet: \(Self.configuration.abstract)", exitCode: TakumiExit.notBuilt)
    }
}
