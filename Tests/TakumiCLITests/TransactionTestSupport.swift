import Ethereum
import EthereumRPC
import Foundation
import Logging
import Testing
import TakumiStore
import TestSupport

/// Shared by the tests of the sending commands (`contracts pause`,
/// `multisig …`, `contracts upgrade`): keys in the environment or in files,
/// the dev node's mining switches, the SQLite audit log, and a multisig call
/// made directly (independent of `takumi multisig`) to set up a state.
enum Sending {
    static func hex(_ key: PrivateKey) -> String { Hex.encode(key.bytes) }

    /// The chain's settings plus a migrated SQLite database in `folder`.
    static func settings(_ chain: TestChain, folder: URL) async throws -> [String: String] {
        var env = try ChainCommandTests.settings(chain)
        env["SQLITE_PATH"] = folder.appendingPathComponent("takumi.sqlite").path
        let migrated = try await Takumi.run(["db", "migrate"], environment: env)
        #expect(migrated.status == 0, "\(migrated.error)")
        return env
    }

    static func auditLog(_ env: [String: String]) async throws -> [AuditEntry] {
        let path = try #require(env["SQLITE_PATH"])
        let store = try SQLiteStore(path: path, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        return try await store.access().auditLog(limit: 100)
    }

    /// A key file with `mode`.
    static func keyFile(_ key: PrivateKey, mode: Int, in folder: URL, name: String = "key") throws -> String {
        let path = folder.appendingPathComponent(name).path
        try (hex(key) + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    /// The `sent NAME  nonce N  tx 0x…` lines of a sending command's output.
    static func sent(_ output: String) -> [(summary: String, nonce: UInt64, hash: Bytes32)] {
        output.split(separator: "\n").compactMap { line -> (String, UInt64, Bytes32)? in
            guard line.hasPrefix("sent ") else { return nil }
            let parts = line.dropFirst(5).components(separatedBy: "  ")
            guard parts.count == 3, let nonce = UInt64(parts[1].replacingOccurrences(of: "nonce ", with: "")),
                  let hash = try? Bytes32(hex: parts[2].replacingOccurrences(of: "tx ", with: "")) else { return nil }
            return (parts[0], nonce, hash)
        }
    }

    static func setAutomine(_ chain: TestChain, _ enabled: Bool) async throws {
        _ = try await chain.client.call("evm_setAutomine", [.bool(enabled)])
    }

    static func setIntervalMining(_ chain: TestChain, milliseconds: Int) async throws {
        _ = try await chain.client.call("evm_setIntervalMining", [.number(Double(milliseconds))])
    }

    static func paused(_ chain: TestChain, _ proxy: Address) async throws -> Bool {
        let returned = try await chain.client.call(RPCCall(to: proxy, data: try ChainCommandTests.calldata("paused()")))
        return returned.last == 1
    }

    static func call(_ chain: TestChain, _ to: Address, _ signature: String, _ arguments: [ABIValue] = []) async throws -> [ABIValue] {
        let function = try ABIFunction(signature)
        return try function.decodeOutput(try await chain.client.call(RPCCall(to: to, data: try function.encodeCall(arguments))))
    }

    /// Has the multisig run `data` on `target`: owner 1 proposes, owner 2 confirms and executes.
    static func multisigRun(_ chain: TestChain, target: Address, data: [UInt8]) async throws {
        let multisig = try #require(chain.manifest).multisig.address
        let proposed = try await chain.send(from: chain.multisigOwners[0], to: multisig, data: try ChainCommandTests.calldata(
            "propose(address,uint256,bytes)", [.address(target), .uint(0), .bytes(data)]
        ))
        #expect(proposed.succeeded)
        let id = try #require(try await call(chain, multisig, "proposalCount()(uint256)").first?.uint)
        let confirmed = try await chain.send(from: chain.multisigOwners[1], to: multisig, data: try ChainCommandTests.calldata("confirm(uint256)", [.uint(id)]))
        #expect(confirmed.succeeded)
        let executed = try await chain.send(from: chain.multisigOwners[1], to: multisig, data: try ChainCommandTests.calldata("execute(uint256)", [.uint(id)]))
        #expect(executed.succeeded)
    }

    /// Waits until `process`'s output contains `text`.
    static func waitForOutput(_ process: TakumiProcess, _ text: String, timeout: Duration = .seconds(60)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if process.output.contains(text) { return true }
            if !process.isRunning { return process.output.contains(text) }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}
