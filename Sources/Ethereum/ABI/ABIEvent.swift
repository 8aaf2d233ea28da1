/// A contract event: its topic0 and the decoding of logs it emits.
///
/// Indexed parameters come from topics 1…3, the rest from the log data. An indexed
/// parameter of a dynamic type (`string`, `bytes`, arrays, tuples) is stored by the
/// EVM as the keccak256 of its encoding, so it decodes as `.fixedBytes` of that hash.
///
/// ```swift
/// let transfer = try ABIEvent("Transfer(address indexed from, address indexed to, uint256 value)")
/// transfer.topic0   // 0xddf252ad…
/// let values = try transfer.decodeLog(topics: log.topics, data: log.data)
/// values[2].uint    // the amount
/// ```
public struct ABIEvent: Hashable, Sendable {
    public var name: String
    public var inputs: [ABIParameter]
    /// Anonymous events have no topic0.
    public var isAnonymous: Bool

    public init(name: String, inputs: [ABIParameter], isAnonymous: Bool = false) {
        self.name = name
        self.inputs = inputs
        self.isAnonymous = isAnonymous
    }

    /// Parses `[event] Name(type [indexed] [name], …) [anonymous]`.
    public init(_ signature: String) throws(ABIError) {
        var parser = ABISignatureParser(signature, allowsNames: true)
        let parsed = try parser.parseSignature()
        guard parsed.outputs.isEmpty else { throw .invalidSignature(signature, reason: "events have no outputs") }
        self.init(name: parsed.name, inputs: parsed.inputs, isAnonymous: parsed.anonymous)
    }

    /// The canonical signature, e.g. `Transfer(address,address,uint256)`.
    public var signature: String { canonicalSignature(name, inputs) }

    /// keccak256(``signature``): the first topic of every non-anonymous log.
    public var topic0: Bytes32 { Keccak256.hash(Array(signature.utf8)) }

    /// The parameter values, in declaration order, of a log with `topics` and `data`.
    public func decodeLog(topics: [Bytes32], data: [UInt8]) throws(ABIError) -> [ABIValue] {
        try decodeLog(topics: topics, data: data, topic0: isAnonymous ? .zero : topic0)
    }

    /// ``decodeLog(topics:data:)`` with this event's ``topic0`` computed once
    /// by the caller (the property hashes the signature on every use).
    public func decodeLog(topics: [Bytes32], data: [UInt8], topic0 expectedTopic0: Bytes32) throws(ABIError) -> [ABIValue] {
        var indexedCount = 0
        var dataTypes: [ABIType] = []
        dataTypes.reserveCapacity(inputs.count)
        for input in inputs {
            if input.isIndexed { indexedCount += 1 } else { dataTypes.append(input.type) }
        }
        let expectedTopics = indexedCount + (isAnonymous ? 0 : 1)
        guard topics.count == expectedTopics else {
            throw .topicCountMismatch(expected: expectedTopics, actual: topics.count)
        }
        if !isAnonymous, topics[0] != expectedTopic0 {
            throw .topicMismatch(expected: expectedTopic0, actual: topics[0])
        }
        let dataValues = try ABI.decode(data, as: dataTypes)
        var nextTopic = isAnonymous ? 0 : 1
        var nextData = 0
        var values: [ABIValue] = []
        values.reserveCapacity(inputs.count)
        for input in inputs {
            if input.isIndexed {
                let topic = topics[nextTopic]
                nextTopic += 1
                if Self.isHashedWhenIndexed(input.type) {
                    values.append(.fixedBytes(topic.bytes))
                } else {
                    values.append(try ABIDecoder(data: topic.bytes).decode(input.type, at: 0))
                }
            } else {
                values.append(dataValues[nextData])
                nextData += 1
            }
        }
        return values
    }

    /// The topics and data of the log this event emits with `values` (for fakes and tests).
    public func encodeLog(_ values: [ABIValue]) throws(ABIError) -> (topics: [Bytes32], data: [UInt8]) {
        guard values.count == inputs.count else {
            throw .valueCountMismatch(expected: inputs.count, actual: values.count)
        }
        var topics = isAnonymous ? [] : [topic0]
        var dataValues: [ABIValue] = []
        var dataTypes: [ABIType] = []
        for (input, value) in zip(inputs, values) {
            if input.isIndexed {
                if Self.isHashedWhenIndexed(input.type) {
                    var encoded: [UInt8] = []
                    try Self.appendTopicEncoding(value, as: input.type, to: &encoded)
                    topics.append(Keccak256.hash(encoded))
                } else {
                    topics.append(Bytes32(unchecked: try ABI.encode([value], as: [input.type])))
                }
            } else {
                dataValues.append(value)
                dataTypes.append(input.type)
            }
        }
        return (topics, try ABI.encode(dataValues, as: dataTypes))
    }

    /// Whether an indexed parameter of `type` is stored as a hash rather than a value.
    public static func isHashedWhenIndexed(_ type: ABIType) -> Bool {
        switch type {
        case .bytes, .string, .array, .fixedArray, .tuple: true
        default: false
        }
    }

    /// Solidity's in-place encoding for hashed topics: bytes and strings unpadded at top
    /// level, every element padded to 32 bytes inside arrays and structs, no lengths.
    private static func appendTopicEncoding(_ value: ABIValue, as type: ABIType, to out: inout [UInt8]) throws(ABIError) {
        switch (type, value) {
        case (.bytes, .bytes(let bytes)):
            out += bytes
        case (.string, .string(let text)):
            out += Array(text.utf8)
        case (.array(let element), .array(let elements)):
            for item in elements { try appendPaddedTopicEncoding(item, as: element, to: &out) }
        case (.fixedArray(let element, let count), .array(let elements)):
            guard count == elements.count else { throw .valueCountMismatch(expected: count, actual: elements.count) }
            for item in elements { try appendPaddedTopicEncoding(item, as: element, to: &out) }
        case (.tuple(let components), .tuple(let values)):
            guard components.count == values.count else {
                throw .valueCountMismatch(expected: components.count, actual: values.count)
            }
            for (component, value) in zip(components, values) { try appendPaddedTopicEncoding(value, as: component, to: &out) }
        default:
            out += try ABI.encode([value], as: [type])
        }
    }

    private static func appendPaddedTopicEncoding(_ value: ABIValue, as type: ABIType, to out: inout [UInt8]) throws(ABIError) {
        let start = out.count
        try appendTopicEncoding(value, as: type, to: &out)
        let remainder = (out.count - start) % 32
        if remainder != 0 { out += [UInt8](repeating: 0, count: 32 - remainder) }
    }
}
