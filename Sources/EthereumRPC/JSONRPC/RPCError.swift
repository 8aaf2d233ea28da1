import Ethereum

/// Why a JSON-RPC request failed, with what an operator needs to act on it.
///
/// ``isRetryable`` separates endpoint trouble (try another endpoint) from
/// answers that would be the same everywhere (a revert, bad params).
public enum RPCError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The connection failed or was reset.
    case transport(endpoint: String, reason: String)
    /// No answer within the request timeout.
    case timeout(endpoint: String, seconds: Double)
    /// HTTP status other than 200 (429 is ``rateLimited``).
    case httpStatus(endpoint: String, status: Int)
    /// HTTP 429 or JSON-RPC -32005 ("limit exceeded").
    case rateLimited(endpoint: String, retryAfter: Double?)
    /// The body was not a JSON-RPC response we can read.
    case malformedResponse(endpoint: String, reason: String)
    /// The node answered with a JSON-RPC error object.
    case server(endpoint: String, code: Int, message: String, data: String?)
    /// The node serves another chain than the deployment expects.
    case wrongChain(endpoint: String, expected: UInt64, actual: UInt64)
    /// The node is still syncing or its head lags the best known head.
    case unhealthy(endpoint: String, reason: String)
    /// Every endpoint failed or is benched; `lastErrors` says why.
    case noEndpointAvailable(attempts: Int, lastErrors: [String])
    /// A result could not be turned into the expected type.
    case unexpectedResult(method: String, reason: String)

    public var description: String {
        switch self {
        case let .transport(endpoint, reason): "\(endpoint): connection failed: \(reason)"
        case let .timeout(endpoint, seconds): "\(endpoint): no answer within \(seconds) s"
        case let .httpStatus(endpoint, status): "\(endpoint): HTTP \(status)"
        case let .rateLimited(endpoint, retryAfter):
            "\(endpoint): rate limited" + (retryAfter.map { ", retry after \($0) s" } ?? "")
        case let .malformedResponse(endpoint, reason): "\(endpoint): malformed response: \(reason)"
        case let .server(endpoint, code, message, _): "\(endpoint): error \(code): \(message)"
        case let .wrongChain(endpoint, expected, actual): "\(endpoint): serves chain id \(actual), expected \(expected)"
        case let .unhealthy(endpoint, reason): "\(endpoint): \(reason)"
        case let .noEndpointAvailable(attempts, lastErrors):
            "no RPC endpoint answered after \(attempts) attempts: " + lastErrors.joined(separator: "; ")
        case let .unexpectedResult(method, reason): "\(method): unexpected result: \(reason)"
        }
    }

    /// Whether another endpoint (or a later attempt) might succeed.
    public var isRetryable: Bool {
        switch self {
        case .transport, .timeout, .rateLimited, .malformedResponse, .wrongChain, .unhealthy, .noEndpointAvailable:
            return true
        case let .httpStatus(_, status):
            return status >= 500 || status == 408
        case let .server(_, code, message, _):
            // -32005 limit exceeded, -32603 internal error, and header-not-found style answers from
            // load-balanced providers are endpoint trouble; reverts (3) and bad params (-32602) are not.
            // A range error is the same answer everywhere: the caller splits the range instead.
            if LogRangeLimit.isRangeMessage(message) { return false }
            if code == -32005 || code == -32603 || code == -32000 && RPCError.looksTransient(message) { return true }
            return false
        case .unexpectedResult:
            return false
        }
    }

    /// The raw revert bytes of an `eth_call`/`eth_estimateGas` that reverted
    /// (geth's code 3 with `data`), when this is one.
    public var revertData: [UInt8]? {
        guard case let .server(_, code, message, data) = self,
              code == 3 || message.hasPrefix("execution reverted"), let data
        else { return nil }
        return try? Hex.decode(data)
    }

    static func looksTransient(_ message: String) -> Bool {
        let lower = message.lowercased()
        return ["header not found", "timeout", "timed out", "try again", "unavailable", "busy", "rate limit"]
            .contains { lower.contains($0) }
    }
}
