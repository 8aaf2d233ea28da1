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
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: data)))
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
            object[Self.camelCase(column.name)] = render(value, column: column.name)
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
            if Self.addressColumns.contains(column), let address = try? Address(text) { return address.checksummed }
            if column == "specialisations", let list = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String] { return list }
            return text
        }
    }

    static func camelCase(_ name: String) -> String {
        let parts = name.split(separator: "_")
        guard let first = parts.first else { return name }
        return String(first) + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
