import Ethereum
import Takumi

/// How one chain is indexed: which contracts, from where, how deep a reorg
/// can go (finality), and how big a batch may get.
///
/// ```swift
/// var configuration = IndexerConfiguration(manifest: manifest)
/// configuration.finalityDepth   // 5 on dev, 32 on sepolia, 65 on mainnet
/// ```
public struct IndexerConfiguration: Sendable {
    /// The network label: `indexer_state.chain`, metric label, log metadata.
    public var chain: String
    /// Every contract whose logs are fetched (filtered by address only, so
    /// events added by an upgrade are still seen).
    public var addresses: [Address]
    /// Address → contract name, for `contract_state` and `role_members`.
    public var contractNames: [Address: String]
    /// Implementation address (lowercase) → version, for `contract_state.version`.
    public var implementationVersions: [String: String]
    public var startBlock: UInt64
    /// Blocks deeper than this below the head are final; newer ones are journaled.
    public var finalityDepth: UInt64
    public var initialBatchSize: UInt64 = 500
    public var minimumBatchSize: UInt64 = 1
    public var maximumBatchSize: UInt64 = 5_000
    /// Pause between polls once caught up.
    public var pollInterval: Duration = .milliseconds(500)
    /// How long one `acquireLease` call waits before trying again.
    public var leaseWait: Duration = .seconds(5)
    /// `/ready` answers 503 while the lag is larger than this.
    public var readyLagBound: UInt64 = 10
    /// A step of the sync loop (a head read, a fetch, a batch write, …) that
    /// has not finished after this long is logged as stalled, once, naming
    /// the step; its end is logged too. Batches adapt to take a few seconds.
    public var stallWarning: Duration = .seconds(60)

    /// Finality depth per network label (Ponder-style table); others get 64.
    public static let finalityDepths: [String: UInt64] = [
        "mainnet": 65, "ethereum": 65, "sepolia": 32, "holesky": 32, "dev": 5, "local": 5,
    ]

    public static func finalityDepth(for chain: String) -> UInt64 {
        finalityDepths[chain] ?? 64
    }

    public init(manifest: DeploymentManifest, finalityDepth: UInt64? = nil) {
        chain = manifest.network
        addresses = manifest.indexedAddresses
        var names: [Address: String] = [manifest.multisig.address: "TakumiMultisig"]
        var versions: [String: String] = [:]
        for (name, contract) in manifest.contracts {
            names[contract.proxy] = name
            versions[contract.implementation.lowercased] = contract.version
        }
        for candidate in manifest.candidates {
            versions[candidate.implementation.lowercased] = candidate.version
        }
        contractNames = names
        implementationVersions = versions
        startBlock = manifest.startBlock
        self.finalityDepth = finalityDepth ?? Self.finalityDepth(for: manifest.network)
    }
}
