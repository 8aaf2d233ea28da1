import BigInt
import Ethereum
import Testing

/// The ABI codec against eth-abi (strict decoding) over random type trees, and
/// selectors and topics against eth-utils. Seeded: TAKUMI_DIFF_SEED=<n> replays a run.
@Suite("Differential: ABI", .serialized)
struct ABIDifferentialTests {
    static let cases = 1_000

    @Test("encodings of random type trees match eth-abi and decode back")
    func encodeAndDecode() async throws {
        let oracle = try await PythonOracle.get()
        var random = SeededGenerator(for: "abi")
        let samples = (0..<Self.cases).map { _ in random.abiSample() }
        let answers = try await oracle.callBatched(samples.map { sample in
            [
                "op": "abi_encode", "types": .array(sample.types.map { .string($0.canonicalName) }),
                "values": .array(zip(sample.values, sample.types).map { $0.json(as: $1) }),
            ]
        })
        for (sample, answer) in zip(samples, answers) {
            let label = sample.types.map(\.canonicalName).joined(separator: ",")
            let expected = try #require(try answer.get().string, "eth-abi refused (\(label))")
            let encoded = try ABI.encode(sample.values, as: sample.types)
            #expect(Hex.encode(encoded) == expected, "(\(label))")
            #expect(try ABI.decode(Hex.decode(expected), as: sample.types) == sample.values, "(\(label))")
        }
        print("abi encode/decode: \(samples.count) random type trees agree with eth-abi")
    }

    @Test("damaged encodings decode, or are rejected, exactly as eth-abi does")
    func garbage() async throws {
        let oracle = try await PythonOracle.get()
        var random = SeededGenerator(for: "abi-garbage")
        var inputs: [(types: [ABIType], data: [UInt8])] = []
        for _ in 0..<Self.cases {
            let sample = random.abiSample()
            let encoded = (try? ABI.encode(sample.values, as: sample.types)) ?? []
            inputs.append((sample.types, random.damaged(encoded)))
        }
        let answers = try await oracle.callBatched(inputs.map { input in
            [
                "op": "abi_decode", "types": .array(input.types.map { .string($0.canonicalName) }),
                "data": .string(Hex.encode(input.data)),
            ]
        })
        var rejected = 0, stricter = 0
        for (input, answer) in zip(inputs, answers) {
            let label = "(\(input.types.map(\.canonicalName).joined(separator: ","))) \(Hex.encode(input.data))"
            let ours = Result { () throws(ABIError) in try ABI.decode(input.data, as: input.types) }
            switch (ours, answer) {
            case (.success(let values), .success(let theirs)):
                #expect(JSON.array(zip(values, input.types).map { $0.json(as: $1) }) == theirs, "\(label)")
            case (.failure, .failure):
                rejected += 1
            case (.failure(.offsetOutOfBounds), .success) where input.types.contains(where: \.headIsUndercountedByEthABI)
                || ABIType.tuple(input.types).headIsUndercountedByEthABI:
                // Stricter by design: eth-abi 6 counts a static tuple or nested static array as
                // one head word when checking that tails start after the head, so it accepts
                // offsets into the rest of the head (overlapping data). We refuse them.
                stricter += 1
            case (.success, .failure(let theirs)):
                Issue.record("we accept \(label); eth-abi rejects: \(theirs)")
            case (.failure(let ours), .success):
                Issue.record("we reject \(label) (\(ours)); eth-abi accepts")
            }
        }
        print("abi garbage: \(inputs.count) cases agree with eth-abi (\(rejected) rejected by both, \(stricter) only by our exact head bound)")
    }

    @Test("function selectors and event topics match eth-utils")
    func selectorsAndTopics() async throws {
        let oracle = try await PythonOracle.get()
        var random = SeededGenerator(for: "abi-selectors")
        let signatures = (0..<Self.cases).map { index in
            let types = (0..<Int.random(in: 0...4, using: &random)).map { _ in random.abiType(depth: 1) }
            return "f\(index)_\(random.text(maximumLength: 0))(\(types.map(\.canonicalName).joined(separator: ",")))"
        }
        let answers = try await oracle.callBatched(signatures.flatMap { signature -> [JSON] in
            [["op": "selector", "signature": .string(signature)], ["op": "topic", "signature": .string(signature)]]
        })
        for (index, signature) in signatures.enumerated() {
            let function = try ABIFunction(signature)
            #expect(function.signature == signature)
            #expect(Hex.encode(function.selector) == (try answers[2 * index].get().string))
            #expect(try ABIEvent(signature).topic0.hex == (try answers[2 * index + 1].get().string))
            // The parsed types print back canonically, so selectors are stable under re-parsing.
            for parameter in function.inputs {
                #expect(try ABIType(parameter.type.canonicalName) == parameter.type)
            }
        }
        print("abi selectors/topics: \(signatures.count) signatures agree with eth-utils")
    }
}

extension ABIType {
    /// Whether this type, or one nested in it, is a tuple with dynamic members whose head
    /// eth-abi's pointer check undercounts (it counts each static member as one word,
    /// or `k` words for a static `T[k]`, whatever the member's real size).
    var headIsUndercountedByEthABI: Bool {
        switch self {
        case .array(let element), .fixedArray(let element, _):
            return element.headIsUndercountedByEthABI
        case .tuple(let components):
            let estimate = components.reduce(0) { sum, component in
                if case .fixedArray(_, let count) = component, !component.isDynamic { return sum + 32 * count }
                return sum + 32
            }
            let exact = components.reduce(0) { $0 + $1.headSize }
            return (isDynamic && estimate < exact) || components.contains(where: \.headIsUndercountedByEthABI)
        default:
            return false
        }
    }

    var headSize: Int {
        isDynamic ? 32 : (try? ABI.encode([SeededGenerator.zeroValue(self)], as: [self]).count) ?? 32
    }
}

extension SeededGenerator {
    /// The all-zero value of a static type (to measure its encoded size).
    static func zeroValue(_ type: ABIType) -> ABIValue {
        switch type {
        case .uint: .uint(0)
        case .int: .int(0)
        case .address: .address(.zero)
        case .bool: .bool(false)
        case .fixedBytes(let count): .fixedBytes([UInt8](repeating: 0, count: count))
        case .bytes: .bytes([])
        case .string: .string("")
        case .array: .array([])
        case .fixedArray(let element, let count): .array(Array(repeating: zeroValue(element), count: count))
        case .tuple(let components): .tuple(components.map(zeroValue))
        }
    }

    mutating func abiSample() -> (types: [ABIType], values: [ABIValue]) {
        let types = (0..<Int.random(in: 1...4, using: &self)).map { _ in abiType() }
        return (types, types.map { abiValue($0) })
    }

    /// An encoding with one flaw: a changed byte or word, truncation, extra bytes,
    /// a hostile offset or length, or nothing at all.
    mutating func damaged(_ data: [UInt8]) -> [UInt8] {
        var data = data
        let words = data.count / 32
        switch Int.random(in: 0..<8, using: &self) {
        case 0 where !data.isEmpty:
            data[Int.random(in: 0..<data.count, using: &self)] ^= UInt8.random(in: 1...255, using: &self)
        case 1 where !data.isEmpty:
            data.removeLast(Int.random(in: 1...min(data.count, 40), using: &self))
        case 2:
            data += bytes(Int.random(in: 1...64, using: &self))
        case 3 where words > 0:
            // A word becomes a small number: an offset or length pointing somewhere else.
            let word = Int.random(in: 0..<words, using: &self)
            let value = UInt64.random(in: 0...UInt64(data.count + 64), using: &self)
            var replacement = [UInt8](repeating: 0, count: 24)
            for shift in stride(from: 56, through: 0, by: -8) { replacement.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
            data.replaceSubrange((word * 32)..<(word * 32 + 32), with: replacement)
        case 4 where words > 0:
            // A word becomes huge: lengths and offsets that overflow Int.
            let word = Int.random(in: 0..<words, using: &self)
            data.replaceSubrange((word * 32)..<(word * 32 + 8), with: [UInt8](repeating: 0xFF, count: 8))
        case 5:
            data = bytes(Int.random(in: 0...4, using: &self) * 32)
        default:
            break
        }
        return data
    }
}
