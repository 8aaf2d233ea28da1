import Ethereum
import EthereumRPC
import Foundation
import Logging
import Prometheus
import Synchronization
import Testing
import TestSupport

/// Failover, benching and metrics of the endpoint pool, against the real dev
/// node behind `scripts/fault-proxy`.
@Suite("EndpointPool failover", .serialized)
struct EndpointPoolTests {
    /// One dev node, a fault proxy in front of it, a pool [proxy, node].
    struct Rig {
        let chain: TestChain
        let proxy: FaultProxy
        let pool: EndpointPool
        let registry: PrometheusCollectorRegistry
        let logs: RecordedLogs

        var client: EthereumClient { EthereumClient(pool) }

        func metricsText() -> String { registry.emitToString() }
    }

    static func withRig(
        directFallback: Bool = true,
        timeout: Duration = .seconds(2),
        _ body: (Rig) async throws -> Void
    ) async throws {
        try await TestChain.with(deploy: false) { chain in
            let proxy = try await FaultProxy.start(upstream: chain.rpcURL)
            defer { proxy.stop() }
            let registry = PrometheusCollectorRegistry()
            let logs = RecordedLogs()
            var configuration = EndpointPool.Configuration(expectedChainID: TestChain.chainID)
            configuration.requestTimeout = timeout
            configuration.baseBackoff = .milliseconds(200)
            configuration.maxBackoff = .seconds(2)
            configuration.headCheckInterval = .milliseconds(100)
            let pool = EndpointPool(
                urls: directFallback ? [proxy.url, chain.rpcURL] : [proxy.url],
                configuration: configuration,
                logger: logs.logger(),
                metricsFactory: PrometheusMetricsFactory(registry: registry)
            )
            try await body(Rig(chain: chain, proxy: proxy, pool: pool, registry: registry, logs: logs))
        }
    }

    @Test("HTTP 429, 500, -32005 and malformed JSON fail over to the next endpoint and bench the first",
          arguments: ["http429", "http500", "rpc32005", "malformed"])
    func failsOver(mode: String) async throws {
        try await Self.withRig { rig in
            #expect(try await rig.client.chainID() == 31337)
            let primary = try #require(await rig.pool.activeEndpoint)
            try await rig.proxy.inject(["mode": .string(mode)])
            for _ in 0..<10 { _ = try await rig.client.blockNumber() }
            let status = await rig.pool.status
            #expect(status[0].isUp == false)
            #expect(status[1].isUp)
            #expect(await rig.pool.activeEndpoint != primary)
            // Logged once for the state change, not once per attempt.
            #expect(rig.logs.messages.filter { $0 == "RPC endpoint benched" }.count == 1)
            let metrics = rig.metricsText()
            #expect(metrics.contains("takumi_rpc_endpoint_up{endpoint=\"\(primary)\"} 0"))
            #expect(metrics.contains("takumi_rpc_requests_total{endpoint=\"\(primary)\""))

            // The primary comes back once the fault is gone and its bench expires.
            try await rig.proxy.inject(["mode": "pass"])
            try await Task.sleep(for: .seconds(2.5))
            for _ in 0..<3 { _ = try await rig.client.blockNumber() }
            #expect(await rig.pool.activeEndpoint == primary)
            #expect(rig.logs.messages.contains("RPC endpoint recovered"))
        }
    }

    @Test("a request that times out fails over after the configured timeout")
    func timeoutFailsOver() async throws {
        try await Self.withRig(timeout: .milliseconds(500)) { rig in
            _ = try await rig.client.blockNumber()
            // The proxy holds the request for 300 s; the pool must give up after
            // its 0.5 s timeout. The bound below only separates "gave up" from
            // "waited for the proxy", with room for a loaded CI machine.
            try await rig.proxy.inject(["mode": "timeout", "seconds": 300])
            let started = ContinuousClock.now
            _ = try await rig.client.blockNumber()
            #expect(ContinuousClock.now - started < .seconds(120))
            #expect(await rig.pool.status[0].lastError?.contains("no answer within 0.5 s") == true)
            #expect(rig.metricsText().contains("status=\"timeout\""))
        }
    }

    @Test("an endpoint serving another chain id is never used")
    func wrongChain() async throws {
        try await Self.withRig { rig in
            try await rig.proxy.inject(["mode": "chainid", "chainId": 1])
            for _ in 0..<5 { #expect(try await rig.client.chainID() == 31337) }
            let counts = try await rig.proxy.requestCounts()
            // Only the verification probe reached the wrong-chain endpoint.
            #expect(counts["eth_blockNumber", default: 0] <= 1)
            #expect(await rig.pool.status[0].lastError?.contains("serves chain id 1, expected 31337") == true)
        }
        try await Self.withRig(directFallback: false) { rig in
            try await rig.proxy.inject(["mode": "chainid", "chainId": 1])
            await #expect(throws: RPCError.self) { try await rig.client.blockNumber() }
        }
    }

    @Test("a syncing endpoint and a lagging head are benched")
    func unhealthyEndpoints() async throws {
        try await Self.withRig { rig in
            try await rig.proxy.inject(["mode": "syncing"])
            _ = try await rig.client.blockNumber()
            #expect(await rig.pool.status[0].lastError?.contains("still syncing") == true)
        }
        try await Self.withRig { rig in
            try await rig.chain.mine(blocks: 60)
            try await rig.proxy.inject(["mode": "lag", "blocks": 50])
            for _ in 0..<3 {
                #expect(try await rig.client.blockNumber() >= 60)
                try await Task.sleep(for: .milliseconds(150))
            }
            #expect(await rig.pool.status[0].lastError?.contains("lags the best known head") == true)
        }
    }

    @Test("with every endpoint failing, the request ends with a bounded error")
    func boundedFailure() async throws {
        try await Self.withRig(directFallback: false) { rig in
            _ = try await rig.client.blockNumber()
            try await rig.proxy.inject(["mode": "http500"])
            let started = ContinuousClock.now
            do {
                _ = try await rig.client.blockNumber()
                Issue.record("expected a failure")
            } catch let error as RPCError {
                guard case .noEndpointAvailable = error else { Issue.record("unexpected \(error)"); return }
            }
            // Bounded, not fast: a retry loop without an end would never get here.
            #expect(ContinuousClock.now - started < .seconds(120))
            #expect(rig.logs.messages.filter { $0 == "RPC endpoint benched" }.count == 1)
        }
    }
}
