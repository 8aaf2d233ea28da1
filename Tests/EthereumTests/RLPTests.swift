import BigInt
import Ethereum
import Testing

/// Examples from the Ethereum wiki's RLP page and the Yellow Paper, plus the
/// non-canonical forms a strict decoder must refuse.
@Suite("RLP")
struct RLPTests {
    static let lorem = "Lorem ipsum dolor sit amet, consectetur adipisicing elit"

    @Test("wiki examples encode and decode", arguments: [
        (RLPItem.bytes(Array("dog".utf8)), "0x83646f67"),
        (.list([.bytes(Array("cat".utf8)), .bytes(Array("dog".utf8))]), "0xc88363617483646f67"),
        (.bytes([]), "0x80"),
        (.list([]), "0xc0"),
        (RLPItem(BigUInt(0)), "0x80"),
        (.bytes([0x00]), "0x00"),
        (RLPItem(BigUInt(15)), "0x0f"),
        (RLPItem(BigUInt(1024)), "0x820400"),
        (.list([.list([]), .list([.list([])]), .list([.list([]), .list([.list([])])])]), "0xc7c0c1c0c3c0c1c0"),
        (.bytes(Array(lorem.utf8)), "0xb838" + Hex.encode(Array(lorem.utf8), prefixed: false)),
    ])
    func examples(item: RLPItem, encoding: String) throws {
        #expect(Hex.encode(RLP.encode(item)) == encoding)
        #expect(try RLP.decode(Hex.decode(encoding)) == item)
    }

    @Test("long lists use the long form")
    func longList() throws {
        let item = RLPItem.list(Array(repeating: .bytes(Array(Self.lorem.utf8)), count: 5))
        let encoded = RLP.encode(item)
        #expect(encoded.prefix(3) == [0xF9, 0x01, 0x22])
        #expect(try RLP.decode(encoded) == item)
    }

    @Test("non-canonical and broken encodings are typed errors", arguments: [
        ("0x8105", RLPError.nonCanonicalSingleByte(offset: 0)),
        ("0xb80568656c6c6f", .nonCanonicalLength(offset: 0)),
        ("0xb90038" + String(repeating: "61", count: 56), .leadingZeroInLength(offset: 0)),
        ("0xf800", .leadingZeroInLength(offset: 0)),
        ("0x83646f", .truncated(offset: 0)),
        ("0x", .truncated(offset: 0)),
        ("0xc2830102", .truncated(offset: 1)),
        ("0x83646f6700", .trailingBytes(offset: 4)),
        ("0xc10000", .trailingBytes(offset: 2)),
        ("0xbf0100000000000000", .truncated(offset: 0)),
        ("0xbb7fffffff", .truncated(offset: 0)),
    ])
    func rejections(encoding: String, error: RLPError) throws {
        #expect(throws: error) { try RLP.decode(Hex.decode(encoding)) }
    }

    @Test("deep nesting is refused instead of overflowing the stack")
    func depth() {
        let nested = [UInt8](repeating: 0xC1, count: 10_000) + [0xC0]
        #expect(throws: RLPError.self) { try RLP.decode(nested) }
    }

    @Test("integers are canonical")
    func integers() throws {
        #expect(try RLPItem.bytes([0x04, 0x00]).unsignedInteger() == 1024)
        #expect(throws: RLPError.integerWithLeadingZero) { try RLPItem.bytes([0x00, 0x01]).unsignedInteger() }
        #expect(throws: RLPError.expectedBytes) { try RLPItem.list([]).unsignedInteger() }
    }
}
