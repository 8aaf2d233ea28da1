import Ethereum
import EthereumRPC
import Takumi

/// One log as `takumi chain logs|receipt|tx` shows it: decoded with the
/// indexer's decoder (``TakumiEvent/decode(topics:data:)``) when its topic0
/// is a Takumi event, raw otherwise. A known topic0 whose payload does not
/// fit is kept raw with the reason, never dropped (as the indexer does).
public struct ChainLog: Sendable {
    public var log: RPCLog
    /// The manifest's name of the emitting contract, nil for other addresses.
    public var contract: String?
    public var event: TakumiEvent?
    /// Why a log with a Takumi topic0 could not be decoded.
    public var decodeError: String?

    public init(_ log: RPCLog, known: KnownContracts?) {
        self.log = log
        contract = known?.contractName(at: log.address)
        do { event = try TakumiEvent.decode(topics: log.topics, data: log.data) } catch {
            decodeError = "\(error)"
        }
    }

    /// `SkillProfile.SkillAdded(skillId=7, owner=0x…, name="Vyper", category="engineering")`,
    /// or the raw topics and data.
    public var summary: String {
        let emitter = contract ?? log.address.checksummed
        guard let event else {
            let topics = log.topics.map(\.hex).joined(separator: ", ")
            let note = decodeError.map { " (undecodable: \($0))" } ?? ""
            return "\(emitter) raw log topics=[\(topics)] data=\(Hex.encode(log.data))\(note)"
        }
        let values = event.payload.abiValues
        let arguments = zip(event.abi.inputs, values).map { parameter, value in
            var text = value.displayText
            if parameter.name == "role", let role = value.bytes32, let known = TakumiRole(id: role) { text = known.name }
            return "\(parameter.name ?? "")=\(text)"
        }
        return "\(emitter).\(event.name)(\(arguments.joined(separator: ", ")))"
    }

    /// One line for `takumi chain logs`: where, then ``summary``.
    public var line: String {
        "block \(log.blockNumber) tx \(log.transactionHash.hex) log \(log.logIndex)\(log.removed ? " REMOVED" : "") \(summary)"
    }

    /// One JSON object (`--json`): block, transaction, log index, address,
    /// contract, event and its arguments as text (raw topics and data too, so
    /// the evidence can be re-decoded by anyone).
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "blockNumber": .number(Double(log.blockNumber)),
            "blockHash": .string(log.blockHash.hex),
            "transactionHash": .string(log.transactionHash.hex),
            "transactionIndex": .number(Double(log.transactionIndex)),
            "logIndex": .number(Double(log.logIndex)),
            "address": .string(log.address.checksummed),
            "contract": contract.map(JSONValue.string) ?? .null,
            "event": event.map { .string($0.name) } ?? .null,
            "topics": .array(log.topics.map { .string($0.hex) }),
            "data": .string(Hex.encode(log.data)),
            "removed": .bool(log.removed),
        ]
        if let event {
            object["args"] = .object(Dictionary(event.arguments.map { ($0.name, JSONValue.string($0.value)) }, uniquingKeysWith: { first, _ in first }))
        }
        if let decodeError { object["decodeError"] = .string(decodeError) }
        return .object(object)
    }
}

/// Which logs `takumi chain logs` reads.
public struct LogQuery: Sendable {
    public var addresses: [Address]
    public var fromBlock: UInt64
    /// nil: up to the head at the time of the request.
    public var toBlock: UInt64?
    /// topic0 alternatives (`--event`); empty = every event.
    public var eventTopics: [Bytes32]

    public init(addresses: [Address], fromBlock: UInt64, toBlock: UInt64? = nil, eventTopics: [Bytes32] = []) {
        self.addresses = addresses
        self.fromBlock = fromBlock
        self.toBlock = toBlock
        self.eventTopics = eventTopics
    }

    var topics: [[Bytes32]?] { eventTopics.isEmpty ? [] : [eventTopics] }

    /// The topic0 of `--event NAME`: a Takumi event name (`SkillAdded`), or
    /// any full event signature (`Transfer(address,address,uint256)`).
    public static func eventTopic(_ name: String) throws(OperationsError) -> Bytes32 {
        if let event = TakumiEvent.allEvents.first(where: { $0.name == name }) { return event.topic0 }
        if name.contains("(") {
            do { return try ABIEvent(name).topic0 } catch { throw .badInput("--event '\(name)' is not an event signature: \(error)") }
        }
        let names = TakumiEvent.allEvents.map(\.name).sorted().joined(separator: ", ")
        throw .badInput("--event '\(name)' is not a Takumi event (\(names)); give a full signature like 'Transfer(address,address,uint256)' for others")
    }
}
