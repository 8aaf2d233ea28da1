import Ethereum

/// A typed Takumi contract event: one struct per ABI event (nested in
/// ``TakumiEvent``), decodable from a log and encodable back into one. The ABI
/// (names, types, indexed flags) comes from the contract's ABI table.
///
/// ```swift
/// let added = TakumiEvent.SkillAdded(skillId: 7, owner: owner, name: "Vyper", category: "engineering")
/// let log = try added.encodeLog()
/// try TakumiEvent.SkillAdded(topics: log.topics, data: log.data) == added // true
/// ```
public protocol ContractEvent: Sendable, Hashable {
    /// The event's ABI: its name, parameters and topic0.
    static var abi: ABIEvent { get }
    /// The event from its parameter values in declaration order (as `ABIEvent.decodeLog` returns them).
    init(abiValues: [ABIValue]) throws(ContractBindingError)
    /// The parameter values in declaration order (as `ABIEvent.encodeLog` takes them).
    var abiValues: [ABIValue] { get }
}

extension ContractEvent {
    /// Decodes a log of this event; a log that does not fit the ABI is ``ContractBindingError/malformedLog(event:_:)``.
    public init(topics: [Bytes32], data: [UInt8]) throws(ContractBindingError) {
        try self.init(topics: topics, data: data, topic0: Self.abi.topic0)
    }

    /// ``init(topics:data:)`` with the ABI's topic0 computed once by the caller.
    init(topics: [Bytes32], data: [UInt8], topic0: Bytes32) throws(ContractBindingError) {
        let abi = Self.abi
        let values: [ABIValue]
        do { values = try abi.decodeLog(topics: topics, data: data, topic0: topic0) } catch {
            throw .malformedLog(event: abi.name, error)
        }
        try self.init(abiValues: values)
    }

    /// The topics and data of the log the contract emits for this event (for fakes and tests).
    public func encodeLog() throws(ContractBindingError) -> (topics: [Bytes32], data: [UInt8]) {
        do { return try Self.abi.encodeLog(abiValues) } catch {
            throw .encodingFailed(function: Self.abi.name, error)
        }
    }

    /// Each parameter's name and its one-line text (`ABIValue.text`: EIP-55
    /// addresses, decimal integers, 0x-hex bytes), in declaration order.
    public var arguments: [EventArgument] {
        zip(Self.abi.inputs, abiValues).map { parameter, value in
            EventArgument(name: parameter.name ?? "", value: value.text)
        }
    }

    /// ``arguments`` as ``EventArgument/jsonObject(_:)`` writes them, without
    /// the intermediate array (the indexer writes one for every event it stores).
    var argumentsJSON: String {
        let inputs = Self.abi.inputs
        let values = abiValues
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(256)
        for (index, (parameter, value)) in zip(inputs, values).enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            EventArgument.appendJSONString(parameter.name ?? "", to: &out)
            out.append(UInt8(ascii: ":"))
            EventArgument.appendJSONString(value.text, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// A reader over `values` that names fields after this event's parameters.
    static func fields(_ values: [ABIValue]) -> ABIFields {
        ABIFields(values, parameters: abi.inputs, context: abi.name)
    }
}

/// One argument of a decoded event as text: what the indexer stores in
/// `chain_events` and the CLI prints.
///
/// ```swift
/// EventArgument(name: "skillId", value: "7")
/// ```
public struct EventArgument: Sendable, Hashable, Codable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
