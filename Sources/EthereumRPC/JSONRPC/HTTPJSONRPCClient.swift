import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Sends JSON-RPC requests to one endpoint over HTTP (AsyncHTTPClient),
/// single or batched, with a deadline per request.
///
/// It knows nothing about failover; ``EndpointPool`` puts several of these
/// behind one interface.
///
/// ```swift
/// let client = HTTPJSONRPCClient(endpoint: RPCEndpoint(url: "http://127.0.0.1:8545"))
/// let head = try await client.send(RPCRequest("eth_blockNumber"), timeout: .seconds(2))
/// ```
public struct HTTPJSONRPCClient: Sendable {
    public let endpoint: RPCEndpoint
    let httpClient: HTTPClient
    /// Responses larger than this are refused rather than buffered without bound.
    let maxResponseBytes: Int

    public init(endpoint: RPCEndpoint, httpClient: HTTPClient = .shared, maxResponseBytes: Int = 256 << 20) {
        self.endpoint = endpoint
        self.httpClient = httpClient
        self.maxResponseBytes = maxResponseBytes
    }

    /// Sends one request; a JSON-RPC error object becomes ``RPCError/server(endpoint:code:message:data:)``.
    public func send(_ request: RPCRequest, timeout: Duration) async throws(RPCError) -> JSONValue {
        let body = try await post(Self.envelope(request, id: 1), timeout: timeout)
        guard case let .object(response) = body else {
            throw .malformedResponse(endpoint: endpoint.label, reason: "expected a JSON object")
        }
        return try result(of: response)
    }

    /// Sends a batch; results come back in request order, each a value or its own error.
    public func send(batch requests: [RPCRequest], timeout: Duration) async throws(RPCError) -> [Result<JSONValue, RPCError>] {
        guard !requests.isEmpty else { return [] }
        let payload = JSONValue.array(requests.enumerated().map { Self.envelope($1, id: $0 + 1) })
        let body = try await post(payload, timeout: timeout)
        guard case let .array(responses) = body else {
            // Some nodes answer a whole batch with one error object (e.g. batch too large).
            if case let .object(single) = body, single["error"] != nil {
                do { _ = try result(of: single) } catch { throw error }
            }
            throw .malformedResponse(endpoint: endpoint.label, reason: "expected a JSON array for a batch")
        }
        var byID: [Int: Result<JSONValue, RPCError>] = [:]
        for case let .object(response) in responses {
            guard case let .number(id) = response["id"] ?? .null else { continue }
            do { byID[Int(id)] = .success(try result(of: response)) } catch { byID[Int(id)] = .failure(error) }
        }
        return try requests.indices.map { index throws(RPCError) in
            guard let result = byID[index + 1] else {
                throw .malformedResponse(endpoint: endpoint.label, reason: "batch response lacks id \(index + 1)")
            }
            return result
        }
    }

    static func envelope(_ request: RPCRequest, id: Int) -> JSONValue {
        ["jsonrpc": "2.0", "id": .number(Double(id)), "method": .string(request.method), "params": .array(request.params)]
    }

    private func result(of response: [String: JSONValue]) throws(RPCError) -> JSONValue {
        if let error = response["error"], !error.isNull {
            guard case let .number(code) = error["code"] ?? .null else {
                throw .malformedResponse(endpoint: endpoint.label, reason: "error object without a code")
            }
            let message = error["message"]?.stringValue ?? ""
            // -32005 is "limit exceeded": a rate limit, unless it is Infura's
            // "query returned more than 10000 results", which is about the range.
            if Int(code) == -32005 && !LogRangeLimit.isRangeMessage(message) {
                throw .rateLimited(endpoint: endpoint.label, retryAfter: nil)
            }
            throw .server(endpoint: endpoint.label, code: Int(code), message: message, data: error["data"]?.stringValue)
        }
        guard let result = response["result"] else {
            throw .malformedResponse(endpoint: endpoint.label, reason: "neither result nor error")
        }
        return result
    }

    private func post(_ payload: JSONValue, timeout: Duration) async throws(RPCError) -> JSONValue {
        var request = HTTPClientRequest(url: endpoint.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: JSONWriter.write(payload)))
        let started = ContinuousClock.now
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        let body: ByteBuffer
        do {
            let response = try await httpClient.execute(request, deadline: .now() + .nanoseconds(Int64(seconds * 1e9)))
            if response.status == .tooManyRequests {
                throw RPCError.rateLimited(endpoint: endpoint.label, retryAfter: response.headers.first(name: "Retry-After").flatMap(Double.init))
            }
            guard response.status == .ok else { throw RPCError.httpStatus(endpoint: endpoint.label, status: Int(response.status.code)) }
            body = try await response.body.collect(upTo: maxResponseBytes)
        } catch let error as RPCError {
            throw error
        } catch {
            if ContinuousClock.now - started >= timeout || "\(error)".contains("deadlineExceeded") {
                throw .timeout(endpoint: endpoint.label, seconds: seconds)
            }
            throw .transport(endpoint: endpoint.label, reason: "\(error)")
        }
        let parsed = body.withUnsafeReadableBytes { bytes in
            Result { () throws(JSONParseError) -> JSONValue in try JSONParser.parse(bytes) }
        }
        switch parsed {
        case let .success(value): return value
        case let .failure(error):
            throw .malformedResponse(endpoint: endpoint.label, reason: "not JSON (\(body.readableBytes) bytes): \(error)")
        }
    }
}
