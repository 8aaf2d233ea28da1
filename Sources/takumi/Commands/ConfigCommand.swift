import ArgumentParser
import Foundation
import Takumi
import TakumiOps

/// `takumi config check`: load the configuration the way every command does
/// and print each setting with its source, secrets masked.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Inspect the configuration.",
        subcommands: [Check.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load the configuration (environment, then .env) and print every setting with its source.",
            discussion: "Exit 2 naming the setting when a value is invalid."
        )

        @OptionGroup var options: ConfigurationOptions

        func run() throws {
            let config = try options.load()
            let nameWidth = config.resolved.map(\.setting.name.count).max() ?? 0
            let valueWidth = min(48, config.resolved.map(\.displayValue.count).max() ?? 0)
            for item in config.resolved {
                let name = item.setting.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
                let value = item.displayValue.padding(toLength: max(valueWidth, item.displayValue.count), withPad: " ", startingAt: 0)
                print("\(name)  \(value)  [\(item.source)]")
            }
        }
    }
}

/// The `--env-file` option shared by every command that reads configuration.
struct ConfigurationOptions: ParsableArguments {
    @Option(name: .customLong("env-file"), help: "The .env file to read after the environment.")
    var envFile: String = ".env"

    func load() throws -> TakumiConfiguration {
        do {
            return try TakumiConfiguration.load(envFile: URL(fileURLWithPath: envFile))
        } catch {
            throw CommandFailure.badInput(error.description)
        }
    }

    /// Loads the configuration and installs the log handler it asks for.
    func loadAndBootstrapLogging() throws -> TakumiConfiguration {
        let config = try load()
        LogSetup.bootstrap(format: config.logFormat, level: config.logLevel)
        return config
    }
}
