import BigInt
import Ethereum

/// A block header as the indexer needs it: number, hash, parent, time.
public struct RPCBlock: Sendable, Hashable {
    public var number: UInt64
    public var hash: Bytes32
    public var parentHash: Bytes32
    public var timestamp: UInt64
    public var transactionHashes: [Bytes32]
}

/// One log from `eth_getLogs` or a receipt.
public struct RPCLog: Sendable, Hashable {
    public var address: Address
    public var topics: [Bytes32]
    public var data: [UInt8]
    public var blockNumber: UInt64
    public var blockHash: Bytes32
    public var transactionHash: Bytes32
    public var transactionIndex: UInt64
    public var logIndex: UInt64
    public var removed: Bool
}

/// A transaction receipt.
public struct RPCReceipt: Sendable, Hashable {
    public var transactionHash: Bytes32
    public var blockNumber: UInt64
    public var blockHash: Bytes32
    public var from: Address
    public var to: Address?
    public var contractAddress: Address?
    public var succeeded: Bool
    public var gasUsed: UInt64
    public var effectiveGasPrice: BigUInt?
    public var logs: [RPCLog]
}

/// `eth_feeHistory`: base fees and priority-fee percentiles of recent blocks.
public struct RPCFeeHistory: Sendable, Hashable {
    public var oldestBlock: UInt64
    public var baseFeePerGas: [BigUInt]
    public var gasUsedRatio: [Double]
    public var reward: [[BigUInt]]
}

/// The call object of `eth_call` and `eth_estimateGas`.
public struct RPCCall: Sendable, Hashable {
    public var from: Address?
    public var to: Address?
    public var data: [UInt8]
    public var value: BigUInt?
    public var gas: UInt64?

    public init(from: Address? = nil, to: Address?, data: [UInt8], value: BigUInt? = nil, gas: UInt64? = nil) {
        self.from = from
        self.to = to
        self.data = data
        self.value = value
        self.gas = gas
    }

    var json: JSONValue {
        var object: [String: JSONValue] = ["data": .string(Hex.encode(data))]
        if let from { object["from"] = .string(from.lowercased) }
        if let to { object["to"] = .string(to.lowercased) }
        if let value { object["value"] = .string(Hex.encodeQuantity(value)) }
        if let gas { object["gas"] = .string(Hex.encodeQuantity(gas)) }
        return .object(object)
    }
}

/// Which block a state query reads: a tag, a number, or a hash (EIP-1898).
public enum BlockSelector: Sendable, Hashable {
    case latest, safe, finalized, earliest, pending
    case number(UInt64)
    case hash(Bytes32)

    var json: JSONValue {
        switch self {
        case .latest: "latest"
        case .safe: "safe"
        case .finalized: "finalized"
        case .earliest: "earliest"
        case .pending: "pending"
        case let .number(number): .string(Hex.encodeQuantity(number))
        case let .hash(hash): ["blockHash": .string(hash.hex)]
        }
    }
}

/// Turns JSON results into typed values, failing with the method's name.
struct ResultReader {
    let method: String

    func fail(_ reason: String) -> RPCError { .unexpectedResult(method: method, reason: reason) }

    func quantity(_ value: JSONValue?) throws(RPCError) -> UInt64 {
        guard case let .string(text)? = value, let number = UInt64(hexQuantity: text) else {
            throw fail("expected a quantity, got \(value?.jsonText ?? "nothing")")
        }
        return number
    }

    func bigQuantity(_ value: JSONValue?) throws(RPCError) -> BigUInt {
        guard case let .string(text)? = value, let number = try? Hex.decodeQuantity(text) else {
            throw fail("expected a quantity, got \(value?.jsonText ?? "nothing")")
        }
        return number
    }

    func bytes(_ value: JSONValue?) throws(RPCError) -> [UInt8] {
        guard case let .string(text)? = value, let bytes = try? Hex.decode(text) else {
            throw fail("expected hex data, got \(value?.jsonText ?? "nothing")")
        }
        return bytes
    }

    func hash(_ value: JSONValue?) throws(RPCError) -> Bytes32 {
        guard case let .string(text)? = value, let hash = try? Bytes32(hex: text) else {
            throw fail("expected a 32-byte hash, got \(value?.jsonText ?? "nothing")")
        }
        return hash
    }

    func address(_ value: JSONValue?) throws(RPCError) -> Address {
        guard case let .string(text)? = value, let address = try? Address(text.lowercased()) else {
            throw fail("expected an address, got \(value?.jsonText ?? "nothing")")
        }
        return address
    }

    func optionalAddress(_ value: JSONValue?) throws(RPCError) -> Address? {
        guard let value, !value.isNull else { return nil }
        return try address(value)
    }

    func block(_ value: JSONValue) throws(RPCError) -> RPCBlock {
        guard case let .object(object) = value else { throw fail("expected a block object") }
        var hashes: [Bytes32] = []
        for transaction in object["transactions"]?.arrayValue ?? [] {
            // Either hashes (fullTransactions: false) or objects with a hash.
            hashes.append(try hash(transaction.stringValue != nil ? transaction : transaction["hash"]))
        }
        return RPCBlock(
            number: try quantity(object["number"]),
            hash: try hash(object["hash"]),
            parentHash: try hash(object["parentHash"]),
            timestamp: try quantity(object["timestamp"]),
            transactionHashes: hashes
        )
    }

    func log(_ value: JSONValue) throws(RPCError) -> RPCLog {
        guard case let .object(object) = value else { throw fail("expected a log object") }
        var topics: [Bytes32] = []
        for topic in object["topics"]?.arrayValue ?? [] { topics.append(try hash(topic)) }
        return RPCLog(
            address: try address(object["address"]),
            topics: topics,
            data: try bytes(object["data"]),
            blockNumber: try quantity(object["blockNumber"]),
            blockHash: try hash(object["blockHash"]),
            transactionHash: try hash(object["transactionHash"]),
            transactionIndex: try quantity(object["transactionIndex"]),
            logIndex: try quantity(object["logIndex"]),
            removed: object["removed"] == .bool(true)
        )
    }

    func receipt(_ value: JSONValue) throws(RPCError) -> RPCReceipt {
        guard case let .object(object) = value else { throw fail("expected a receipt object") }
        var logs: [RPCLog] = []
        for item in object["logs"]?.arrayValue ?? [] { logs.append(try log(item)) }
        return RPCReceipt(
            transactionHash: try hash(object["transactionHash"]),
            blockNumber: try quantity(object["blockNumber"]),
            blockHash: try hash(object["blockHash"]),
            from: try address(object["from"]),
            to: try optionalAddress(object["to"]),
            contractAddress: try optionalAddress(object["contractAddress"]),
            succeeded: try quantity(object["status"]) == 1,
            gasUsed: try quantity(object["gasUsed"]),
            effectiveGasPrice: object["effectiveGasPrice"].flatMap { try? bigQuantity($0) },
            logs: logs
        )
    }
}
