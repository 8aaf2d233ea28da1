import ArgumentParser
import Takumi

/// `takumi version`: the release version and the git commit of this build.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version and git commit.")

    @Flag(help: "Print JSON instead of text.") var json = false

    func run() throws {
        let build = BuildInfo.current
        if json {
            print(#"{"version":"\#(build.version)","commit":"\#(build.commit)"}"#)
        } else {
            print("takumi \(build.version) (commit \(build.commit))")
        }
    }
}
