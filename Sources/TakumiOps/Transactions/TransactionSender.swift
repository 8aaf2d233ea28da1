import BigInt
import Ethereum
import EthereumRPC
import Foundation
import Takumi

/// One transaction a command means to send, described for the plan, the
/// report and the audit log.
public struct TransactionRequest: Sendable {
    public var to: Address
    public var data: [UInt8]
    public var value: BigUInt
    /// What it does, e.g. `SkillProfile.pause()`.
    public var summary: String
    /// The audit log's `action` (`contracts.pause`, `multisig.propose`).
    public var action: String
    /// The audit log's `target` (a contract name, `proposal/3`).
    public var target: String

    public init(to: Address, data: [UInt8], value: BigUInt = 0, summary: String, action: String, target: String) {
        self.to = to
        self.data = data
        self.value = value
        self.summary = summary
        self.action = action
        self.target = target
    }
}

/// How the sender waits and when it replaces a transaction.
public struct SendingPolicy: Sendable {
    /// A transaction not mined this long after it was sent is re-sent with
    /// the same nonce and fees raised by 12.5 % (nodes require ≥ 10 %).
    public var replaceAfter: Duration
    /// Give up waiting for receipts after this long (the transactions may still be mined).
    public var timeout: Duration
    public var pollInterval: Duration
    /// Replacements per transaction at most, so a misconfigured node cannot make fees climb forever.
    public var maxReplacements: Int

    public init(replaceAfter: Duration = .seconds(30), timeout: Duration = .seconds(300), pollInterval: Duration = .milliseconds(200), maxReplacements: Int = 6) {
        self.replaceAfter = replaceAfter
        self.timeout = timeout
        self.pollInterval = pollInterval
        self.maxReplacements = maxReplacements
    }
}

/// What became of one transaction.
public struct TransactionOutcome: Sendable {
    public var request: TransactionRequest
    public var nonce: UInt64
    /// The mined transaction's hash, or the last one sent when none was mined.
    public var hash: Bytes32?
    /// Hashes sent earlier for the same nonce and replaced.
    public var replacedHashes: [Bytes32]
    public var receipt: RPCReceipt?
    /// Why it did not succeed: the decoded revert reason, a send error, a timeout.
    public var failure: String?
    /// Seconds from the first send of the batch until the receipt was seen.
    public var seconds: Double

    public var succeeded: Bool { receipt?.succeeded == true && failure == nil }

    /// One line for the operator.
    public var line: String {
        let seconds = String(format: "%.1f s", self.seconds)
        let replaced = replacedHashes.isEmpty ? "" : "  (replaced \(replacedHashes.count)×: \(replacedHashes.map(\.hex).joined(separator: ", ")))"
        guard let hash else { return "\(request.summary)  NOT SENT: \(failure ?? "unknown")" }
        guard let receipt else { return "\(request.summary)  tx \(hash.hex)  nonce \(nonce)  NOT MINED: \(failure ?? "unknown")\(replaced)" }
        let status = receipt.succeeded ? "" : "  REVERTED: \(failure ?? "no reason")"
        return "\(request.summary)  tx \(hash.hex)  nonce \(nonce)  block \(receipt.blockNumber)  gas used \(receipt.gasUsed)  \(seconds)\(status)\(replaced)"
    }
}

/// Signs and sends transactions from one key: chain id checked against the
/// manifest, gas estimated (a call that would revert is refused with its
/// decoded reason, nothing sent), the balance checked against the worst-case
/// cost, nonces taken from `eth_getTransactionCount(pending)` and used
/// consecutively, every transaction sent before waiting for any receipt,
/// and a transaction not mined within ``SendingPolicy/replaceAfter``
/// replaced with higher fees under the same nonce.
///
/// ```swift
/// let sender = TransactionSender(reader: reader, key: guardianKey)
/// let plan = try await sender.prepare([TransactionRequest(to: proxy, data: pause, summary: "SkillProfile.pause()", action: "contracts.pause", target: "SkillProfile")])
/// let outcomes = try await sender.send(plan) { print($0) }
/// ```
public struct TransactionSender: Sendable {
    public let reader: ChainReader
    let key: PrivateKey
    public let policy: SendingPolicy

    public init(reader: ChainReader, key: PrivateKey, policy: SendingPolicy = SendingPolicy()) {
        self.reader = reader
        self.key = key
        self.policy = policy
    }

    public var address: Address { key.address }
    var client: EthereumClient { reader.client }
    var chainID: UInt64 { reader.known.manifest.chainId }

    /// Fees of an EIP-1559 transaction.
    public struct Fees: Sendable, Equatable {
        public var maxFeePerGas: BigUInt
        public var maxPriorityFeePerGas: BigUInt

        /// Both raised by 12.5 % (+1 wei), above the 10 % geth and others require of a replacement.
        func bumped() -> Fees {
            Fees(maxFeePerGas: maxFeePerGas * 1125 / 1000 + 1, maxPriorityFeePerGas: maxPriorityFeePerGas * 1125 / 1000 + 1)
        }
    }

    /// Everything checked and priced, ready to sign.
    public struct Plan: Sendable {
        public var requests: [TransactionRequest]
        public var gasLimits: [UInt64]
        public var fees: Fees
        public var firstNonce: UInt64
        public var balance: BigUInt
        /// Σ gas limit × max fee + value: what the key must hold.
        public var maximumCost: BigUInt
    }

    // MARK: checks

    /// Refuses an RPC endpoint that serves another chain than the manifest's:
    /// a signature for the wrong chain must never be produced.
    public func checkChain() async throws(OperationsError) {
        try await Self.checkChain(reader)
    }

    public static func checkChain(_ reader: ChainReader) async throws(OperationsError) {
        let manifest = reader.known.manifest
        let actual: UInt64
        do { actual = try await reader.client.chainID() } catch {
            throw Self.chainFailure(error, manifest: manifest)
        }
        guard actual == manifest.chainId else {
            throw .failed("wrong chain: the RPC endpoint serves chain id \(actual), the manifest (\(manifest.network)) says \(manifest.chainId); nothing sent")
        }
    }

    static func chainFailure(_ error: RPCError, manifest: DeploymentManifest) -> OperationsError {
        let wrong = "wrong chain: the RPC endpoint does not serve chain id \(manifest.chainId) of the manifest (\(manifest.network)); nothing sent"
        switch error {
        case let .wrongChain(_, expected, actual):
            return .failed("wrong chain: the RPC endpoint serves chain id \(actual), the manifest (\(manifest.network)) says \(expected); nothing sent")
        case let .noEndpointAvailable(_, lastErrors) where lastErrors.contains { $0.contains("serves chain id") }:
            return .failed("\(wrong) (\(lastErrors.joined(separator: "; ")))")
        default:
            return ChainReader.rpcFailure(error)
        }
    }

    /// Chain id, gas estimates, fees, nonce and balance: every refusal happens
    /// here, before anything is signed.
    public func prepare(_ requests: [TransactionRequest]) async throws(OperationsError) -> Plan {
        try await checkChain()
        var limits: [UInt64] = []
        for request in requests {
            let estimate: UInt64
            do {
                estimate = try await client.estimateGas(RPCCall(from: address, to: request.to, data: request.data, value: request.value))
            } catch {
                if let data = error.revertData {
                    throw .failed("\(request.summary) would fail: \(reader.known.revertReason(data)); nothing sent")
                }
                throw ChainReader.rpcFailure(error)
            }
            // Headroom: state may change between estimate and inclusion.
            limits.append(estimate + estimate / 4 + 10_000)
        }
        let fees = try await currentFees()
        let nonce: UInt64
        let balance: BigUInt
        do {
            nonce = try await client.transactionCount(of: address, at: .pending)
            balance = try await client.balance(of: address, at: .latest)
        } catch {
            throw ChainReader.rpcFailure(error)
        }
        var cost = BigUInt(0)
        for (request, limit) in zip(requests, limits) { cost += BigUInt(limit) * fees.maxFeePerGas + request.value }
        guard balance >= cost else {
            throw .failed(
                "unfunded: \(address.checksummed) holds \(EtherAmount.ether(fromWei: balance)) ETH, the \(requests.count) transaction\(requests.count == 1 ? "" : "s") "
                    + "need up to \(EtherAmount.ether(fromWei: cost)) ETH (gas limit × max fee per gas); fund the key; nothing sent"
            )
        }
        return Plan(requests: requests, gasLimits: limits, fees: fees, firstNonce: nonce, balance: balance, maximumCost: cost)
    }

    /// The next block's base fee ×2 plus the node's suggested tip: room for
    /// the base fee to rise for a few blocks without the transaction stalling.
    func currentFees() async throws(OperationsError) -> Fees {
        do {
            let history = try await client.feeHistory(blocks: 1, percentiles: [50])
            let baseFee = history.baseFeePerGas.last ?? 0
            var tip = BigUInt(1_000_000_000)
            if case let .string(text) = try await client.call("eth_maxPriorityFeePerGas"), let suggested = try? Hex.decodeQuantity(text) {
                tip = max(suggested, 1)
            }
            return Fees(maxFeePerGas: baseFee * 2 + tip, maxPriorityFeePerGas: tip)
        } catch {
            throw ChainReader.rpcFailure(error)
        }
    }

    // MARK: sending

    private struct InFlight {
        var index: Int
        var nonce: UInt64
        var fees: Fees
        var hashes: [Bytes32] = []
        var lastSent: ContinuousClock.Instant
        var replacements = 0
        var receipt: RPCReceipt?
        var seenAt: ContinuousClock.Instant?
        var failure: String?
        var done: Bool { receipt != nil || failure != nil }
    }

    func sign(_ plan: Plan, index: Int, nonce: UInt64, fees: Fees) throws(OperationsError) -> SignedTransaction {
        let request = plan.requests[index]
        let transaction = Transaction.eip1559(EIP1559Transaction(
            chainID: chainID, nonce: nonce, maxPriorityFeePerGas: fees.maxPriorityFeePerGas, maxFeePerGas: fees.maxFeePerGas,
            gasLimit: plan.gasLimits[index], to: request.to, value: request.value, data: request.data
        ))
        do { return try transaction.signed(with: key) } catch { throw .failed("cannot sign \(request.summary): \(error)") }
    }

    /// Sends every transaction of `plan` back to back (consecutive nonces, no
    /// waiting in between), then waits for all receipts, replacing any not
    /// mined within the policy's bound. `progress` gets one line per event.
    public func send(_ plan: Plan, progress: @Sendable (String) -> Void) async throws(OperationsError) -> [TransactionOutcome] {
        let clock = ContinuousClock()
        let start = clock.now
        var flights: [InFlight] = []
        for index in plan.requests.indices {
            let nonce = plan.firstNonce + UInt64(index)
            var flight = InFlight(index: index, nonce: nonce, fees: plan.fees, lastSent: clock.now)
            if let previous = flights.last, previous.hashes.isEmpty {
                // A gap in the nonces would leave this one stuck behind the unsent one.
                flight.failure = "not sent: the transaction before it (nonce \(previous.nonce)) was not sent"
            } else {
                let signed = try sign(plan, index: index, nonce: nonce, fees: plan.fees)
                do {
                    let hash = try await client.sendRawTransaction(signed.rawEncoding)
                    flight.hashes.append(hash)
                    progress("sent \(plan.requests[index].summary)  nonce \(nonce)  tx \(hash.hex)")
                } catch {
                    if index == 0 { throw .failed("\(plan.requests[index].summary): the node refused it: \(error); nothing sent") }
                    flight.failure = "the node refused it: \(error)"
                }
                flight.lastSent = clock.now
            }
            flights.append(flight)
        }

        let deadline = start + policy.timeout
        while flights.contains(where: { !$0.done }) {
            for position in flights.indices where !flights[position].done {
                // Any hash of the nonce may be the one mined (a replacement, or the original after all).
                for hash in flights[position].hashes.reversed() {
                    if let receipt = try? await client.receipt(of: hash) {
                        flights[position].receipt = receipt
                        flights[position].seenAt = clock.now
                        break
                    }
                }
                if flights[position].receipt != nil { continue }
                if clock.now >= deadline {
                    flights[position].failure = "not mined within \(policy.timeout); it may still be mined (check with takumi chain receipt)"
                    continue
                }
                if clock.now - flights[position].lastSent >= policy.replaceAfter, flights[position].replacements < policy.maxReplacements {
                    await replace(&flights[position], plan: plan, progress: progress)
                }
            }
            if flights.contains(where: { !$0.done }) {
                do { try await Task.sleep(for: policy.pollInterval) } catch { break }
            }
        }

        var outcomes: [TransactionOutcome] = []
        for flight in flights {
            let request = plan.requests[flight.index]
            var outcome = TransactionOutcome(
                request: request, nonce: flight.nonce, hash: flight.hashes.last, replacedHashes: [], receipt: flight.receipt,
                failure: flight.failure, seconds: flight.seenAt.map { Self.seconds($0 - start) } ?? Self.seconds(clock.now - start)
            )
            if let receipt = flight.receipt {
                outcome.hash = receipt.transactionHash
                outcome.replacedHashes = flight.hashes.filter { $0 != receipt.transactionHash }
                if !receipt.succeeded { outcome.failure = await revertReason(request, receipt: receipt) }
            } else {
                outcome.replacedHashes = Array(flight.hashes.dropLast())
            }
            outcomes.append(outcome)
        }
        return outcomes
    }

    /// Re-sends the flight's nonce with fees raised ≥ 12.5 % and at least the current market fees.
    private func replace(_ flight: inout InFlight, plan: Plan, progress: @Sendable (String) -> Void) async {
        var fees = flight.fees.bumped()
        if let market = try? await currentFees() {
            fees.maxFeePerGas = max(fees.maxFeePerGas, market.maxFeePerGas)
            fees.maxPriorityFeePerGas = max(fees.maxPriorityFeePerGas, market.maxPriorityFeePerGas)
        }
        flight.replacements += 1
        flight.lastSent = ContinuousClock.now
        let request = plan.requests[flight.index]
        guard let signed = try? sign(plan, index: flight.index, nonce: flight.nonce, fees: fees) else { return }
        do {
            let hash = try await client.sendRawTransaction(signed.rawEncoding)
            progress(
                "replaced \(request.summary)  nonce \(flight.nonce) (not mined after \(policy.replaceAfter))  tx \(hash.hex)  "
                    + "max fee \(flight.fees.maxFeePerGas) → \(fees.maxFeePerGas) wei, tip \(flight.fees.maxPriorityFeePerGas) → \(fees.maxPriorityFeePerGas) wei"
            )
            flight.hashes.append(hash)
            flight.fees = fees
        } catch {
            let text = "\(error)"
            if text.contains("underpriced") {
                // Keep the higher fees: the next attempt bumps from there.
                flight.fees = fees
            }
            // "nonce too low" / "already known": an earlier hash was mined meanwhile; polling finds it.
            progress("replacement of nonce \(flight.nonce) refused by the node: \(text)")
        }
    }

    /// Why a mined transaction reverted: replayed with `eth_call` at its block.
    func revertReason(_ request: TransactionRequest, receipt: RPCReceipt) async -> String {
        do {
            _ = try await client.call(RPCCall(from: address, to: request.to, data: request.data, value: request.value), at: .number(receipt.blockNumber))
            return "reverted (the replay at block \(receipt.blockNumber) succeeds: likely out of gas)"
        } catch {
            if let data = error.revertData { return reader.known.revertReason(data) }
            return "reverted (replay failed: \(error))"
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

extension ChainReader {
    /// A typed read of a Takumi binding (`GovernanceCalls.paused`, `MultisigCalls.threshold`…).
    public func read<Output>(_ call: ContractCall<Output>, at address: Address) async throws(OperationsError) -> Output {
        let calldata: [UInt8]
        do { calldata = try call.calldata() } catch { throw .failed("cannot encode \(call.function.name): \(error)") }
        let returned: [UInt8]
        do { returned = try await client.call(RPCCall(to: address, data: calldata)) } catch {
            if let data = error.revertData { throw .failed("\(call.function.name) on \(known.describe(address)) \(known.revertReason(data))") }
            throw Self.rpcFailure(error)
        }
        do { return try call.decodeOutput(returned) } catch {
            throw .failed("\(call.function.name) on \(known.describe(address)) returned \(Hex.encode(returned)): \(error)")
        }
    }
}
