import Foundation
import NIOCore
import Testing
import TakumiStore
@testable import TakumiServer

@Suite("JSONBytes writes what JSONSerialization writes")
struct JSONBytesTests {
    static func foundation(_ object: Any) -> String? {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])).map { String(decoding: $0, as: UTF8.self) }
    }

    static func ours(_ object: Any) -> String? {
        JSONBytes.encode(object).map { String(buffer: $0) }
    }

    @Test("every projection row as the API renders it, keys of every table included")
    func renderedRows() {
        let renderer = RowRenderer(finalizedBlock: 90, head: 100)
        for table in ProjectionTable.allCases {
            var values: [String: StoreValue] = [:]
            for (index, column) in table.columns.enumerated() {
                switch column.type {
                case .integer: values[column.name] = .int(Int64(index) * 37 - 5)
                case .text: values[column.name] = .text(index.isMultiple(of: 2) ? "0x70997970c51812dc3a010c7d01b50e0d17dc79c8" : "ipfs://bafy/\(column.name) \"匠\"\\ \n\t\u{1}\u{1f}\u{7f} é 🎌")
                case .boolean: values[column.name] = .bool(index.isMultiple(of: 2))
                case .numeric: values[column.name] = "115792089237316195423570985008687907853269984665640564039457584007913129639935"
                case .json: values[column.name] = #"["solidity","vyper/evm"]"#
                }
                if column.isNullable, index.isMultiple(of: 3) { values[column.name] = .null }
            }
            var object = renderer.render(ProjectionRow(table, values))
            object["nested"] = ["items": [renderer.render(ProjectionRow(table, values))], "nextCursor": NSNull()] as [String: Any]
            #expect(Self.ours(object) == Self.foundation(object), "\(table)")
        }
    }

    @Test("scalars, escapes, numbers and key orders JSONSerialization has rules for")
    func edgeCases() throws {
        let objects: [Any] = [
            [String: Any](), [Any](), ["a": [Any]()],
            ["ints": [Int.min, -1, 0, Int.max], "int64": Int64.min, "uint64": UInt64.max, "int32": Int32(-7), "uint8": UInt8(200)] as [String: Any],
            ["doubles": [0.0, -0.0, 1.5, 2.0, 1e21, 1e-7, 123456789.0, Double.pi]] as [String: Any],
            ["bools": [true, false], "null": NSNull(), "strings": ["", "/", "a/b", "\u{0}\u{8}\u{c}\u{10}\u{1f} \"q\" \\", "日本語", "e\u{301}"]] as [String: Any],
            // Key orders: case-insensitive, prefixes first, digits numeric, non-letters through Foundation.
            ["b": 1, "B2": 2, "a": 3, "A": 4, "ab": 5, "aB": 6, "Abc": 7, "abd": 8, "item10": 9, "item9": 10, "item09": 11,
             "_x": 12, "x_y": 13, "x-y": 14, "xy": 15, "é": 16, "e": 17, "f": 18, "": 19, " ": 20, "Z": 21, "zz": 22] as [String: Any],
            ["confirmations": 1, "createdBlock": 2, "chain": 3, "chainId": 4, "contracts": 5, "contract": 6, "claimant": 7, "category": 8] as [String: Any],
        ]
        for object in objects {
            #expect(Self.ours(object) == Self.foundation(object), "\(object)")
        }
        // Parsed JSON (the contracts document's ABIs) holds NSNumbers: 1 stays 1, true stays true.
        let parsed = try JSONSerialization.jsonObject(with: Data(#"{"a":[1,0,true,false,1.5,-3,"x",null,{"k":2}],"stateMutability":"view"}"#.utf8))
        #expect(Self.ours(parsed) == Self.foundation(parsed))
        #expect(Self.ours(["x": Float.nan]) == nil)
    }

    @Test("random subsets of the pre-ranked keys, alone or with unranked keys, sort as Foundation sorts them")
    func rankedKeys() {
        var generator = SystemRandomNumberGenerator()
        let ranked = Array(JSONBytes.keyRanks.keys)
        #expect(ranked.count > 60, "every column's name and the API's own keys")
        for round in 0..<300 {
            var object: [String: Any] = [:]
            for index in 0..<Int.random(in: 1...25, using: &generator) {
                object[ranked.randomElement(using: &generator) ?? "owner"] = index
            }
            if round.isMultiple(of: 3) { object[["ownerX", "_id", "a2", "Owner", "zzz"].randomElement(using: &generator) ?? "x"] = -1 }
            #expect(Self.ours(object) == Self.foundation(object), "\(object.keys.sorted())")
        }
    }

    @Test("random keys of letters sort as Foundation sorts them")
    func randomKeys() {
        var generator = SystemRandomNumberGenerator()
        let letters = Array("aAbBcCdDeEyYzZ")
        for _ in 0..<200 {
            var object: [String: Any] = [:]
            for index in 0..<Int.random(in: 1...12, using: &generator) {
                let key = String((0..<Int.random(in: 1...5, using: &generator)).map { _ in letters.randomElement(using: &generator) ?? "a" })
                object[key] = index
            }
            #expect(Self.ours(object) == Self.foundation(object), "\(object.keys.sorted())")
        }
    }
}
