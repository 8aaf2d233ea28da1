/// One JSON-RPC call: a method and its positional params.
///
/// ```swift
/// RPCRequest("eth_getBlockByNumber", ["latest", false])
/// ```
public struct RPCRequest: Sendable, Hashable, CustomStringConvertible {
    public var method: String
    public var params: [JSONValue]

    public init(_ method: String, _ params: [JSONValue] = []) {
        self.method = method
        self.params = params
    }

    public var description: String { "\(method)(\(params.map(\.jsonText).joined(separator: ", ")))" }
}

/// A JSON-RPC endpoint: its URL, and a label safe to log and to use as a
/// metric dimension (scheme, host and port only: providers put API keys in
/// paths and queries, and secrets are never logged).
public struct RPCEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var url: String
    public var label: String

    public init(url: String, label: String? = nil) {
        self.url = url
        self.label = label ?? RPCEndpoint.redactedLabel(for: url)
    }

    public var description: String { label }

    static func redactedLabel(for url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return "endpoint" }
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let host = authority.split(separator: "@").last.map(String.init) ?? String(authority)
        return "\(url[..<schemeEnd.lowerBound])://\(host)"
    }
}
