import Ethereum
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TakumiStore

/// JSON bodies built from plain dictionaries and arrays (keys sorted, so the
/// same data always gives the same bytes).
enum JSONResponse {
    static func make(_ object: Any, status: HTTPResponse.Status = .ok, contentType: String = "application/json") -> Response {
        let buffer = JSONBytes.encode(object) ?? ByteBuffer(string: "{}")
        return make(buffer, status: status, contentType: contentType)
    }

    /// A body already written as JSON.
    static func make(_ json: ByteBuffer, status: HTTPResponse.Status = .ok, contentType: String = "application/json") -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: json))
    }
}

/// The bytes `JSONSerialization.data(withJSONObject:options: [.sortedKeys,
/// .withoutEscapingSlashes])` gives on Linux, written straight into a
/// ByteBuffer.
///
/// Why not JSONSerialization itself: on Linux it sorts keys with a
/// locale-aware comparison (ICU) and converts every scalar to a String; for
/// a profile answer that was a third of the server's CPU. The output must
/// not change (clients and the OpenAPI contract test see these bytes), so
/// this mirrors swift-corelibs-foundation's JSONWriter rule for rule:
/// the same escapes (`\u00XX` in lowercase hex below U+0020, `/` as is),
/// integers and booleans by `description`, doubles without a trailing
/// `.0`, and keys in the order of `compare(_:options: [.numeric,
/// .caseInsensitive, .forcedOrdering], locale: .system)`, computed here for
/// keys made of ASCII letters (all of ours) and delegated to Foundation for
/// any other pair. `JSONBytesTests` checks it against JSONSerialization.
enum JSONBytes {
    /// The JSON text, or nil for a value JSONSerialization would refuse.
    static func encode(_ object: Any) -> ByteBuffer? {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(512)
        guard write(object, into: &buffer) else { return nil }
        return buffer
    }

    private static func write(_ value: Any, into buffer: inout ByteBuffer) -> Bool {
        // An NSNumber (from parsed JSON) is written by its own type, which Foundation knows; a
        // metatype check, because a value cast could bridge a Swift number into one.
        if type(of: value) is NSNumber.Type { return writeWithFoundation(value, into: &buffer) }
        // Most frequent first; the same precedence as JSONWriter.serializeJSON (String, Bool, integers, containers, floats, NSNull).
        switch value {
        case let text as String:
            writeString(text, into: &buffer)
        case let flag as Bool:
            buffer.writeStaticString(flag ? "true" : "false")
        case let number as Int:
            buffer.writeString(number.description)
        case let number as any FixedWidthInteger where number.bitWidth <= 64:
            // Int64, UInt64, Int32 … UInt8: the widths JSONSerialization writes as numbers.
            buffer.writeString(number.description)
        case let dictionary as [String: Any]:
            return writeObject(dictionary, into: &buffer)
        case let array as [Any]:
            buffer.writeInteger(UInt8(ascii: "["))
            for (index, element) in array.enumerated() {
                if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                guard write(element, into: &buffer) else { return false }
            }
            buffer.writeInteger(UInt8(ascii: "]"))
        case let number as Double:
            return writeFloat(number, into: &buffer)
        case let number as Float:
            return writeFloat(number, into: &buffer)
        case is NSNull:
            buffer.writeStaticString("null")
        default:
            // Anything rarer (a Decimal, a dictionary with non-String keys, …): Foundation's own writer.
            return writeWithFoundation(value, into: &buffer)
        }
        return true
    }

    private static func writeWithFoundation(_ value: Any, into buffer: inout ByteBuffer) -> Bool {
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed]) else {
            return false
        }
        buffer.writeBytes(data)
        return true
    }

    private static func writeObject(_ dictionary: [String: Any], into buffer: inout ByteBuffer) -> Bool {
        buffer.writeInteger(UInt8(ascii: "{"))
        for (index, element) in sortedMembers(dictionary).enumerated() {
            if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            writeString(element.key, into: &buffer)
            buffer.writeInteger(UInt8(ascii: ":"))
            guard write(element.value, into: &buffer) else { return false }
        }
        buffer.writeInteger(UInt8(ascii: "}"))
        return true
    }

    /// The members in JSONSerialization's key order. Keys the API always
    /// uses are ranked once (``keyRanks``), so an object made of them sorts
    /// by integer; any other key sorts by ``keyPrecedes(_:_:)``.
    private static func sortedMembers(_ dictionary: [String: Any]) -> [(key: String, value: Any)] {
        var ranked: [(rank: Int, key: String, value: Any)] = []
        ranked.reserveCapacity(dictionary.count)
        for (key, value) in dictionary {
            guard let rank = keyRanks[key] else {
                // Whether a key is all ASCII letters is checked once per key, not at every comparison.
                var entries = dictionary.map { (key: $0.key, value: $0.value, letters: $0.key.utf8.allSatisfy(isLetter)) }
                entries.sort { lhs, rhs in
                    if lhs.letters && rhs.letters, let order = letterKeyOrder(lhs.key, rhs.key) { return order }
                    return foundationKeyPrecedes(lhs.key, rhs.key)
                }
                return entries.map { ($0.key, $0.value) }
            }
            ranked.append((rank, key, value))
        }
        ranked.sort { $0.rank < $1.rank }
        return ranked.map { ($0.key, $0.value) }
    }

    /// Every key a projection row renders to, plus the API's own object
    /// keys, ranked in ``keyPrecedes(_:_:)`` order: that order is total, so
    /// ranks give any subset of these keys the order a sort would.
    static let keyRanks: [String: Int] = {
        let keys = Set(RowRenderer.camelNames.values).union([
            "finalized", "confirmations", "skills", "endorsementsReceived", "endorsementsGiven", "items", "nextCursor",
            "statistics", "type", "title", "status", "detail", "instance",
        ])
        return Dictionary(uniqueKeysWithValues: keys.sorted(by: keyPrecedes).enumerated().map { ($1, $0) })
    }()

    private static func writeFloat<Number: BinaryFloatingPoint & LosslessStringConvertible>(_ number: Number, into buffer: inout ByteBuffer) -> Bool {
        guard number.isFinite else { return false }
        var text = number.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        buffer.writeString(text)
        return true
    }

    static func writeString(_ text: String, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            // Runs of bytes that need no escape are copied at once; every byte >= 0x20 except `"` and `\` is written as is (UTF-8 included).
            var start = 0
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<index]))
                start = index + 1
                switch byte {
                case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case 0x08: buffer.writeStaticString("\\b")
                case 0x0C: buffer.writeStaticString("\\f")
                case 0x0A: buffer.writeStaticString("\\n")
                case 0x0D: buffer.writeStaticString("\\r")
                case 0x09: buffer.writeStaticString("\\t")
                default: buffer.writeString((byte < 0x10 ? "\\u000" : "\\u00") + String(byte, radix: 16))
                }
            }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start...]))
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    /// JSONWriter's key order: `compare(_:options: [.numeric, .caseInsensitive, .forcedOrdering], locale: .system) == .orderedAscending`.
    static func keyPrecedes(_ lhs: String, _ rhs: String) -> Bool {
        if lhs.utf8.allSatisfy(isLetter), rhs.utf8.allSatisfy(isLetter), let order = letterKeyOrder(lhs, rhs) { return order }
        return foundationKeyPrecedes(lhs, rhs)
    }

    private static func foundationKeyPrecedes(_ lhs: String, _ rhs: String) -> Bool {
        lhs.compare(rhs, options: [.numeric, .caseInsensitive, .forcedOrdering], range: lhs.startIndex..<lhs.endIndex, locale: NSLocale.system) == .orderedAscending
    }

    /// For two keys of ASCII letters only (the caller checked) that differ
    /// other than by case: case-insensitive alphabetical order, a prefix
    /// first (the collation's answer for Latin letters). nil otherwise.
    private static func letterKeyOrder(_ lhs: String, _ rhs: String) -> Bool? {
        for (left, right) in zip(lhs.utf8, rhs.utf8) where left | 0x20 != right | 0x20 {
            return left | 0x20 < right | 0x20
        }
        let (left, right) = (lhs.utf8.count, rhs.utf8.count)
        // Equal ignoring case: Foundation's forced ordering decides.
        return left == right ? nil : left < right
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }
}

/// Renders projection rows for clients: snake_case columns as camelCase
/// keys, addresses in EIP-55, and whether the row's last change is final.
struct RowRenderer: Sendable {
    /// The last block below the finality depth (nil before the head is known).
    var finalizedBlock: UInt64?
    var head: UInt64?

    /// Columns that hold addresses (stored lowercase).
    static let addressColumns: Set<String> = [
        "owner", "claimant", "verifier", "endorser", "endorsee", "account", "address", "paused_by",
        "implementation", "target", "proposer", "executor", "sender",
    ]
    /// Columns that only the database needs.
    static let hiddenColumns: Set<String> = ["chain"]

    func render(_ row: ProjectionRow) -> [String: Any] {
        var object: [String: Any] = [:]
        for column in row.table.columns where !Self.hiddenColumns.contains(column.name) {
            let value = row[column.name] ?? .null
            object[Self.camelNames[column.name] ?? Self.camelCase(column.name)] = render(value, column: column.name)
        }
        if case let .int(last)? = row["last_block"] {
            let block = UInt64(clamping: last)
            object["finalized"] = finalizedBlock.map { block <= $0 } ?? false
            object["confirmations"] = head.map { $0 >= block ? Int($0 - block + 1) : 0 } ?? 0
        }
        return object
    }

    func render(_ value: StoreValue, column: String) -> Any {
        switch value {
        case .null: return NSNull()
        case let .int(number): return number
        case let .bool(flag): return flag
        case let .text(text):
            switch Self.render(text: text, column: column) {
            case let .string(shown): return shown
            case let .list(items): return items
            }
        }
    }

    /// How a text column is shown: an address in EIP-55, `specialisations` (JSON text in the store) as a list.
    enum RenderedText {
        case string(String)
        case list([String])
    }

    static func render(text: String, column: String) -> RenderedText {
        if addressColumns.contains(column), let checksummed = Address.checksummed(lowercaseHex: text) ?? (try? Address(text))?.checksummed {
            return .string(checksummed)
        }
        if column == "specialisations", let list = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String] { return .list(list) }
        return .string(text)
    }

    /// ``camelCase(_:)`` of every projection column, computed once: rendering a row renames all its columns.
    static let camelNames: [String: String] = Dictionary(
        ProjectionTable.allCases.flatMap { $0.columns.map { ($0.name, camelCase($0.name)) } }, uniquingKeysWith: { first, _ in first }
    )

    static func camelCase(_ name: String) -> String {
        let parts = name.split(separator: "_")
        guard let first = parts.first else { return name }
        return String(first) + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
