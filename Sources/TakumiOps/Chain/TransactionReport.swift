import BigInt
import Ethereum
import EthereumRPC
import Takumi

/// `takumi chain tx HASH`: the runbook's `cast run` for incident evidence —
/// the transaction, its decoded call, its receipt and events, why it
/// reverted, and its call trace when the node can trace.
///
/// The revert reason is not in a receipt: the call is replayed with
/// `eth_call` on the state of the block before (the transaction's own
/// inputs, sender, value and gas) and the revert data decoded
/// (`Error(string)`, `Panic(uint256)`, the ABIs' custom errors).
public struct TransactionReport: Sendable {
    public var hash: Bytes32
    public var from: Address
    public var to: Address?
    public var nonce: UInt64
    public var value: BigUInt
    public var gasLimit: UInt64
    public var input: [UInt8]
    /// nil while pending.
    public var receipt: RPCReceipt?
    /// `addSkill(name="Vyper", …)` when a Takumi ABI knows the selector.
    public var decodedCall: String?
    /// Why it reverted (replayed), for a failed transaction.
    public var revertReason: String?
    public var trace: Trace

    public enum Trace: Sendable {
        case frames(CallFrame)
        /// The node has no `debug_traceTransaction` (most public providers).
        case unsupported(String)
        /// The node has it but it failed for this transaction.
        case failed(String)
        case notMined
    }

    /// One frame of geth's `callTracer` output.
    public struct CallFrame: Sendable {
        public var type: String
        public var from: Address?
        public var to: Address?
        public var value: BigUInt?
        public var gasUsed: UInt64?
        public var input: [UInt8]
        public var output: [UInt8]
        public var error: String?
        public var calls: [CallFrame]

        init(_ json: JSONValue) {
            func address(_ key: String) -> Address? { json[key]?.stringValue.flatMap { try? Address($0.lowercased()) } }
            func bytes(_ key: String) -> [UInt8] { json[key]?.stringValue.flatMap { try? Hex.decode($0) } ?? [] }
            type = json["type"]?.stringValue ?? "CALL"
            from = address("from")
            to = address("to")
            value = json["value"]?.stringValue.flatMap { try? Hex.decodeQuantity($0) }
            gasUsed = json["gasUsed"]?.stringValue.flatMap { UInt64($0.dropFirst(2), radix: 16) }
            input = bytes("input")
            output = bytes("output")
            error = json["error"]?.stringValue
            calls = (json["calls"]?.arrayValue ?? []).map(CallFrame.init)
        }
    }
}

extension ChainReader {
    public func transaction(_ hash: Bytes32) async throws(OperationsError) -> TransactionReport {
        guard let json = try await transactionJSON(hash) else { throw .failed("transaction \(hash.hex) not found on this network") }
        func quantity(_ key: String) -> BigUInt? { json[key]?.stringValue.flatMap { try? Hex.decodeQuantity($0) } }
        guard let from = json["from"]?.stringValue.flatMap({ try? Address($0.lowercased()) }) else {
            throw .failed("eth_getTransactionByHash returned no sender for \(hash.hex)")
        }
        let input = json["input"]?.stringValue.flatMap { try? Hex.decode($0) } ?? []
        var report = TransactionReport(
            hash: hash, from: from, to: json["to"]?.stringValue.flatMap { try? Address($0.lowercased()) },
            nonce: UInt64(quantity("nonce") ?? 0), value: quantity("value") ?? 0, gasLimit: UInt64(quantity("gas") ?? 0),
            input: input, receipt: nil, decodedCall: known.describeCall(input), revertReason: nil, trace: .notMined
        )
        do { report.receipt = try await client.receipt(of: hash) } catch { throw Self.rpcFailure(error) }
        guard let receipt = report.receipt else { return report }
        if !receipt.succeeded {
            report.revertReason = await replayRevert(report, block: receipt.blockNumber)
            if receipt.gasUsed >= report.gasLimit {
                report.revertReason = "out of gas: used all \(report.gasLimit) gas" + (report.revertReason.map { "; replay: \($0)" } ?? "")
            }
        }
        report.trace = await trace(hash)
        return report
    }

    /// The revert reason of a failed transaction, from `eth_call` with its
    /// own sender, target, value, gas and input on the previous block's state.
    func replayRevert(_ report: TransactionReport, block: UInt64) async -> String {
        let call = RPCCall(from: report.from, to: report.to, data: report.input, value: report.value, gas: report.gasLimit)
        let state: BlockSelector = block > 0 ? .number(block - 1) : .earliest
        do {
            _ = try await client.call(call, at: state)
            return "unknown: the replay on block \(block > 0 ? block - 1 : 0)'s state did not revert (the failure depended on an earlier transaction of block \(block))"
        } catch {
            if let data = error.revertData { return known.revertReason(data) }
            return "unknown: the replay failed: \(error)"
        }
    }

    /// `debug_traceTransaction` with the call tracer, or why there is none.
    func trace(_ hash: Bytes32) async -> TransactionReport.Trace {
        do {
            let result = try await client.call("debug_traceTransaction", [.string(hash.hex), ["tracer": "callTracer"]])
            return .frames(TransactionReport.CallFrame(result))
        } catch {
            if case let .server(endpoint, code, message, _) = error {
                let lower = message.lowercased()
                let unsupported = code == -32601 || ["not found", "does not exist", "not available", "not supported", "unsupported", "not enabled"]
                    .contains { lower.contains($0) }
                if unsupported { return .unsupported("\(endpoint) does not support debug_traceTransaction (\(message))") }
            }
            if case let .httpStatus(endpoint, status) = error, [401, 403, 404, 405].contains(status) {
                return .unsupported("\(endpoint) refuses debug_traceTransaction (HTTP \(status))")
            }
            return .failed("\(error)")
        }
    }

    // MARK: Rendering

    public func describe(_ report: TransactionReport) -> [String] {
        var lines = [
            "transaction       \(report.hash.hex)",
            "from              \(known.describe(report.from))",
            "to                \(report.to.map(known.describe) ?? "none (contract creation)")",
            "nonce             \(report.nonce)",
            "value             \(report.value) wei (\(EtherAmount.ether(fromWei: report.value)) ETH)",
            "gas limit         \(report.gasLimit)",
            "input             \(report.decodedCall ?? Hex.encode(report.input.prefix(4)) + (report.input.count > 4 ? "… (\(report.input.count) bytes)" : ""))",
        ]
        guard let receipt = report.receipt else {
            lines.append("status            pending (not mined yet)")
            return lines
        }
        lines.append("status            \(receipt.succeeded ? "success" : "reverted")")
        if let reason = report.revertReason { lines.append("revert reason     \(reason)") }
        lines.append("block             \(receipt.blockNumber) (\(receipt.blockHash.hex))")
        if let created = receipt.contractAddress { lines.append("contract created  \(created.checksummed)") }
        lines.append("gas used          \(receipt.gasUsed)")
        lines.append("events            \(receipt.logs.count)")
        for log in receipt.logs { lines.append("  [\(log.logIndex)] \(ChainLog(log, known: known).summary)") }
        switch report.trace {
        case .frames(let root):
            lines.append("call trace (debug_traceTransaction, callTracer):")
            appendFrame(root, depth: 1, to: &lines)
        case .unsupported(let reason):
            lines.append("call trace        not available: \(reason)")
        case .failed(let reason):
            lines.append("call trace        failed: \(reason)")
        case .notMined:
            break
        }
        return lines
    }

    private func appendFrame(_ frame: TransactionReport.CallFrame, depth: Int, to lines: inout [String]) {
        var line = String(repeating: "  ", count: depth) + frame.type
        line += " \(frame.from.map(known.describe) ?? "?") -> \(frame.to.map(known.describe) ?? "?")"
        if let value = frame.value, !value.isZero { line += " value \(value) wei" }
        if !frame.input.isEmpty { line += " " + (known.describeCall(frame.input) ?? Hex.encode(frame.input.prefix(4))) }
        if let gas = frame.gasUsed { line += " [gas \(gas)]" }
        if let error = frame.error {
            line += " FAILED: " + (frame.output.isEmpty ? error : known.revertReason(frame.output))
        }
        lines.append(line)
        for call in frame.calls { appendFrame(call, depth: depth + 1, to: &lines) }
    }

    public func json(_ report: TransactionReport) -> JSONValue {
        var object: [String: JSONValue] = [
            "hash": .string(report.hash.hex), "from": .string(report.from.checksummed),
            "to": report.to.map { .string($0.checksummed) } ?? .null, "nonce": .number(Double(report.nonce)),
            "value": .string(String(report.value)), "gas": .number(Double(report.gasLimit)), "input": .string(Hex.encode(report.input)),
            "call": report.decodedCall.map(JSONValue.string) ?? .null,
            "status": .string(report.receipt.map { $0.succeeded ? "success" : "reverted" } ?? "pending"),
            "revertReason": report.revertReason.map(JSONValue.string) ?? .null,
            "receipt": report.receipt.map(json) ?? .null,
        ]
        switch report.trace {
        case .frames(let root): object["trace"] = frameJSON(root)
        case .unsupported(let reason): object["trace"] = ["supported": false, "reason": .string(reason)]
        case .failed(let reason): object["trace"] = ["supported": true, "error": .string(reason)]
        case .notMined: object["trace"] = .null
        }
        return .object(object)
    }

    private func frameJSON(_ frame: TransactionReport.CallFrame) -> JSONValue {
        var object: [String: JSONValue] = [
            "type": .string(frame.type), "from": frame.from.map { .string($0.checksummed) } ?? .null,
            "to": frame.to.map { .string($0.checksummed) } ?? .null, "input": .string(Hex.encode(frame.input)),
            "call": known.describeCall(frame.input).map(JSONValue.string) ?? .null,
            "calls": .array(frame.calls.map(frameJSON)),
        ]
        if let gas = frame.gasUsed { object["gasUsed"] = .number(Double(gas)) }
        if let error = frame.error {
            object["error"] = .string(error)
            if !frame.output.isEmpty { object["revertReason"] = .string(known.revertReason(frame.output)) }
        }
        return .object(object)
    }
}
