import Ethereum

/// `eth_getLogs` over a range of any size: when a provider refuses the range
/// ("query returned more than 10000 results", "block range is too wide", …)
/// the range is split — to the provider's suggestion when it gives one,
/// otherwise in half — down to a single block. Errors that are not about the
/// range are thrown as they are; a single block that still fails is thrown too,
/// so the loop always ends. `topics` filters as in ``logsInRange(addresses:from:to:topics:)``
/// (`takumi chain logs --event`); the indexer asks for every topic.
extension EthereumClient {
    public func logs(addresses: [Address], from: UInt64, to: UInt64) async throws(RPCError) -> [RPCLog] {
        try await logs(addresses: addresses, from: from, to: to, topics: [])
    }

    public func logs(addresses: [Address], from: UInt64, to: UInt64, topics: [[Bytes32]?]) async throws(RPCError) -> [RPCLog] {
        guard from <= to else { return [] }
        var pending: [ClosedRange<UInt64>] = [from...to]
        var logs: [RPCLog] = []
        while let range = pending.popLast() {
            do {
                logs += try await logsInRange(addresses: addresses, from: range.lowerBound, to: range.upperBound, topics: topics)
            } catch {
                guard LogRangeLimit.isRangeError(error), range.count > 1 else { throw error }
                let split = LogRangeLimit.split(range, after: error)
                // Ranges are popped from the end: push the later part first.
                pending.append(contentsOf: split.reversed())
            }
        }
        return logs
    }
}

/// Recognises the common providers' "range too large / too many results"
/// answers and their suggested ranges.
public enum LogRangeLimit {
    static let phrases = [
        "query returned more than", "more than 10000 results", "response size exceeded", "response size should not",
        "block range", "range too large", "range is too large", "range is too wide", "exceed maximum block range",
        "limited to a", "too many blocks", "log response size exceeded", "query timeout exceeded", "returned too many",
        "max results", "please limit the query", "requested too many", "range limit",
    ]

    public static func isRangeError(_ error: RPCError) -> Bool {
        guard case let .server(_, _, message, _) = error else { return false }
        return isRangeMessage(message)
    }

    static func isRangeMessage(_ message: String) -> Bool {
        let lower = message.lowercased()
        return phrases.contains { lower.contains($0) }
    }

    /// The next ranges to try: the provider's suggestion when it names one
    /// inside `range` (Infura/Alchemy: "… [0x1, 0x7cf]"), else two halves.
    public static func split(_ range: ClosedRange<UInt64>, after error: RPCError) -> [ClosedRange<UInt64>] {
        if case let .server(_, _, message, _) = error, let suggested = suggestedRange(in: message),
           suggested.lowerBound == range.lowerBound, suggested.upperBound < range.upperBound {
            return [suggested, (suggested.upperBound + 1)...range.upperBound]
        }
        let middle = range.lowerBound + (range.upperBound - range.lowerBound) / 2
        return [range.lowerBound...middle, (middle + 1)...range.upperBound]
    }

    /// "[0x1, 0x7cf]" or "[1, 1999]" in a provider's message.
    static func suggestedRange(in message: String) -> ClosedRange<UInt64>? {
        guard let open = message.lastIndex(of: "["), let close = message[open...].firstIndex(of: "]") else { return nil }
        let parts = message[message.index(after: open)..<close].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 else { return nil }
        func number(_ text: String) -> UInt64? {
            text.hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text)
        }
        guard let low = number(parts[0]), let high = number(parts[1]), low <= high else { return nil }
        return low...high
    }
}
