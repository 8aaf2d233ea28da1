import AsyncHTTPClient
import Foundation
import Logging
import Metrics

/// Several JSON-RPC endpoints of one chain behind one interface, in failover
/// order: requests go to the first healthy endpoint; one that errors, times
/// out, rate-limits, reports syncing, serves the wrong chain, or whose head
/// lags the best known head is benched with exponential backoff plus jitter
/// and probed again later.
///
/// Failures are logged once per state change (up → benched, benched → up),
/// never once per attempt, so a dead provider cannot flood the log.
///
/// ```swift
/// let pool = EndpointPool(urls: ["https://primary", "https://backup"],
///                         configuration: .init(expectedChainID: 11155111))
/// let client = EthereumClient(pool)
/// let head = try await client.blockNumber()
/// ```
public actor EndpointPool: RPCTransport {
    public struct Configuration: Sendable {
        /// The chain every endpoint must serve (from the deployment manifest); nil = no check.
        public var expectedChainID: UInt64?
        /// Per-attempt deadline; after it the request fails over.
        public var requestTimeout: Duration = .seconds(2)
        /// Attempts per request across all endpoints.
        public var maxAttempts: Int = 4
        /// First bench duration; doubles per consecutive failure up to ``maxBackoff``.
        public var baseBackoff: Duration = .milliseconds(500)
        public var maxBackoff: Duration = .seconds(30)
        /// An endpoint whose head is further behind the best known head is benched.
        public var maxHeadLag: UInt64 = 20
        /// How often all endpoints' heads are compared.
        public var headCheckInterval: Duration = .seconds(15)

        public init(expectedChainID: UInt64? = nil) {
            self.expectedChainID = expectedChainID
        }
    }

    /// What the pool knows about one endpoint, for `takumi indexer status` and /health.
    public struct EndpointStatus: Sendable, Hashable {
        public var label: String
        public var isUp: Bool
        public var lastError: String?
        public var head: UInt64?
        public var benchedForSeconds: Double?
    }

    struct Member {
        var client: HTTPJSONRPCClient
        var verified = false
        var consecutiveFailures = 0
        var benchedUntil: ContinuousClock.Instant?
        var lastError: String?
        var head: UInt64?
        var isUp = true
    }

    public let configuration: Configuration
    private var members: [Member]
    private var bestHead: UInt64 = 0
    private var lastHeadCheck: ContinuousClock.Instant?
    private let logger: Logger
    private let metrics: RPCMetrics
    private let clock = ContinuousClock()

    public init(
        urls: [String],
        configuration: Configuration = Configuration(),
        httpClient: HTTPClient = .shared,
        logger: Logger = Logger(label: "takumi.rpc"),
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        var seen: [String: Int] = [:]
        self.members = urls.map { url in
            var endpoint = RPCEndpoint(url: url)
            // Two URLs on one host (different paths) still need distinct labels.
            seen[endpoint.label, default: 0] += 1
            if let count = seen[endpoint.label], count > 1 { endpoint.label += "#\(count)" }
            return Member(client: HTTPJSONRPCClient(endpoint: endpoint, httpClient: httpClient))
        }
        self.configuration = configuration
        self.logger = logger
        self.metrics = RPCMetrics(factory: metricsFactory)
        for member in members { metrics.endpointUp(member.client.endpoint.label, true) }
    }

    /// The endpoint requests currently go to (first healthy in failover order).
    public var activeEndpoint: String? {
        members.first { $0.isUp }?.client.endpoint.label
    }

    public var status: [EndpointStatus] {
        let now = clock.now
        return members.map { member in
            EndpointStatus(
                label: member.client.endpoint.label,
                isUp: member.isUp,
                lastError: member.lastError,
                head: member.head,
                benchedForSeconds: member.benchedUntil.map { max(0, ($0 - now).seconds) }
            )
        }
    }

    public func send(_ request: RPCRequest) async throws(RPCError) -> JSONValue {
        try await withFailover(method: request.method) { client, timeout throws(RPCError) in
            try await client.send(request, timeout: timeout)
        }
    }

    public func send(batch requests: [RPCRequest]) async throws(RPCError) -> [Result<JSONValue, RPCError>] {
        try await withFailover(method: "batch") { client, timeout throws(RPCError) in
            let results = try await client.send(batch: requests, timeout: timeout)
            // A batch is endpoint trouble if any member failed for an endpoint reason.
            for case let .failure(error) in results where error.isRetryable { throw error }
            return results
        }
    }

    /// Runs `operation` on the first usable endpoint, failing over on
    /// retryable errors, at most ``Configuration/maxAttempts`` times.
    private func withFailover<T: Sendable>(
        method: String,
        _ operation: (HTTPJSONRPCClient, Duration) async throws(RPCError) -> T
    ) async throws(RPCError) -> T {
        var errors: [String] = []
        for attempt in 1...max(1, configuration.maxAttempts) {
            await checkHeadsIfDue()
            guard let index = await usableMember() else {
                if let wait = earliestReturn(), wait <= configuration.requestTimeout, attempt < configuration.maxAttempts {
                    try? await Task.sleep(for: wait)
                    continue
                }
                throw .noEndpointAvailable(attempts: attempt - 1, lastErrors: errors.isEmpty ? currentErrors() : errors)
            }
            let client = members[index].client
            let started = clock.now
            do {
                let result = try await operation(client, configuration.requestTimeout)
                metrics.request(client.endpoint.label, method, "ok", seconds: (clock.now - started).seconds)
                markHealthy(index)
                if method == "eth_blockNumber", case let .string(hex)? = result as? JSONValue, let head = UInt64(hexQuantity: hex) {
                    noteHead(head, of: index)
                }
                return result
            } catch {
                metrics.request(client.endpoint.label, method, error.metricStatus, seconds: (clock.now - started).seconds)
                guard error.isRetryable else { throw error }
                errors.append(error.description)
                bench(index, because: error)
            }
        }
        throw .noEndpointAvailable(attempts: configuration.maxAttempts, lastErrors: errors)
    }

    /// The first endpoint in failover order that is not benched, verified
    /// (right chain, not syncing) before its first use.
    private func usableMember() async -> Int? {
        for index in members.indices {
            if let until = members[index].benchedUntil, until > clock.now { continue }
            if !members[index].verified {
                do {
                    try await verify(index)
                } catch {
                    bench(index, because: error)
                    continue
                }
            }
            return index
        }
        return nil
    }

    /// Chain id, sync state and head of one endpoint.
    private func verify(_ index: Int) async throws(RPCError) {
        let client = members[index].client
        let label = client.endpoint.label
        let timeout = configuration.requestTimeout
        let results = try await measured(client, "verify") { () async throws(RPCError) in
            try await client.send(
                batch: [RPCRequest("eth_chainId"), RPCRequest("eth_syncing"), RPCRequest("eth_blockNumber")], timeout: timeout
            )
        }
        guard case let .success(.string(chainHex)) = results[0], let chainID = UInt64(hexQuantity: chainHex) else {
            throw results[0].failure ?? .malformedResponse(endpoint: label, reason: "eth_chainId did not return a quantity")
        }
        if let expected = configuration.expectedChainID, expected != chainID {
            throw .wrongChain(endpoint: label, expected: expected, actual: chainID)
        }
        switch results[1] {
        case .success(.bool(false)): break
        case .success: throw .unhealthy(endpoint: label, reason: "still syncing")
        case let .failure(error): throw error
        }
        guard case let .success(.string(headHex)) = results[2], let head = UInt64(hexQuantity: headHex) else {
            throw results[2].failure ?? .malformedResponse(endpoint: label, reason: "eth_blockNumber did not return a quantity")
        }
        members[index].verified = true
        members[index].head = head
        bestHead = max(bestHead, head)
        if bestHead > head + configuration.maxHeadLag {
            throw .unhealthy(endpoint: label, reason: "head \(head) lags the best known head \(bestHead)")
        }
    }

    /// Every so often, ask every non-benched endpoint for its head so a
    /// lagging primary is noticed even while it keeps answering.
    private func checkHeadsIfDue() async {
        if let last = lastHeadCheck, clock.now - last < configuration.headCheckInterval { return }
        lastHeadCheck = clock.now
        guard members.count > 1 else { return }
        for index in members.indices where members[index].benchedUntil.map({ $0 <= clock.now }) ?? true {
            do {
                // An endpoint not yet verified is verified first: a head from a
                // node on another chain means nothing.
                guard members[index].verified else {
                    try await verify(index)
                    continue
                }
                let client = members[index].client
                let value = try await measured(client, "eth_blockNumber") { () async throws(RPCError) in
                    try await client.send(RPCRequest("eth_blockNumber"), timeout: configuration.requestTimeout)
                }
                if case let .string(hex) = value, let head = UInt64(hexQuantity: hex) {
                    members[index].head = head
                    bestHead = max(bestHead, head)
                }
            } catch {
                bench(index, because: error)
            }
        }
        for index in members.indices {
            if let head = members[index].head, members[index].isUp, bestHead > head + configuration.maxHeadLag {
                bench(index, because: .unhealthy(endpoint: members[index].client.endpoint.label, reason: "head \(head) lags the best known head \(bestHead)"))
            }
        }
    }

    /// Runs a pool-internal probe and counts it in the request metrics like any request.
    private func measured<T>(
        _ client: HTTPJSONRPCClient, _ method: String, _ operation: () async throws(RPCError) -> T
    ) async throws(RPCError) -> T {
        let started = clock.now
        do {
            let result = try await operation()
            metrics.request(client.endpoint.label, method, "ok", seconds: (clock.now - started).seconds)
            return result
        } catch {
            metrics.request(client.endpoint.label, method, error.metricStatus, seconds: (clock.now - started).seconds)
            throw error
        }
    }

    private func noteHead(_ head: UInt64, of index: Int) {
        members[index].head = head
        bestHead = max(bestHead, head)
    }

    private func markHealthy(_ index: Int) {
        members[index].consecutiveFailures = 0
        members[index].benchedUntil = nil
        if !members[index].isUp {
            members[index].isUp = true
            logger.notice("RPC endpoint recovered", metadata: ["endpoint": "\(members[index].client.endpoint.label)"])
            metrics.endpointUp(members[index].client.endpoint.label, true)
        }
        members[index].lastError = nil
    }

    private func bench(_ index: Int, because error: RPCError) {
        members[index].consecutiveFailures += 1
        members[index].verified = false
        members[index].lastError = error.description
        let exponent = min(members[index].consecutiveFailures - 1, 16)
        var delay = configuration.baseBackoff * (1 << exponent)
        if delay > configuration.maxBackoff { delay = configuration.maxBackoff }
        // Full jitter in [delay/2, delay]: spreads retries of many processes apart.
        delay = delay * Double.random(in: 0.5...1.0)
        if case let .rateLimited(_, retryAfter?) = error, .seconds(retryAfter) > delay { delay = .seconds(retryAfter) }
        // A node on another chain is a configuration error; look again only rarely.
        if case .wrongChain = error { delay = configuration.maxBackoff }
        members[index].benchedUntil = clock.now + delay
        if members[index].isUp {
            members[index].isUp = false
            logger.warning("RPC endpoint benched", metadata: [
                "endpoint": "\(members[index].client.endpoint.label)", "reason": "\(error)",
            ])
            metrics.endpointUp(members[index].client.endpoint.label, false)
        }
    }

    private func earliestReturn() -> Duration? {
        members.compactMap(\.benchedUntil).min().map { max(.zero, $0 - clock.now) }
    }

    private func currentErrors() -> [String] {
        members.compactMap(\.lastError)
    }
}

extension Result {
    var failure: Failure? {
        if case let .failure(error) = self { return error }
        return nil
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

extension UInt64 {
    /// Parses an Ethereum quantity ("0x1a"); nil for anything else.
    init?(hexQuantity text: String) {
        guard text.hasPrefix("0x"), text.count > 2, text.count <= 18 else { return nil }
        self.init(text.dropFirst(2), radix: 16)
    }
}

extension RPCError {
    var metricStatus: String {
        switch self {
        case .transport: "transport_error"
        case .timeout: "timeout"
        case let .httpStatus(_, status): "http_\(status)"
        case .rateLimited: "rate_limited"
        case .malformedResponse: "malformed"
        case .server: "rpc_error"
        case .wrongChain: "wrong_chain"
        case .unhealthy: "unhealthy"
        case .noEndpointAvailable: "unavailable"
        case .unexpectedResult: "unexpected"
        }
    }
}
