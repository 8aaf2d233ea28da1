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
        self.configuration = configuration
        self.logger = logger
        do {
            manifest = try DeploymentManifest.load(from: URL(fileURLWithPath: configuration.deploymentFile))
        } catch {
            throw OperationsError.badConfiguration("\(error) (set DEPLOYMENT_FILE or CHAIN)")
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
    /// The operation ran and failed: exit 1.
    case failed(String)

    public var description: String {
        switch self {
        case .badConfiguration(let message), .failed(let message): message
        }
    }
}
