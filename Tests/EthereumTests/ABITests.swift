import BigInt
import Ethereum
import Testing

private func words(_ words: String...) -> String {
    words.joined()
}

private func word(_ value: UInt64) -> String {
    let hex = String(value, radix: 16)
    return String(repeating: "0", count: 64 - hex.count) + hex
}

private func text(_ string: String) -> String {
    let hex = Hex.encode(Array(string.utf8), prefixed: false)
    return hex + String(repeating: "0", count: 64 - hex.count)
}

/// The worked examples of the Solidity ABI specification ("Examples" and "Use of
/// Dynamic Types"), function selectors included.
@Suite("ABI: Solidity documentation examples")
struct ABIExampleTests {
    @Test("baz(uint32,bool)")
    func baz() throws {
        let function = try ABIFunction("function baz(uint32 x, bool y) public pure returns (bool r)")
        #expect(function.signature == "baz(uint32,bool)")
        let calldata = try function.encodeCall([.uint(69), .bool(true)])
        #expect(Hex.encode(calldata) == "0xcdcd77c0" + word(0x45) + word(1))
        #expect(try function.decodeCall(calldata) == [.uint(69), .bool(true)])
    }

    @Test("bar(bytes3[2])")
    func bar() throws {
        let function = try ABIFunction("bar(bytes3[2])")
        let calldata = try function.encodeCall([.array([.fixedBytes(Array("abc".utf8)), .fixedBytes(Array("def".utf8))])])
        #expect(Hex.encode(calldata) == "0xfce353f6" + text("abc") + text("def"))
    }

    @Test("sam(bytes,bool,uint256[])")
    func sam() throws {
        let function = try ABIFunction("sam(bytes,bool,uint256[])")
        let values: [ABIValue] = [.bytes(Array("dave".utf8)), .bool(true), .array([.uint(1), .uint(2), .uint(3)])]
        let calldata = try function.encodeCall(values)
        #expect(Hex.encode(calldata) == "0xa5643bf2" + words(
            word(0x60), word(1), word(0xA0), word(4), text("dave"), word(3), word(1), word(2), word(3)
        ))
        #expect(try function.decodeCall(calldata) == values)
    }

    @Test("f(uint256,uint32[],bytes10,bytes)")
    func dynamicTypes() throws {
        let function = try ABIFunction("f(uint256,uint32[],bytes10,bytes)")
        let values: [ABIValue] = [
            .uint(0x123), .array([.uint(0x456), .uint(0x789)]), .fixedBytes(Array("1234567890".utf8)),
            .bytes(Array("Hello, world!".utf8)),
        ]
        let calldata = try function.encodeCall(values)
        #expect(Hex.encode(calldata) == "0x8be65246" + words(
            word(0x123), word(0x80), text("1234567890"), word(0xE0), word(2), word(0x456), word(0x789),
            word(0x0D), text("Hello, world!")
        ))
        #expect(try function.decodeCall(calldata) == values)
    }

    @Test("g(uint256[][],string[])")
    func nestedDynamic() throws {
        let function = try ABIFunction("g(uint256[][],string[])")
        let values: [ABIValue] = [
            .array([.array([.uint(1), .uint(2)]), .array([.uint(3)])]),
            .array([.string("one"), .string("two"), .string("three")]),
        ]
        let calldata = try function.encodeCall(values)
        #expect(Hex.encode(calldata) == "0x2289b18c" + words(
            word(0x40), word(0x140), word(2), word(0x40), word(0xA0), word(2), word(1), word(2), word(1), word(3),
            word(3), word(0x60), word(0xA0), word(0xE0), word(3), text("one"), word(3), text("two"), word(5), text("three")
        ))
        #expect(try function.decodeCall(calldata) == values)
    }
}

@Suite("ABI: types and signatures")
struct ABITypeTests {
    @Test("canonical type strings parse and print back", arguments: [
        "uint256", "int8", "address", "bool", "bytes32", "bytes1", "bytes", "string", "bytes32[]", "uint8[3][]",
        "(address,string)", "(address,string)[2]", "((uint256,bytes)[],bool)", "()",
    ])
    func canonical(text: String) throws {
        #expect(try ABIType(text).canonicalName == text)
    }

    @Test("aliases and tuple() spelling")
    func aliases() throws {
        #expect(try ABIType("uint") == .uint256)
        #expect(try ABIType("int[]") == .array(.int256))
        #expect(try ABIType("tuple(address,tuple(bool))[]") == .array(.tuple([.address, .tuple([.bool])])))
        #expect(try ABIType("(address,string)[2]") == .fixedArray(.tuple([.address, .string]), 2))
    }

    @Test("invalid types are typed errors", arguments: [
        "uint7", "uint264", "uint08", "int0", "bytes0", "bytes33", "uint256[0]", "uint256[01]", "(uint256", "(uint256,)",
        "fixed128x18", "function", "", "uint256 ", "address[", "Uint256",
        String(repeating: "(", count: 100) + "bool" + String(repeating: ")", count: 100),
    ])
    func invalid(text: String) {
        #expect(throws: ABIError.self) { try ABIType(text) }
    }

    @Test("human-readable signatures: canonical, cast style and ethers style")
    func signatures() throws {
        let version = try ABIFunction("version()(string)")
        #expect(version.signature == "version()")
        #expect(version.outputs.map(\.type) == [.string])
        let balance = try ABIFunction("function balanceOf(address owner) external view returns (uint256 balance)")
        #expect(balance.signature == "balanceOf(address)")
        #expect(balance.inputs.first?.name == "owner")
        #expect(balance.outputs.first?.name == "balance")
        #expect(Hex.encode(balance.selector) == "0x70a08231")
        let transfer = try ABIFunction("transfer(address,uint256)")
        #expect(Hex.encode(transfer.selector) == "0xa9059cbb")
        let withTuple = try ABIFunction("submit((uint256 id, string uri)[] memory claims, bytes calldata proof)")
        #expect(withTuple.signature == "submit((uint256,string)[],bytes)")
        #expect(throws: ABIError.self) { try ABIFunction("transfer(address,uint256") }
        #expect(throws: ABIError.self) { try ABIFunction("transfer(address to to2)") }
    }

    @Test("decoding returned strings (version()(string))")
    func versionOutput() throws {
        let version = try ABIFunction("version()(string)")
        let data = try version.encodeOutput([.string("1.0.0")])
        #expect(try version.decodeOutput(data) == [.string("1.0.0")])
    }
}

@Suite("ABI: logs and reverts")
struct ABILogTests {
    @Test("Transfer log: indexed addresses from topics, amount from data")
    func transfer() throws {
        let event = try ABIEvent("event Transfer(address indexed from, address indexed to, uint256 value)")
        #expect(event.topic0.hex == "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")
        let from = try Address("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
        let to = try Address("0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359")
        let topics = try [event.topic0, Bytes32(hex: "0x" + String(repeating: "0", count: 24) + from.lowercased.dropFirst(2)),
                          Bytes32(hex: "0x" + String(repeating: "0", count: 24) + to.lowercased.dropFirst(2))]
        let data = try Hex.decode("0x" + word(1_000))
        #expect(try event.decodeLog(topics: topics, data: data) == [.address(from), .address(to), .uint(1_000)])
        let encoded = try event.encodeLog([.address(from), .address(to), .uint(1_000)])
        #expect(encoded.topics == topics)
        #expect(encoded.data == data)
        #expect(throws: ABIError.topicCountMismatch(expected: 3, actual: 2)) {
            try event.decodeLog(topics: Array(topics.prefix(2)), data: data)
        }
        #expect(throws: ABIError.topicMismatch(expected: event.topic0, actual: topics[1])) {
            try event.decodeLog(topics: [topics[1], topics[1], topics[2]], data: data)
        }
    }

    @Test("indexed dynamic values arrive as their keccak256")
    func hashedTopics() throws {
        let event = try ABIEvent("SkillAdded(uint256 indexed id, string indexed name, string description)")
        let values: [ABIValue] = [.uint(7), .string("Rust"), .string("systems programming")]
        let log = try event.encodeLog(values)
        #expect(log.topics[2] == Keccak256.hash(Array("Rust".utf8)))
        let decoded = try event.decodeLog(topics: log.topics, data: log.data)
        #expect(decoded == [.uint(7), .fixedBytes(Keccak256.hash(Array("Rust".utf8))), .string("systems programming")])
        #expect(decoded[1].bytes32 == Keccak256.hash(Array("Rust".utf8)))
    }

    @Test("anonymous events have no topic0")
    func anonymous() throws {
        let event = try ABIEvent("Ping(uint256 indexed nonce) anonymous")
        #expect(event.isAnonymous)
        let log = try event.encodeLog([.uint(5)])
        #expect(log.topics.count == 1)
        #expect(try event.decodeLog(topics: log.topics, data: log.data) == [.uint(5)])
    }

    @Test("Error(string), Panic(uint256), custom errors and empty revert data")
    func reverts() throws {
        let message = "Not enough Ether provided."
        let errorData = try Hex.decode("0x08c379a0" + word(0x20) + word(26) + text(message).prefix(64))
        #expect(try RevertReason(decoding: errorData) == .error(message))
        let panic = try RevertReason(decoding: Hex.decode("0x4e487b71" + word(0x11)))
        #expect(panic == .panic(0x11))
        #expect(RevertReason.panicMeaning(0x11) == "arithmetic overflow or underflow")
        #expect(panic.description == "panic 0x11: arithmetic overflow or underflow")
        let custom = try ABICustomError("error NotVerifier(address account, uint256 claimId)")
        let account = try Address("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
        let customData = try custom.encode([.address(account), .uint(3)])
        #expect(try RevertReason(decoding: customData, customErrors: [custom]) == .custom(custom, [.address(account), .uint(3)]))
        #expect(try RevertReason(decoding: customData) == .unrecognized(selector: custom.selector, data: Array(customData.dropFirst(4))))
        #expect(try RevertReason(decoding: []) == .empty)
        #expect(throws: ABIError.self) { try RevertReason(decoding: [0x08, 0xC3]) }
        #expect(throws: ABIError.self) { try RevertReason(decoding: Hex.decode("0x08c379a0" + word(0x20))) }
    }
}

@Suite("ABI: hostile data")
struct ABIHostileDataTests {
    @Test("malformed data is a typed error, never a trap", arguments: [
        // (types, data)
        (["uint256"], ""),
        (["uint256"], String(repeating: "0", count: 62)),
        (["uint8"], word(0x100)),
        (["int8"], word(0x80)),
        (["bool"], word(2)),
        (["address"], "01" + String(repeating: "0", count: 62)),
        (["bytes2"], "abcd01" + String(repeating: "0", count: 58)),
        (["bytes"], "ffffffffffffffff" + String(repeating: "0", count: 48)),
        (["bytes"], word(0x20) + "ffffffffffffffff" + String(repeating: "f", count: 48)),
        (["bytes"], word(0x20) + word(UInt64.max)),
        (["bytes"], word(0x20) + word(0x21) + String(repeating: "a", count: 64)),
        (["bytes"], word(0x20) + word(1) + "aa" + String(repeating: "0", count: 60) + "01"),
        (["bytes"], word(0x00) + word(0)),
        (["string"], word(0x20) + word(2) + "c328" + String(repeating: "0", count: 60)),
        (["uint256[]"], word(0x20) + word(UInt64.max)),
        (["uint256[]"], word(0x20) + word(0x7FFF_FFFF)),
        (["string[]"], word(0x20) + word(1) + word(0x7FFF_FFFF_FFFF_FFFF)),
        (["uint256[1000000000000]"], word(1)),
        (["()[]"], word(0x20) + word(UInt64(Int.max))),
    ])
    func hostile(types: [String], data: String) throws {
        let abiTypes = try types.map { try ABIType($0) }
        let bytes = try Hex.decode("0x" + data)
        #expect(throws: ABIError.self) { try ABI.decode(bytes, as: abiTypes) }
    }

    @Test("encoding checks ranges and shapes")
    func encodingChecks() {
        #expect(throws: ABIError.valueOutOfRange(type: "uint8")) { try ABI.encode([.uint(256)], as: [.uint(8)]) }
        #expect(throws: ABIError.valueOutOfRange(type: "int8")) { try ABI.encode([.int(-129)], as: [.int(8)]) }
        #expect(throws: ABIError.valueOutOfRange(type: "bytes4")) { try ABI.encode([.fixedBytes([1, 2])], as: [.fixedBytes(4)]) }
        #expect(throws: ABIError.valueCountMismatch(expected: 2, actual: 1)) { try ABI.encode([.uint(1)], as: [.uint256, .bool]) }
        #expect(throws: ABIError.self) { try ABI.encode([.string("x")], as: [.uint256]) }
        #expect(throws: ABIError.valueCountMismatch(expected: 2, actual: 1)) {
            try ABI.encode([.array([.bool(true)])], as: [.fixedArray(.bool, 2)])
        }
    }

    @Test("int256 extremes round-trip")
    func signedExtremes() throws {
        let minimum = -(BigInt(1) << 255)
        let maximum = (BigInt(1) << 255) - 1
        let data = try ABI.encode([.int(minimum), .int(maximum), .int(-1)], as: [.int256, .int256, .int(8)])
        #expect(try ABI.decode(data, as: [.int256, .int256, .int(8)]) == [.int(minimum), .int(maximum), .int(-1)])
    }
}
