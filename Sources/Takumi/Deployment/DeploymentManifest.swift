import Ethereum
import Foundation

/// What `chain/deploy.py` wrote about one network's deployment
/// (`chain/deployments/<network>.json`): the network label, the chain id every
/// RPC endpoint must serve, where indexing starts, and per contract its proxy,
/// implementation, version, ABI, code hash and storage layout.
///
/// Paths inside the manifest are relative to the manifest's folder;
/// ``url(forPath:)`` resolves them.
///
/// ```swift
/// let manifest = try DeploymentManifest.load(from: URL(fileURLWithPath: "chain/deployments/dev.json"))
/// manifest.contracts["SkillProfile"]?.proxy
/// ```
public struct DeploymentManifest: Sendable, Codable, Equatable {
    public struct Accounts: Sendable, Codable, Equatable {
        public var multisigOwners: [Address]
        public var guardian: Address
        public var operatorAccount: Address

        enum CodingKeys: String, CodingKey {
            case multisigOwners, guardian
            case operatorAccount = "operator"
        }
    }

    public struct Multisig: Sendable, Codable, Equatable {
        public var address: Address
        public var threshold: Int
        public var abi: String
        public var codehash: String
        public var block: UInt64
    }

    public struct Contract: Sendable, Codable, Equatable {
        public var proxy: Address
        public var implementation: Address
        public var version: String
        public var abi: String
        public var codehash: String
        public var layout: String
        public var block: UInt64
    }

    /// A new implementation deployed but not (yet) installed: the fix of an emergency upgrade.
    public struct Candidate: Sendable, Codable, Equatable {
        public var contract: String
        public var implementation: Address
        public var version: String
        public var codehash: String
        public var layout: String
        public var block: UInt64
    }

    public var network: String
    public var chainId: UInt64
    public var startBlock: UInt64
    public var deployer: Address?
    public var accounts: Accounts
    public var multisig: Multisig
    public var contracts: [String: Contract]
    public var candidates: [Candidate]

    /// The folder the manifest was read from; relative paths resolve against it.
    public var folder: URL = URL(fileURLWithPath: ".")

    enum CodingKeys: String, CodingKey {
        case network, chainId, startBlock, deployer, accounts, multisig, contracts, candidates
    }

    /// The four Takumi contracts in a stable order.
    public static let contractNames = ["SkillProfile", "SkillClaim", "Endorsement", "VerifierRegistry"]

    public enum LoadError: Error, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case invalid(path: String, reason: String)

        public var description: String {
            switch self {
            case let .unreadable(path, reason): "cannot read deployment manifest \(path): \(reason)"
            case let .invalid(path, reason): "invalid deployment manifest \(path): \(reason)"
            }
        }
    }

    public static func load(from url: URL) throws(LoadError) -> DeploymentManifest {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .unreadable(path: url.path, reason: (error as NSError).localizedDescription)
        }
        var manifest: DeploymentManifest
        do { manifest = try JSONDecoder().decode(DeploymentManifest.self, from: data) } catch {
            throw .invalid(path: url.path, reason: "\(error)")
        }
        for name in contractNames where manifest.contracts[name] == nil {
            throw .invalid(path: url.path, reason: "contract \(name) is missing")
        }
        manifest.folder = url.deletingLastPathComponent()
        return manifest
    }

    /// Resolves a path written in the manifest (ABI, layout) against its folder.
    public func url(forPath path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : folder.appendingPathComponent(path).standardizedFileURL
    }

    /// Every address whose logs the indexer reads: the four proxies and the multisig.
    public var indexedAddresses: [Address] {
        DeploymentManifest.contractNames.compactMap { contracts[$0]?.proxy } + [multisig.address]
    }

    /// The contract name of an address (proxy or multisig), case-insensitively.
    public func contractName(at address: Address) -> String? {
        if address == multisig.address { return "TakumiMultisig" }
        return contracts.first { $0.value.proxy == address }?.key
    }
}
