import BigInt
import Ethereum
import EthereumRPC
import Takumi

/// The read-only half of the runbook's `cast`: calls, balances, receipts,
/// logs (once or followed), transactions with their revert reason and call
/// trace. Every request goes through the deployment's ``EndpointPool``, so a
/// dead provider fails over here exactly as it does for the indexer.
///
/// ```swift
/// let reader = ChainReader(client: EthereumClient(pool), known: KnownContracts(manifest: manifest))
/// let result = try await reader.call(to: proxy, function: try ChainInput.function("version()(string)"), arguments: [])
/// print(result.lines)   // ["1.0.0"]
/// ```
public struct ChainReader: Sendable {
    public let client: EthereumClient
    public let known: KnownContracts

    public init(client: EthereumClient, known: KnownContracts) {
        self.client = client
        self.known = known
    }

    // MARK: call

    /// What `eth_call` returned, decoded when the signature names return types.
    public struct CallResult: Sendable {
        public var function: ABIFunction
        public var returnData: [UInt8]
        /// nil when the signature has no return types (then ``returnData`` is printed raw, as cast does).
        public var values: [ABIValue]?

        /// One line per returned value, or the raw return data.
        public var lines: [String] {
            guard let values else { return [Hex.encode(returnData)] }
            return values.map(\.text)
        }

        public var json: JSONValue {
            guard let values else { return .object(["returnData": .string(Hex.encode(returnData))]) }
            return .array(values.map { .string($0.text) })
        }
    }

    public func call(
        to address: Address, function: ABIFunction, arguments: [ABIValue], from: Address? = nil, block: BlockSelector = .latest
    ) async throws(OperationsError) -> CallResult {
        let calldata: [UInt8]
        do { calldata = try function.encodeCall(arguments) } catch { throw .badInput("cannot encode \(function.signature): \(error)") }
        let returned: [UInt8]
        do {
            returned = try await client.call(RPCCall(from: from, to: address, data: calldata), at: block)
        } catch {
            if let data = error.revertData { throw .failed("\(function.name) on \(known.describe(address)) \(known.revertReason(data))") }
            throw Self.rpcFailure(error)
        }
        guard !function.outputs.isEmpty else { return CallResult(function: function, returnData: returned, values: nil) }
        if returned.isEmpty {
            // An address without code answers every call with nothing.
            let code = (try? await client.code(at: address, block: block)) ?? []
            if code.isEmpty { throw .failed("\(address.checksummed) has no contract code at that block: nothing to call") }
        }
        do {
            return CallResult(function: function, returnData: returned, values: try function.decodeOutput(returned))
        } catch {
            throw .failed("the return data \(Hex.encode(returned)) does not decode as (\(function.outputs.map(\.type.canonicalName).joined(separator: ","))): \(error)")
        }
    }

    // MARK: balance

    public func balance(of address: Address, block: BlockSelector = .latest) async throws(OperationsError) -> BigUInt {
        do { return try await client.balance(of: address, at: block) } catch { throw Self.rpcFailure(error) }
    }

    // MARK: receipt

    /// The receipt; a clear failure when the transaction is unknown or not mined yet.
    public func receipt(_ hash: Bytes32) async throws(OperationsError) -> RPCReceipt {
        let receipt: RPCReceipt?
        do { receipt = try await client.receipt(of: hash) } catch { throw Self.rpcFailure(error) }
        if let receipt { return receipt }
        guard case .some = try await transactionJSON(hash) else { throw .failed("transaction \(hash.hex) not found on this network") }
        throw .failed("transaction \(hash.hex) is pending: not mined yet, so it has no receipt")
    }

    /// `eth_getTransactionByHash`, nil when the node does not know it.
    func transactionJSON(_ hash: Bytes32) async throws(OperationsError) -> JSONValue? {
        let value: JSONValue
        do { value = try await client.call("eth_getTransactionByHash", [.string(hash.hex)]) } catch { throw Self.rpcFailure(error) }
        // Spelled out: a bare `nil` here would be JSONValue's nil literal (`.null`), not "no transaction".
        if value.isNull { return Optional<JSONValue>.none }
        return value
    }

    /// Text lines describing a receipt: status, block, gas, logs decoded.
    public func describe(_ receipt: RPCReceipt) -> [String] {
        var lines = [
            "transaction       \(receipt.transactionHash.hex)",
            "status            \(receipt.succeeded ? "success" : "reverted")",
            "block             \(receipt.blockNumber) (\(receipt.blockHash.hex))",
            "from              \(known.describe(receipt.from))",
            "to                \(receipt.to.map(known.describe) ?? "none (contract creation)")",
        ]
        if let created = receipt.contractAddress { lines.append("contract created  \(created.checksummed)") }
        lines.append("gas used          \(receipt.gasUsed)")
        if let price = receipt.effectiveGasPrice { lines.append("gas price         \(price) wei") }
        lines.append("logs              \(receipt.logs.count)")
        for log in receipt.logs {
            lines.append("  [\(log.logIndex)] \(ChainLog(log, known: known).summary)")
        }
        return lines
    }

    public func json(_ receipt: RPCReceipt) -> JSONValue {
        var object: [String: JSONValue] = [
            "transactionHash": .string(receipt.transactionHash.hex),
            "status": .string(receipt.succeeded ? "success" : "reverted"),
            "blockNumber": .number(Double(receipt.blockNumber)),
            "blockHash": .string(receipt.blockHash.hex),
            "from": .string(receipt.from.checksummed),
            "to": receipt.to.map { .string($0.checksummed) } ?? .null,
            "contractAddress": receipt.contractAddress.map { .string($0.checksummed) } ?? .null,
            "gasUsed": .number(Double(receipt.gasUsed)),
            "logs": .array(receipt.logs.map { ChainLog($0, known: known).json }),
        ]
        if let price = receipt.effectiveGasPrice { object["effectiveGasPrice"] = .string(String(price)) }
        return .object(object)
    }

    // MARK: logs

    /// Logs of a range, in chain order, decoded; a range the node refuses is
    /// split (``EthereumClient/logs(addresses:from:to:topics:)``).
    public func logs(_ query: LogQuery) async throws(OperationsError) -> (logs: [ChainLog], toBlock: UInt64) {
        do {
            let to: UInt64
            if let last = query.toBlock { to = last } else { to = try await client.blockNumber() }
            guard query.fromBlock <= to else { return ([], to) }
            let logs = try await client.logs(addresses: query.addresses, from: query.fromBlock, to: to, topics: query.topics)
            // Split ranges come back in range order already; sorting keeps the promise regardless.
            let sorted = logs.sorted { ($0.blockNumber, $0.logIndex) < ($1.blockNumber, $1.logIndex) }
            return (sorted.map { ChainLog($0, known: known) }, to)
        } catch {
            throw Self.rpcFailure(error)
        }
    }

    /// Prints the range's logs, then every new block's, until cancelled.
    /// Endpoint trouble is survived: the pool fails over; when every endpoint
    /// is down, `warn` says so once per outage and polling goes on with backoff.
    /// Only an answer that would be the same everywhere (bad params) ends it.
    ///
    /// Reorgs: each poll remembers the head it saw. When a remembered
    /// head is no longer on the chain, `warn` names the replaced blocks (their
    /// logs, already printed, are void) and the new fork's logs are printed
    /// from the fork point on. A head below one already read (a lagging
    /// endpoint after failover, or a shorter fork) is waited out, not re-read.
    public func follow(
        _ query: LogQuery, pollInterval: Duration = .milliseconds(500),
        emit: @Sendable (ChainLog) -> Void, warn: @Sendable (String) -> Void
    ) async throws(OperationsError) {
        var next = query.fromBlock
        var seenHeads = SeenHeads()
        var failing = false
        var backoff = pollInterval
        while !Task.isCancelled {
            do throws(RPCError) {
                guard let head = try await client.block(.latest) else { throw RPCError.unexpectedResult(method: "eth_getBlockByNumber", reason: "no latest block") }
                if let fork = try await seenHeads.forkPoint(below: head, client: client) {
                    let replaced = seenHeads.forget(above: fork)
                    next = max(fork + 1, query.fromBlock)
                    // Blocks below the range were never printed: nothing to void there.
                    if replaced >= next {
                        warn("chain reorganised: blocks \(next)…\(replaced) were replaced (their logs above are void); printing the new fork's logs from block \(next)")
                    }
                }
                if head.number >= next {
                    let logs = try await client.logs(addresses: query.addresses, from: next, to: head.number, topics: query.topics)
                    for log in logs.sorted(by: { ($0.blockNumber, $0.logIndex) < ($1.blockNumber, $1.logIndex) }) {
                        emit(ChainLog(log, known: known))
                    }
                    next = head.number + 1
                }
                seenHeads.remember(head)
                if failing {
                    failing = false
                    warn("RPC answering again; following from block \(next)")
                }
                backoff = pollInterval
            } catch {
                guard error.isRetryable else { throw Self.rpcFailure(error) }
                if !failing {
                    failing = true
                    warn("RPC unavailable, retrying: \(error)")
                }
                backoff = min(backoff * 2, .seconds(10))
            }
            do { try await Task.sleep(for: failing ? backoff : pollInterval) } catch { return }
        }
    }

    /// The heads `follow` has seen, oldest first, each above the one before
    /// (the last 256 polls that found the chain higher than before).
    struct SeenHeads {
        static let capacity = 256
        private(set) var heads: [(number: UInt64, hash: Bytes32)] = []

        /// Remembers `block` if it is above every head remembered so far.
        mutating func remember(_ block: RPCBlock) {
            guard heads.last.map({ block.number > $0.number }) ?? true else { return }
            heads.append((block.number, block.hash))
            if heads.count > Self.capacity { heads.removeFirst(heads.count - Self.capacity) }
        }

        /// Drops the heads above `fork`; returns the highest one dropped.
        mutating func forget(above fork: UInt64) -> UInt64 {
            let highest = heads.last?.number ?? fork
            heads.removeAll { $0.number > fork }
            return highest
        }

        /// nil while the newest remembered head at or below `head` is still on
        /// the chain; else the newest remembered head that is (the blocks above
        /// it were replaced), or the block before the oldest remembered one
        /// when none is (a reorg deeper than the memory).
        func forkPoint(below head: RPCBlock, client: EthereumClient) async throws(RPCError) -> UInt64? {
            let reached = heads.filter { $0.number <= head.number }
            guard let newest = reached.last, !(try await Self.onChain(newest, head: head, client: client)) else { return nil }
            for remembered in reached.dropLast().reversed() where try await Self.onChain(remembered, head: head, client: client) {
                return remembered.number
            }
            return max(heads.first?.number ?? 1, 1) - 1
        }

        private static func onChain(_ remembered: (number: UInt64, hash: Bytes32), head: RPCBlock, client: EthereumClient) async throws(RPCError) -> Bool {
            if remembered.number == head.number { return remembered.hash == head.hash }
            return try await client.block(.number(remembered.number))?.hash == remembered.hash
        }
    }

    // MARK: errors

    /// An RPC failure as one line; endpoint labels never carry credentials
    /// (``RPCEndpoint`` redacts user info, paths and queries).
    static func rpcFailure(_ error: RPCError) -> OperationsError {
        switch error {
        case .noEndpointAvailable, .transport, .timeout:
            .failed("RPC unreachable: \(error)")
        default:
            .failed("RPC request failed: \(error)")
        }
    }
}
