/// Anything that answers JSON-RPC requests: one endpoint or a failover pool.
/// ``EthereumClient`` adds typed Ethereum methods on top of any transport.
public protocol RPCTransport: Sendable {
    func send(_ request: RPCRequest) async throws(RPCError) -> JSONValue
    func send(batch requests: [RPCRequest]) async throws(RPCError) -> [Result<JSONValue, RPCError>]
}
