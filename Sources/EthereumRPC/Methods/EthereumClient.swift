import BigInt
import Ethereum

/// Typed Ethereum JSON-RPC methods over any ``RPCTransport`` (one endpoint
/// or an ``EndpointPool``).
///
/// ```swift
/// let client = EthereumClient(EndpointPool(urls: ["http://127.0.0.1:8545"]))
/// let logs = try await client.logs(addresses: [proxy], from: 1, to: 100)
/// ```
public struct EthereumClient: Sendable {
    public let transport: any RPCTransport

    public init(_ transport: any RPCTransport) {
        self.transport = transport
    }

    /// Any method, untyped: for calls this client has no typed form of.
    public func call(_ method: String, _ params: [JSONValue] = []) async throws(RPCError) -> JSONValue {
        try await transport.send(RPCRequest(method, params))
    }

    public func chainID() async throws(RPCError) -> UInt64 {
        try ResultReader(method: "eth_chainId").quantity(try await call("eth_chainId"))
    }

    public func blockNumber() async throws(RPCError) -> UInt64 {
        try ResultReader(method: "eth_blockNumber").quantity(try await call("eth_blockNumber"))
    }

    /// False when the node is synced; true while it is still syncing.
    public func isSyncing() async throws(RPCError) -> Bool {
        try await call("eth_syncing") != .bool(false)
    }

    public func block(_ selector: BlockSelector) async throws(RPCError) -> RPCBlock? {
        let result: JSONValue
        switch selector {
        case let .hash(hash): result = try await call("eth_getBlockByHash", [.string(hash.hex), false])
        default: result = try await call("eth_getBlockByNumber", [selector.json, false])
        }
        if result.isNull { return nil }
        return try ResultReader(method: "eth_getBlockByNumber").block(result)
    }

    /// Several headers in one batch request (the indexer's reorg check).
    public func blocks(_ numbers: [UInt64]) async throws(RPCError) -> [RPCBlock?] {
        let requests = numbers.map { RPCRequest("eth_getBlockByNumber", [.string(Hex.encodeQuantity($0)), false]) }
        let reader = ResultReader(method: "eth_getBlockByNumber")
        return try await transport.send(batch: requests).map { result throws(RPCError) in
            let value = try result.get()
            return value.isNull ? nil : try reader.block(value)
        }
    }

    /// `eth_getLogs` for one range, exactly as asked (no splitting; see ``logs(addresses:from:to:)``).
    public func logsInRange(addresses: [Address], from: UInt64, to: UInt64, topics: [[Bytes32]?] = []) async throws(RPCError) -> [RPCLog] {
        var filter: [String: JSONValue] = [
            "fromBlock": .string(Hex.encodeQuantity(from)),
            "toBlock": .string(Hex.encodeQuantity(to)),
            "address": .array(addresses.map { .string($0.lowercased) }),
        ]
        if !topics.isEmpty {
            filter["topics"] = .array(topics.map { alternatives in
                alternatives.map { .array($0.map { .string($0.hex) }) } ?? .null
            })
        }
        let result = try await call("eth_getLogs", [.object(filter)])
        guard case let .array(items) = result else { throw RPCError.unexpectedResult(method: "eth_getLogs", reason: "expected an array") }
        let reader = ResultReader(method: "eth_getLogs")
        var logs: [RPCLog] = []
        logs.reserveCapacity(items.count)
        for item in items { logs.append(try reader.log(item)) }
        return logs
    }

    /// Logs of a block, by hash (EIP-234): the answer belongs to exactly that block.
    public func logs(addresses: [Address], blockHash: Bytes32) async throws(RPCError) -> [RPCLog] {
        let filter: JSONValue = ["blockHash": .string(blockHash.hex), "address": .array(addresses.map { .string($0.lowercased) })]
        guard case let .array(items) = try await call("eth_getLogs", [filter]) else {
            throw RPCError.unexpectedResult(method: "eth_getLogs", reason: "expected an array")
        }
        let reader = ResultReader(method: "eth_getLogs")
        var logs: [RPCLog] = []
        for item in items { logs.append(try reader.log(item)) }
        return logs
    }

    public func call(_ call: RPCCall, at block: BlockSelector = .latest) async throws(RPCError) -> [UInt8] {
        try ResultReader(method: "eth_call").bytes(try await self.call("eth_call", [call.json, block.json]))
    }

    public func estimateGas(_ call: RPCCall) async throws(RPCError) -> UInt64 {
        try ResultReader(method: "eth_estimateGas").quantity(try await self.call("eth_estimateGas", [call.json]))
    }

    public func feeHistory(blocks: Int, percentiles: [Double]) async throws(RPCError) -> RPCFeeHistory {
        let result = try await call("eth_feeHistory", [.string(Hex.encodeQuantity(blocks)), "latest", .array(percentiles.map { .number($0) })])
        let reader = ResultReader(method: "eth_feeHistory")
        var baseFees: [BigUInt] = []
        for fee in result["baseFeePerGas"]?.arrayValue ?? [] { baseFees.append(try reader.bigQuantity(fee)) }
        var rewards: [[BigUInt]] = []
        for row in result["reward"]?.arrayValue ?? [] {
            var values: [BigUInt] = []
            for value in row.arrayValue ?? [] { values.append(try reader.bigQuantity(value)) }
            rewards.append(values)
        }
        let ratios = (result["gasUsedRatio"]?.arrayValue ?? []).compactMap { value -> Double? in
            if case let .number(number) = value { return number }
            return nil
        }
        return RPCFeeHistory(oldestBlock: try reader.quantity(result["oldestBlock"]), baseFeePerGas: baseFees, gasUsedRatio: ratios, reward: rewards)
    }

    public func transactionCount(of address: Address, at block: BlockSelector = .pending) async throws(RPCError) -> UInt64 {
        try ResultReader(method: "eth_getTransactionCount").quantity(
            try await call("eth_getTransactionCount", [.string(address.lowercased), block.json])
        )
    }

    public func balance(of address: Address, at block: BlockSelector = .latest) async throws(RPCError) -> BigUInt {
        try ResultReader(method: "eth_getBalance").bigQuantity(try await call("eth_getBalance", [.string(address.lowercased), block.json]))
    }

    public func code(at address: Address, block: BlockSelector = .latest) async throws(RPCError) -> [UInt8] {
        try ResultReader(method: "eth_getCode").bytes(try await call("eth_getCode", [.string(address.lowercased), block.json]))
    }

    public func storage(at address: Address, slot: Bytes32, block: BlockSelector = .latest) async throws(RPCError) -> Bytes32 {
        try ResultReader(method: "eth_getStorageAt").hash(
            try await call("eth_getStorageAt", [.string(address.lowercased), .string(slot.hex), block.json])
        )
    }

    /// Broadcasts a signed transaction; returns its hash.
    public func sendRawTransaction(_ raw: [UInt8]) async throws(RPCError) -> Bytes32 {
        try ResultReader(method: "eth_sendRawTransaction").hash(try await call("eth_sendRawTransaction", [.string(Hex.encode(raw))]))
    }

    /// The receipt, or nil while the transaction is not mined.
    public func receipt(of hash: Bytes32) async throws(RPCError) -> RPCReceipt? {
        let result = try await call("eth_getTransactionReceipt", [.string(hash.hex)])
        if result.isNull { return nil }
        return try ResultReader(method: "eth_getTransactionReceipt").receipt(result)
    }
}
