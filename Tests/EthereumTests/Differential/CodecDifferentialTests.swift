import BigInt
import Ethereum
import Testing

/// Keccak, EIP-55 and RLP against eth-hash, eth-utils and pyrlp (see oracle.py).
/// Seeded: TAKUMI_DIFF_SEED=<n> replays a run.
@Suite("Differential: keccak, EIP-55, RLP", .serialized)
struct CodecDifferentialTests {
    static let cases = 1_000

    @Test("keccak256 matches eth-hash, one-shot and incremental")
    func keccak() async throws {
        let oracle = try await PythonOracle.get()
        var random = SeededGenerator(for: "keccak")
        let inputs = (0..<Self.cases).map { _ in
            random.bytes(random.length(upTo: 700, edges: [0, 1, 135, 136, 137, 271, 272, 273, 544]))
        }
        let answers = try await oracle.callBatched(inputs.map { ["op": "keccak", "data": .string(Hex.encode($0))] })
        for (input, answer) in zip(inputs, answers) {
            let expected = try answer.get().string
            #expect(Keccak256.hash(input).hex == expected, "input \(Hex.encode(input))")
            var hasher = Keccak256()
            var rest = input[...]
            while !rest.isEmpty {
                let take = Int.random(in: 1...max(1, rest.count), using: &random)
                hasher.update(rest.prefix(take))
                rest = rest.dropFirst(take)
            }
            #expect(hasher.finalize().hex == expected, "incremental, input \(Hex.encode(input))")
        }
        print("keccak: \(inputs.count) cases agree with eth-hash")
    }

    @Test("EIP-55 checksums match eth-utils; wrong mixed case is rejected")
    func checksums() async throws {
        let oracle = try await PythonOracle.get()
        var random = SeededGenerator(for: "eip55")
        let addresses = (0..<Self.cases).map { _ in random.address() }
        let answers = try await oracle.callBatched(addresses.map { ["op": "checksum", "address": .string($0.lowercased)] })
        for (address, answer) in zip(addresses, answers) {
            let checksummed = try #require(try answer.get().string)
            #expect(address.checksummed == checksummed)
            #expect(try Address(checksummed) == address)
            #expect(try Address(checksummed: checksummed) == address)
            #expect(try Address(address.lowercased) == address)
            #expect(try Address("0x" + address.lowercased.dropFirst(2).uppercased()) == address)
            // Flip the case of one letter: mixed case with a wrong checksum must fail.
            var characters = Array(checksummed)
            if let index = characters.indices.dropFirst(2).filter({ characters[$0].isLetter }).randomElement(using: &random) {
                characters[index] = characters[index].isUppercase
                    ? Character(characters[index].lowercased()) : Character(characters[index].uppercased())
                let tampered = String(characters)
                let isMixed = tampered.dropFirst(2).contains(where: \.isUppercase) && tampered.dropFirst(2).contains(where: \.isLowercase)
                if isMixed {
                    #expect(throws: AddressError.self) { try Address(tampered) }
                }
                #expect(throws: AddressError.self) { try Address(checksummed: tampered) }
            }
        }
        print("eip55: \(addresses.count) cases agree with eth-utils")
    }

    @Test("RLP encodings match pyrlp and decode back")
    func rlpRoundTrip() async throws {
        let oracle = try await PythonOracle.get()
        var random = SeededGenerator(for: "rlp")
        let items = (0..<Self.cases).map { _ in random.rlpItem() }
        let answers = try await oracle.callBatched(items.map { ["op": "rlp_encode", "item": $0.json] })
        for (item, answer) in zip(items, answers) {
            let expected = try #require(try answer.get().string)
            let encoded = RLP.encode(item)
            #expect(Hex.encode(encoded) == expected)
            #expect(try RLP.decode(encoded) == item)
        }
        print("rlp encode/decode: \(items.count) cases agree with pyrlp")
    }

    @Test("RLP garbage: accepted or rejected exactly as pyrlp (strict) does")
    func rlpGarbage() async throws {
        let oracle = try await PythonOracle.get()
        var random = SeededGenerator(for: "rlp-garbage")
        let inputs = (0..<Self.cases).map { _ in random.mutatedRLP() }
        let answers = try await oracle.callBatched(inputs.map { ["op": "rlp_decode", "data": .string(Hex.encode($0))] })
        var rejected = 0
        for (input, answer) in zip(inputs, answers) {
            let ours = Result { () throws(RLPError) in try RLP.decode(input) }
            switch (ours, answer) {
            case (.success(let item), .success(let theirs)):
                #expect(item.json == theirs, "input \(Hex.encode(input))")
            case (.failure, .failure):
                rejected += 1
            case (.success(let item), .failure(let theirs)):
                Issue.record("we accept \(Hex.encode(input)) as \(item), pyrlp rejects: \(theirs)")
            case (.failure(let ours), .success(let theirs)):
                Issue.record("we reject \(Hex.encode(input)) (\(ours)), pyrlp accepts: \(theirs)")
            }
        }
        print("rlp garbage: \(inputs.count) cases agree with pyrlp (\(rejected) rejected by both)")
    }
}

extension SeededGenerator {
    /// A valid encoding damaged in one of the ways a strict decoder must notice, or not.
    mutating func mutatedRLP() -> [UInt8] {
        var bytes = RLP.encode(rlpItem())
        switch Int.random(in: 0..<8, using: &self) {
        case 0 where !bytes.isEmpty:
            bytes[Int.random(in: 0..<bytes.count, using: &self)] = UInt8.random(in: .min ... .max, using: &self)
        case 1 where !bytes.isEmpty:
            bytes.removeLast(Int.random(in: 1...bytes.count, using: &self))
        case 2:
            bytes += self.bytes(Int.random(in: 1...3, using: &self))
        case 3:
            let byte = UInt8.random(in: 0..<0x80, using: &self)
            bytes = [0x81, byte] // single byte wrapped in a string header
        case 4:
            let payload = self.bytes(Int.random(in: 0...60, using: &self))
            bytes = [0xB8, UInt8(payload.count)] + payload // long form, maybe for a short length
        case 5:
            let payload = self.bytes(Int.random(in: 56...70, using: &self))
            bytes = [0xB9, 0x00, UInt8(payload.count)] + payload // leading zero in the length
        case 6:
            bytes = self.bytes(Int.random(in: 0...12, using: &self))
        default:
            break // unchanged: must be accepted by both
        }
        return bytes
    }
}
