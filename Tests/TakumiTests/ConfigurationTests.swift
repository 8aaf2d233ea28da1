import Foundation
import Testing
@testable import Takumi

@Suite("Configuration: environment, then .env, last occurrence wins")
struct ConfigurationTests {
    @Test("the process environment wins over .env")
    func environmentWins() throws {
        let file = try EnvironmentFile(path: ".env", text: "PORT=4000\n")
        let config = try TakumiConfiguration(environment: ["PORT": "5000"], file: file)
        #expect(config.port == 5000)
        #expect(config.resolved.first { $0.setting.name == "PORT" }?.source == .environment)
    }

    @Test("within .env the last occurrence wins, as `echo … >> .env` expects")
    func lastOccurrenceWins() throws {
        let text = """
            # providers
            RPC_URL_SEPOLIA=https://primary.example/v2/abc
            CHAIN=sepolia
            RPC_URL_SEPOLIA=https://backup-rpc-url.com
            """
        let config = try TakumiConfiguration(environment: [:], file: EnvironmentFile(path: ".env", text: text))
        #expect(config.rpcURLs == ["https://backup-rpc-url.com"])
        #expect(config.resolved.first { $0.setting.name == "RPC_URL_SEPOLIA" }?.source == .file(path: ".env", line: 4))
    }

    @Test("defaults apply when nothing is set")
    func defaults() throws {
        let config = try TakumiConfiguration(environment: [:], file: EnvironmentFile(path: ".env", text: ""))
        #expect(config.port == 3001)
        #expect(config.chain == "dev")
        #expect(config.databaseURL == nil)
        #expect(config.deploymentFile == "chain/deployments/dev.json")
        #expect(config.resolved.first { $0.setting.name == "DATABASE_URL" }?.source == .unset)
    }

    @Test("an invalid value names the setting and its source")
    func invalidValueNamesSetting() throws {
        let file = try EnvironmentFile(path: ".env", text: "PORT=3001\nPORT=http\n")
        #expect(throws: ConfigurationError.invalidValue(
            setting: "PORT", source: .file(path: ".env", line: 2), reason: "'http' is not a port number (0-65535)"
        )) {
            try TakumiConfiguration(environment: [:], file: file)
        }
        #expect(throws: ConfigurationError.self) {
            try TakumiConfiguration(environment: ["EMERGENCY_ADMIN_KEY": "0x1234"], file: EnvironmentFile(path: ".env", text: ""))
        }
    }

    @Test("a line without '=' is rejected with its line number")
    func malformedLine() {
        #expect(throws: ConfigurationError.malformedLine(path: ".env", line: 2, reason: "expected KEY=VALUE")) {
            try EnvironmentFile(path: ".env", text: "PORT=1\njust words\n")
        }
    }

    @Test("quotes, export prefixes and trailing comments are understood")
    func shellDialect() throws {
        let file = try EnvironmentFile(path: ".env", text: "export CHAIN='sepolia'\nLOG_LEVEL=\"debug\"\nPORT=3002 # api\n")
        let config = try TakumiConfiguration(environment: [:], file: file)
        #expect(config.chain == "sepolia")
        #expect(config.logLevel == "debug")
        #expect(config.port == 3002)
    }

    @Test("secrets are masked; URLs keep scheme and host only")
    func masking() throws {
        let key = "0x" + String(repeating: "ab", count: 32)
        let config = try TakumiConfiguration(
            environment: [
                "EMERGENCY_ADMIN_KEY": key,
                "DATABASE_URL": "postgres://takumi:hunter2@db.internal:5432/takumi",
                "RPC_URL_SEPOLIA": "https://eth-sepolia.g.example.com/v2/SECRETKEY,http://127.0.0.1:8545",
            ],
            file: EnvironmentFile(path: ".env", text: "")
        )
        let shown = config.resolved.map(\.displayValue).joined(separator: " ")
        #expect(!shown.contains("abab"))
        #expect(!shown.contains("hunter2"))
        #expect(!shown.contains("SECRETKEY"))
        #expect(shown.contains("postgres://****@db.internal:5432/****"))
        #expect(shown.contains("https://eth-sepolia.g.example.com/****,http://127.0.0.1:8545"))
    }

    @Test("BuildInfo reads HEAD through a symbolic ref and packed-refs")
    func gitHead() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        let git = folder.appendingPathComponent(".git")
        try FileManager.default.createDirectory(at: git, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let hash = String(repeating: "c0ffee12", count: 5)
        try "ref: refs/heads/main\n".write(to: git.appendingPathComponent("HEAD"), atomically: true, encoding: .utf8)
        try "# pack-refs\n\(hash) refs/heads/main\n".write(to: git.appendingPathComponent("packed-refs"), atomically: true, encoding: .utf8)
        let nested = folder.appendingPathComponent(".build/debug")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        #expect(GitCheckout.headCommit(searchingUpFrom: nested) == hash)
    }
}
