import BigInt
import Ethereum
import Testing

@Suite("Keccak-256")
struct KeccakTests {
    @Test("known digests", arguments: [
        ("", "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"),
        ("abc", "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"),
        ("transfer(address,uint256)", "0xa9059cbb2ab09eb219583f4a59a5d0623ade346d962bcd4e46b11da047c9049b"),
        ("Transfer(address,address,uint256)", "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"),
    ])
    func knownDigests(input: String, digest: String) {
        #expect(Keccak256.hash(Array(input.utf8)).hex == digest)
    }

    @Test("incremental hashing equals one-shot across block boundaries")
    func incremental() {
        let input = (0..<700).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        for length in [0, 1, 135, 136, 137, 271, 272, 273, 699] {
            let expected = Keccak256.hash(input.prefix(length))
            for chunk in [1, 7, 136, 200] {
                var hasher = Keccak256()
                var offset = 0
                while offset < length {
                    hasher.update(input[offset..<min(offset + chunk, length)])
                    offset += chunk
                }
                #expect(hasher.finalize() == expected, "length \(length), chunk \(chunk)")
            }
        }
    }
}

@Suite("Hex")
struct HexTests {
    @Test("round trip and either case")
    func roundTrip() throws {
        #expect(try Hex.decode("0xDeadBEEF") == [0xDE, 0xAD, 0xBE, 0xEF])
        #expect(Hex.encode([0xDE, 0xAD, 0xBE, 0xEF]) == "0xdeadbeef")
        #expect(try Hex.decode("0x") == [])
        #expect(try Hex.decode("abcd", prefix: .optional) == [0xAB, 0xCD])
    }

    @Test("strict errors")
    func errors() {
        #expect(throws: HexError.missingPrefix) { try Hex.decode("deadbeef") }
        #expect(throws: HexError.oddLength(digits: 3)) { try Hex.decode("0xabc") }
        #expect(throws: HexError.invalidCharacter(offset: 3)) { try Hex.decode("0xag") }
        #expect(throws: HexError.wrongByteCount(expected: 32, actual: 2)) { try Bytes32(hex: "0xabcd") }
    }

    @Test("JSON-RPC quantities")
    func quantities() throws {
        #expect(try Hex.decodeQuantity("0x0") == 0)
        #expect(try Hex.decodeQuantity("0x1b4") == 436)
        #expect(try Hex.decodeQuantity("0x" + String(repeating: "f", count: 64)) == (BigUInt(1) << 256) - 1)
        #expect(Hex.encodeQuantity(436) == "0x1b4")
        #expect(Hex.encodeQuantity(BigUInt(0)) == "0x0")
        #expect(throws: HexError.emptyQuantity) { try Hex.decodeQuantity("0x") }
        #expect(throws: HexError.leadingZeroInQuantity) { try Hex.decodeQuantity("0x01") }
    }
}

@Suite("Address (EIP-55)")
struct AddressTests {
    /// The test vectors of EIP-55: all-caps and all-lower ones are their own checksums.
    @Test("EIP-55 examples render and parse", arguments: [
        "0x52908400098527886E0F7030069857D2E4169EE7", "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
        "0xde709f2102306220921060314715629080e2fb77", "0x27b1fdb04752bbc536007a920d24acb045561c26",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ])
    func eip55(example: String) throws {
        let address = try Address(example.lowercased().replacingOccurrences(of: "0X", with: "0x"))
        #expect(address.checksummed == example)
        #expect(try Address(checksummed: example) == address)
        #expect(Address.checksummed(lowercaseHex: address.lowercased) == example)
    }

    @Test("checksummed(lowercaseHex:) agrees with parsing then rendering, and refuses anything but 0x + 40 lowercase hex digits")
    func lowercaseFastPath() throws {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let address = try Address(bytes: (0..<20).map { _ in UInt8.random(in: 0...255, using: &random) })
            #expect(Address.checksummed(lowercaseHex: address.lowercased) == address.checksummed)
        }
        for text in [
            "", "0x", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed0",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0X5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
            "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg", "005aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaé",
        ] {
            #expect(Address.checksummed(lowercaseHex: text) == nil, "\(text)")
        }
    }

    @Test("Address.lowercased(_:) answers what Address(text).lowercased answers, with the same errors")
    func lowercasedFastPath() throws {
        var random = SystemRandomNumberGenerator()
        var inputs = [
            "", "0x", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed0",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "0X5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
            "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg", "005aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaé",
            "0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED",
        ]
        for _ in 0..<300 {
            let address = try Address(bytes: (0..<20).map { _ in UInt8.random(in: 0...255, using: &random) })
            inputs += [address.lowercased, address.checksummed, "0x" + address.lowercased.dropFirst(2).uppercased()]
        }
        for text in inputs {
            let expected = Result { () throws(AddressError) in try Address(text).lowercased }
            let fast = Result { () throws(AddressError) in try Address.lowercased(text) }
            #expect(fast == expected, "\(text)")
        }
    }

    @Test("mixed case with a wrong checksum, bad lengths and bad hex are typed errors")
    func rejections() {
        #expect(throws: AddressError.checksumMismatch(
            given: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", expected: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
        )) { try Address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD") }
        #expect(throws: AddressError.wrongByteCount(19)) { try Address("0x" + String(repeating: "ab", count: 19)) }
        #expect(throws: AddressError.invalidHex(.missingPrefix)) { try Address(String(repeating: "ab", count: 20)) }
        #expect(throws: AddressError.self) { try Address(checksummed: "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed") }
    }

    @Test("Codable as the checksummed string")
    func codable() throws {
        let address = try Address("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
        let data = try JSONEncoder().encode([address])
        #expect(String(decoding: data, as: UTF8.self) == #"["0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"]"#)
        #expect(try JSONDecoder().decode([Address].self, from: data) == [address])
    }
}

import Foundation
