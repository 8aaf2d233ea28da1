import Foundation
import NIOCore
import Testing
import TakumiStore
import TestSupport
@testable import TakumiServer

/// The byte writer against the path it replaces: rendering to a dictionary
/// and encoding it (itself checked against JSONSerialization in JSONBytesTests).
@Suite("RowJSONWriter writes what rendering to a dictionary writes")
struct RowJSONWriterTests {
    static let texts = [
        "", "Ada", "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "0x1234",
        "ipfs://bafy/\"匠\"\\ \n\t\u{1}\u{1f}\u{7f} é 🎌", #"["solidity","vyper/evm"]"#, #"["a", 1]"#, "[", "115792089237316195423570985008687907853269984665640564039457584007913129639935",
    ]

    static func randomRow(_ table: ProjectionTable, _ random: inout SplitMix64) -> ProjectionRow {
        var values: [String: StoreValue] = [:]
        for column in table.columns {
            switch Int.random(in: 0..<10, using: &random) {
            case 0: continue  // missing: rendered as null
            case 1: values[column.name] = .null
            default:
                switch column.type {
                case .integer:
                    // Mostly block-sized numbers; sometimes the extremes, whose digits the writer produces itself.
                    let extremes: [Int64] = [.min, .min + 1, -10, -1, 0, 9, 10, 99, 100, .max - 1, .max]
                    values[column.name] = .int(
                        Int.random(in: 0..<8, using: &random) == 0
                            ? extremes.randomElement(using: &random) ?? 0 : Int64.random(in: -5...1_000, using: &random)
                    )
                case .boolean: values[column.name] = .bool(Bool.random(using: &random))
                case .text, .numeric, .json: values[column.name] = .text(texts.randomElement(using: &random) ?? "")
                }
            }
        }
        return ProjectionRow(table, values)
    }

    static func bytes(_ write: (inout ByteBuffer) -> Void) -> String {
        var buffer = ByteBuffer()
        write(&buffer)
        return String(buffer: buffer)
    }

    @Test("1,000 random rows of every table, with and without a head or finality")
    func rows() {
        var random = SplitMix64(seed: 0x7A6B_754D)
        let renderers = [RowRenderer(finalizedBlock: 90, head: 100), RowRenderer(finalizedBlock: nil, head: nil), RowRenderer(finalizedBlock: 0, head: 5)]
        for table in ProjectionTable.allCases {
            for round in 0..<1_000 {
                let renderer = renderers[round % renderers.count]
                let row = Self.randomRow(table, &random)
                let expected = JSONBytes.encode(renderer.render(row)).map { String(buffer: $0) }
                let written = Self.bytes { RowJSONWriter(renderer: renderer).write(row, into: &$0) }
                #expect(written == expected, "\(table): \(row.values)")
                if written != expected { return }
            }
        }
    }

    @Test("a profile page: the profile, its skills and endorsement counts as the route used to assemble them")
    func profileDetail() {
        var random = SplitMix64(seed: 42)
        let renderer = RowRenderer(finalizedBlock: 90, head: 100)
        let writer = RowJSONWriter(renderer: renderer)
        for _ in 0..<500 {
            let profile = Self.randomRow(.profiles, &random)
            let skills = (0..<Int.random(in: 0...4, using: &random)).map { _ in Self.randomRow(.skills, &random) }
            let (received, given) = (Int.random(in: 0...9, using: &random), Int.random(in: 0...9, using: &random))
            var object = renderer.render(profile)
            object["skills"] = skills.map(renderer.render)
            object["endorsementsReceived"] = received
            object["endorsementsGiven"] = given
            let expected = JSONBytes.encode(object).map { String(buffer: $0) }
            let detail = ProfileDetail(profile: profile, skills: skills, endorsementsReceived: received, endorsementsGiven: given)
            let written = Self.bytes { writer.write(detail, into: &$0) }
            #expect(written == expected)
            if written != expected { return }
        }
    }
}
