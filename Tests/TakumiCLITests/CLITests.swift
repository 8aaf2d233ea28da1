import Foundation
import Testing
import TestSupport

/// Runs the built `takumi` executable as an operator would and checks its
/// output and exit codes (0 ok, 1 failed, 2 bad input, 3 not built yet).
@Suite("takumi command line")
struct CLITests {
    @Test("--help lists every command group")
    func helpListsGroups() async throws {
        let result = try await Takumi.run(["--help"])
        #expect(result.status == 0)
        for group in ["serve", "indexer", "db", "contracts", "multisig", "chain", "eth", "incident", "alerts", "drill", "config", "version"] {
            #expect(result.output.contains("\n  \(group) "), "missing group \(group)")
        }
    }

    @Test("version prints the version and the git commit")
    func version() async throws {
        let result = try await Takumi.run(["version"], environment: ["TAKUMI_COMMIT": "0123456789abcdef0123456789abcdef01234567"])
        #expect(result.status == 0)
        #expect(result.output == "takumi 0.1.0 (commit 0123456789abcdef0123456789abcdef01234567)\n")
    }

    @Test("unknown commands and options are usage errors: exit 2")
    func usageErrorsExitTwo() async throws {
        #expect(try await Takumi.run(["frobnicate"]).status == 2)
        #expect(try await Takumi.run(["version", "--nope"]).status == 2)
    }

    @Test("config check prints every setting with its source, secrets masked")
    func configCheck() async throws {
        let folder = try Takumi.temporaryFolder()
        let envFile = folder.appendingPathComponent(".env")
        let key = "0x" + String(repeating: "5e", count: 32)
        try "PORT=4001\nJWT_SECRET=\(String(repeating: "s", count: 40))\nRPC_URL_SEPOLIA=https://a.example/v2/PROVIDERTOKEN\n"
            .write(to: envFile, atomically: true, encoding: .utf8)
        let result = try await Takumi.run(["config", "check", "--env-file", envFile.path], environment: ["EMERGENCY_ADMIN_KEY": key, "CHAIN": "sepolia"])
        #expect(result.status == 0, "\(result.error)")
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("PORT ") && $0.contains("4001") && $0.contains("[\(envFile.path):1]") })
        #expect(lines.contains { $0.hasPrefix("CHAIN ") && $0.contains("sepolia") && $0.contains("[environment]") })
        #expect(lines.contains { $0.hasPrefix("LOG_LEVEL ") && $0.contains("[default]") })
        #expect(lines.contains { $0.hasPrefix("RPC_URL_SEPOLIA ") && $0.contains("https://a.example/****") })
        #expect(!result.output.contains("5e5e5e"))
        #expect(!result.output.contains("ssssssss"))
        #expect(!result.output.contains("PROVIDERTOKEN"))
        #expect(lines.contains { $0.hasPrefix("DEPLOYMENT_FILE ") && $0.contains("chain/deployments/sepolia.json") && $0.contains("[default]") })
    }

    @Test("config check with an invalid value exits 2 naming the setting")
    func configCheckInvalid() async throws {
        let folder = try Takumi.temporaryFolder()
        let envFile = folder.appendingPathComponent(".env")
        try "REDIS_URL=localhost:6379\n".write(to: envFile, atomically: true, encoding: .utf8)
        let result = try await Takumi.run(["config", "check", "--env-file", envFile.path])
        #expect(result.status == 2)
        #expect(result.error.contains("invalid REDIS_URL"))
        #expect(result.error.contains("\(envFile.path):1"))
    }

    @Test("db migrate on SQLite; LOG_FORMAT=json logs one JSON object per line")
    func jsonLogs() async throws {
        let folder = try Takumi.temporaryFolder()
        let result = try await Takumi.run(["db", "migrate"], environment: [
            "SQLITE_PATH": folder.appendingPathComponent("t.sqlite").path, "LOG_FORMAT": "json",
        ])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output == "migrations applied (sqlite)\n")
        let lines = result.error.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
            #expect(object?["level"] != nil && object?["message"] != nil && object?["ts"]?.hasSuffix("Z") == true, "\(line)")
        }
    }

    @Test("a group that is not built yet says so and exits 3", arguments: ["incident", "alerts", "drill"])
    func notBuiltGroups(group: String) async throws {
        let result = try await Takumi.run([group, "open"])
        #expect(result.status == 3)
        #expect(result.error.contains("not built yet"))
    }
}

/// Runs the `takumi` binary that `swift build` put next to this test bundle.
enum Takumi {
    typealias Result = ChildProcess.Outcome

    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("takumi")
    }

    /// `folder` is the working directory (default: a new empty one).
    static func run(_ arguments: [String], environment: [String: String] = [:], in folder: URL? = nil) async throws -> Result {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("RPC_URL_") }
        for key in ["PORT", "CHAIN", "DATABASE_URL", "REDIS_URL", "EMERGENCY_ADMIN_KEY", "JWT_SECRET"] { env[key] = nil }
        env.merge(environment) { _, new in new }
        return try await ChildProcess.runToEnd(executable.path, arguments, in: try folder ?? temporaryFolder(), environment: env)
    }

    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("takumi-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}
