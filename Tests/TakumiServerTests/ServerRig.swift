import EthereumRPC
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Metrics
import NIOCore
@testable import TakumiIndexer
import TakumiServer
import TakumiStore
import Testing

/// Set-up shared by the server tests.
enum ServerRig {
    static let quietLogger: Logger = {
        var logger = Logger(label: "takumi.test")
        logger.logLevel = .critical
        return logger
    }()

    /// The indexer's own pipeline to the head.
    static func indexToHead(_ indexer: ChainIndexer, store: any IndexerStore) async throws {
        let lease = try await store.acquireLease(chain: indexer.configuration.chain, wait: .seconds(10))
        do {
            var outcome = try await indexer.step(lease, prefetched: nil)
            var steps = 0
            while !outcome.caughtUp {
                outcome = try await indexer.step(lease, prefetched: outcome.prefetched)
                steps += 1
                if steps > 10_000 { throw ServerTestError("indexing did not reach the head in 10,000 batches") }
            }
            await lease.release()
        } catch {
            await lease.release()
            throw error
        }
    }

    /// A health monitor probing the real store and node (no in-process indexer: the checkpoint is read from the store).
    static func monitor(store: any DatabaseStore, client: EthereumClient, chain: String, factory: any MetricsFactory) -> HealthMonitor {
        let reader = store.reader()
        return HealthMonitor(
            probes: .init(
                chain: chain,
                database: { try await store.check() },
                rpcHead: { (try await client.blockNumber(), "test") },
                indexer: nil,
                checkpoint: { try await store.state(chain: chain) },
                pausedContracts: { try await reader.pausedContracts(chain: chain) }
            ),
            logger: quietLogger, metricsFactory: factory
        )
    }
}

struct ServerTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension TestClientProtocol {
    /// GET `uri`, expecting 200 and a JSON object.
    func json(_ uri: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        try await execute(uri: uri, method: .get) { response in
            #expect(response.status == .ok, "GET \(uri): \(String(buffer: response.body))", sourceLocation: sourceLocation)
            #expect(response.headers[.contentType] == "application/json", sourceLocation: sourceLocation)
            return (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:]
        }
    }

    /// GET `uri`, expecting a problem+json of `status` and `kind` (naming `parameter` when given).
    func problem(
        _ uri: String, status: HTTPResponse.Status, kind: String, parameter: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        try await execute(uri: uri, method: .get) { response in
            #expect(response.status == status, "GET \(uri)", sourceLocation: sourceLocation)
            #expect(response.headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
            let body = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:]
            #expect(body["type"] as? String == Problem.typeBase + kind, "GET \(uri): \(body)", sourceLocation: sourceLocation)
            #expect(body["status"] as? Int == Int(status.code), sourceLocation: sourceLocation)
            #expect((body["detail"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
            if let parameter { #expect(body["parameter"] as? String == parameter, sourceLocation: sourceLocation) }
        }
    }
}
