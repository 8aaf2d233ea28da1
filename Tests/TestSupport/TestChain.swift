import Ethereum
import EthereumRPC
import Foundation
import Takumi

/// The real dev chain for a test: `chain/devnode` started on a free port,
/// Takumi's contracts deployed with `chain/deploy.py` into a temporary folder,
/// optionally seeded with `chain/seed.py`; stopped when the test ends, even
/// when it fails.
///
/// ```swift
/// try await TestChain.with(deploy: true) { chain in
///     let head = try await chain.client.blockNumber()
///     let id = try await chain.snapshot()
///     try await chain.mine(blocks: 3)
///     try await chain.revert(to: id)
/// }
/// ```
public struct TestChain: Sendable {
    /// The repository root, found from this file's location.
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let python = repositoryRoot.appendingPathComponent("chain/.venv/bin/python")

    /// Hardhat's well-known dev accounts 0–9 (public test keys, funded by the dev node).
    /// Roles after `deploy.py system` on chain 31337: 0 deployer, 1–3 multisig owners,
    /// 4 guardian (PAUSER_ROLE), 5 operator (OPERATOR_ROLE); 6–9 are free for tests.
    public static let devKeys: [PrivateKey] = [
        "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
        "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
        "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
        "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
        "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
        "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
        "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
        "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
    ].compactMap { try? PrivateKey(hex: $0) }

    public static let chainID: UInt64 = 31337

    public let folder: URL
    public let rpcURL: String
    public let client: EthereumClient
    /// The manifest written by `deploy.py system`, when the test asked for a deployment.
    public let manifest: DeploymentManifest?
    public let manifestURL: URL?
    /// The JSON ledger `seed.py` wrote, when the test asked for seeding.
    public let seedLedger: URL?
    let node: ChildProcess

    public var deployer: PrivateKey { Self.devKeys[0] }
    public var multisigOwners: [PrivateKey] { Array(Self.devKeys[1...3]) }
    public var guardian: PrivateKey { Self.devKeys[4] }
    public var operatorKey: PrivateKey { Self.devKeys[5] }

    /// Starts a chain, runs `body`, and stops the chain whatever happens.
    public static func with<T: Sendable>(
        deploy: Bool = true,
        seed: Bool = false,
        network: String = "dev",
        _ body: (TestChain) async throws -> T
    ) async throws -> T {
        let chain = try await start(deploy: deploy || seed, seed: seed, network: network)
        do {
            let result = try await body(chain)
            chain.stop()
            return result
        } catch {
            chain.stop()
            throw error
        }
    }

    /// Starts a chain; the caller must call ``stop()`` (prefer ``with(deploy:seed:network:_:)``).
    public static func start(deploy: Bool = true, seed: Bool = false, network: String = "dev") async throws -> TestChain {
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw TestServices.Unavailable(description: "chain/.venv is missing: the dev chain needs it; run `make chain-env` (or `make test`)")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("takumi-chain-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let portFile = folder.appendingPathComponent("rpc.port")
        let node = try ChildProcess.launch(
            python.path, ["-m", "devnode", "--port", "0", "--port-file", portFile.path],
            in: repositoryRoot.appendingPathComponent("chain"), log: folder.appendingPathComponent("devnode.log")
        )
        let port: String
        do {
            // Generous: a full `make test` starts a dozen dev nodes at once on
            // two cores (each imports py-evm), and a start took over 60 s.
            port = try await waitForFile(portFile, process: node, timeout: .seconds(180))
        } catch {
            node.terminate()
            throw error
        }
        let rpcURL = "http://127.0.0.1:\(port)"
        var manifest: DeploymentManifest?
        var manifestURL: URL?
        var ledger: URL?
        do {
            if deploy {
                try await runChainScript(["deploy.py", "system", "--rpc", rpcURL, "--network", network, "--manifest-dir", folder.path], folder: folder)
                let url = folder.appendingPathComponent("\(network).json")
                manifest = try DeploymentManifest.load(from: url)
                manifestURL = url
            }
            if seed {
                let url = folder.appendingPathComponent("seed-ledger.json")
                try await runChainScript(
                    ["seed.py", "--rpc", rpcURL, "--network", network, "--manifest-dir", folder.path, "--ledger", url.path],
                    folder: folder
                )
                ledger = url
            }
        } catch {
            node.terminate()
            throw error
        }
        // The test's own calls wait out a slow answer: a dozen dev nodes share two
        // cores in `make test`, and the 2-s production deadline would turn a slow
        // node into a failed test step (a benched, sole endpoint).
        var configuration = EndpointPool.Configuration(expectedChainID: chainID)
        configuration.requestTimeout = .seconds(30)
        let pool = EndpointPool(urls: [rpcURL], configuration: configuration)
        return TestChain(
            folder: folder, rpcURL: rpcURL, client: EthereumClient(pool), manifest: manifest,
            manifestURL: manifestURL, seedLedger: ledger, node: node
        )
    }

    /// Stops the dev node and removes the chain's temporary folder.
    public func stop() {
        node.terminate()
        try? FileManager.default.removeItem(at: folder)
    }

    // MARK: Chain control (reorgs for tests)

    public func snapshot() async throws -> String {
        guard case let .string(id) = try await client.call("evm_snapshot") else { throw TestChainError.unexpected("evm_snapshot") }
        return id
    }

    @discardableResult
    public func revert(to snapshot: String) async throws -> Bool {
        try await client.call("evm_revert", [.string(snapshot)]) == .bool(true)
    }

    public func mine(blocks: Int = 1) async throws {
        _ = try await client.call("evm_mine", [.string(Hex.encodeQuantity(blocks))])
    }

    /// Signs and sends a transaction from `key`, waits for its receipt.
    public func send(from key: PrivateKey, to: Address?, data: [UInt8] = [], value: UInt64 = 0, gasLimit: UInt64 = 3_000_000) async throws -> RPCReceipt {
        let nonce = try await client.transactionCount(of: key.address)
        let transaction = Transaction.eip1559(EIP1559Transaction(
            chainID: Self.chainID, nonce: nonce, maxPriorityFeePerGas: 1_000_000_000, maxFeePerGas: 100_000_000_000,
            gasLimit: gasLimit, to: to, value: .init(value), data: data
        ))
        let hash = try await client.sendRawTransaction(try transaction.signed(with: key).rawEncoding)
        for _ in 0..<100 {
            if let receipt = try await client.receipt(of: hash) { return receipt }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestChainError.unexpected("no receipt for \(hash)")
    }

    static func runChainScript(_ arguments: [String], folder: URL) async throws {
        let log = folder.appendingPathComponent("\(arguments[0]).log")
        let process = try ChildProcess.launch(python.path, arguments, in: repositoryRoot.appendingPathComponent("chain"), log: log)
        let status = await process.exitStatus()
        guard status == 0 else {
            let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw TestChainError.scriptFailed(arguments.joined(separator: " "), status: status, output: String(output.suffix(2000)))
        }
    }

    static func waitForFile(_ file: URL, process: ChildProcess, timeout: Duration) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOf: file, encoding: .utf8), !text.isEmpty {
                return text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            if !process.isRunning { throw TestChainError.unexpected("the dev node exited during start-up: \(process.logTail())") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestChainError.unexpected("the dev node did not start within \(timeout): \(process.logTail())")
    }
}

public enum TestChainError: Error, CustomStringConvertible {
    case scriptFailed(String, status: Int32, output: String)
    case unexpected(String)

    public var description: String {
        switch self {
        case let .scriptFailed(command, status, output): "chain/\(command) exited \(status):\n\(output)"
        case let .unexpected(message): message
        }
    }
}
