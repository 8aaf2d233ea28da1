import EthereumRPC
import Foundation
import Logging
import Metrics
import Takumi
import TakumiIndexer
import TakumiStore

/// The pieces every operations command builds from the configuration: the
/// deployment manifest, the endpoint pool for its chain, the database.
/// One place, so `takumi serve`, `takumi indexer …` and tests wire them alike.
///
/// ```swift
/// let context = try OperationsContext(configuration: config, logger: logger)
/// let client = context.makeClient()
/// ```
public struct OperationsContext: Sendable {
    public let configuration: TakumiConfiguration
    public let manifest: DeploymentManifest
    public let logger: Logger

    public init(configuration: TakumiConfiguration, logger: Logger) throws {
        try self.init(configuration: configuration, network: nil, logger: logger)
    }

    /// `network` (`--network NAME`) overrides `CHAIN` and `DEPLOYMENT_FILE`: the
    /// manifest is `chain/deployments/NAME.json` and the RPC URLs `RPC_URL_<NAME>`,
    /// so the runbook's "deploy to testnet first" is the same command with another name.
    public init(configuration: TakumiConfiguration, network: String?, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        let path: String
        if let network {
            // The name becomes a path and part of a variable name: letters, digits, '-' and '_' only.
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
            guard !network.isEmpty, network.allSatisfy({ allowed.contains($0) }) else {
                throw OperationsError.badConfiguration("--network '\(network)' is not a network name (letters, digits, '-', '_')")
            }
            path = "chain/deployments/\(network).json"
        } else {
            path = configuration.deploymentFile
        }
        do {
            manifest = try DeploymentManifest.load(from: URL(fileURLWithPath: path))
        } catch {
            throw OperationsError.badConfiguration("\(error) (\(network == nil ? "set DEPLOYMENT_FILE or CHAIN" : "no manifest for --network \(network ?? "")"))")
        }
        if let network, manifest.network != network {
            throw OperationsError.badConfiguration("\(path) describes network \(manifest.network), not \(network)")
        }
    }

    /// The RPC URLs of the manifest's network (`RPC_URL_<NETWORK>`), in failover order.
    public var rpcURLs: [String] { configuration.rpcURLs(forChain: manifest.network) }

    public func makePool(metricsFactory: any MetricsFactory = MetricsSystem.factory) throws -> EndpointPool {
        guard !rpcURLs.isEmpty else {
            let name = Setting.rpcURLPrefix + manifest.network.uppercased().replacingOccurrences(of: "-", with: "_")
            throw OperationsError.badConfiguration("no RPC endpoint for network \(manifest.network): set \(name)")
        }
        return EndpointPool(
            urls: rpcURLs, configuration: .init(expectedChainID: manifest.chainId), logger: logger, metricsFactory: metricsFactory
        )
    }

    public func openDatabase() async throws -> any DatabaseStore {
        try await TakumiDatabase.open(url: configuration.databaseURL, sqlitePath: configuration.sqlitePath, logger: logger)
    }

    /// The indexer's settings for the manifest's network; `INDEXER_MAX_BATCH_BLOCKS`
    /// caps the batch (the adaptive size then stays at or below it).
    public func indexerConfiguration() -> IndexerConfiguration {
        var indexer = IndexerConfiguration(manifest: manifest)
        if let limit = configuration.indexerMaxBatchBlocks {
            indexer.maximumBatchSize = limit
            indexer.initialBatchSize = min(indexer.initialBatchSize, limit)
            indexer.minimumBatchSize = min(indexer.minimumBatchSize, limit)
        }
        return indexer
    }
}

/// Why an operations command could not run.
public enum OperationsError: Error, CustomStringConvertible {
    /// Missing or contradictory settings: exit 2.
    case badConfiguration(String)
    /// An argument the operator typed is unusable (a bad address, signature or hash): exit 2.
    case badInput(String)
    /// The operation ran and failed: exit 1.
    case failed(String)

    public var description: String {
        switch self {
        case .badConfiguration(let message), .badInput(let message), .failed(let message): message
        }
    }
}
