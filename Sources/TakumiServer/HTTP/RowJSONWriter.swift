import Ethereum
import Foundation
import NIOCore
import TakumiStore

/// Projection rows written straight into JSON bytes: exactly what
/// `JSONBytes.encode(renderer.render(row))` gives (plus members the caller
/// adds), without the `[String: Any]` in between.
///
/// Why: on the profile route, building that dictionary, sorting its keys
/// and casting every value back out of `Any` was an eighth of the server's
/// CPU — more than the PostgreSQL client. Here each table's members are put
/// in key order once (``Layout``), and a row is written by walking them.
/// `RowJSONWriterTests` checks the bytes against the dictionary path.
struct RowJSONWriter: Sendable {
    let renderer: RowRenderer

    /// A table's rendered members in JSONSerialization's key order, each
    /// key already written as `"key":`.
    struct Layout: Sendable {
        enum Member: Sendable {
            /// A column and its position in the table's columns.
            case column(ProjectionColumn, index: Int)
            /// Computed for a row with a `last_block`; otherwise the column of that name, if the table has one
            /// (`multisig_proposals.confirmations`), or nothing.
            case finalized(otherwise: (column: ProjectionColumn, index: Int)?)
            case confirmations(otherwise: (column: ProjectionColumn, index: Int)?)
            /// A member the caller writes (see ``RowJSONWriter/write(_:layout:into:extra:)``), by its index in `extras`.
            case extra(Int)
        }

        let table: ProjectionTable
        let members: [(key: [UInt8], member: Member)]
        /// Where `last_block` sits in the table's columns.
        let lastBlockIndex: Int?

        /// `extras` are keys the caller adds to the row's object; like a
        /// dictionary assignment after rendering, an extra replaces a
        /// rendered member of the same key.
        init(_ table: ProjectionTable, extras: [String] = []) {
            self.table = table
            // Assigned in the order RowRenderer.render assigns, later ones replacing earlier ones.
            var byKey: [String: Member] = [:]
            for (index, column) in table.columns.enumerated() where !RowRenderer.hiddenColumns.contains(column.name) {
                byKey[RowRenderer.camelNames[column.name] ?? RowRenderer.camelCase(column.name)] = .column(column, index: index)
            }
            byKey["finalized"] = .finalized(otherwise: byKey["finalized"]?.column)
            byKey["confirmations"] = .confirmations(otherwise: byKey["confirmations"]?.column)
            for (index, key) in extras.enumerated() { byKey[key] = .extra(index) }
            members = byKey.sorted { JSONBytes.keyPrecedes($0.key, $1.key) }.map { key, member in
                var buffer = ByteBuffer()
                JSONBytes.writeString(key, into: &buffer)
                buffer.writeInteger(UInt8(ascii: ":"))
                return (Array(buffer.readableBytesView), member)
            }
            lastBlockIndex = table.columns.firstIndex { $0.name == "last_block" }
        }

        /// One per table, without extras.
        static let plain: [ProjectionTable: Layout] = Dictionary(uniqueKeysWithValues: ProjectionTable.allCases.map { ($0, Layout($0)) })
        /// A profile page: the profile with its skills and endorsement counts (``ProfileExtra``).
        static let profileDetail = Layout(.profiles, extras: ProfileExtra.allCases.map(\.rawValue))
    }

    /// The row as ``RowRenderer/render(_:)`` renders it, as JSON.
    func write(_ row: ProjectionRow, into buffer: inout ByteBuffer) {
        write(row, layout: Layout.plain[row.table] ?? Layout(row.table), into: &buffer) { _, _ in }
    }

    /// The row with the layout's extra members, each written by `extra`
    /// (given its index in the layout's `extras`).
    func write(_ row: ProjectionRow, layout: Layout, into buffer: inout ByteBuffer, extra: (Int, inout ByteBuffer) -> Void) {
        write(NamedValues(row: row), layout: layout, into: &buffer, extra: extra)
    }

    /// A row given as its values in the table's column order (as ``ProfileDetail`` keeps them).
    func write(values: [StoreValue], of table: ProjectionTable, into buffer: inout ByteBuffer) {
        write(ColumnValues(values: values), layout: Layout.plain[table] ?? Layout(table), into: &buffer) { _, _ in }
    }

    /// Where a row's values come from: by column name or by column position.
    private protocol RowValues {
        func value(_ column: ProjectionColumn, at index: Int) -> StoreValue?
    }

    private struct NamedValues: RowValues {
        let row: ProjectionRow
        func value(_ column: ProjectionColumn, at index: Int) -> StoreValue? { row[column.name] }
    }

    private struct ColumnValues: RowValues {
        let values: [StoreValue]
        func value(_ column: ProjectionColumn, at index: Int) -> StoreValue? {
            values.indices.contains(index) ? values[index] : nil
        }
    }

    private func write(_ row: some RowValues, layout: Layout, into buffer: inout ByteBuffer, extra: (Int, inout ByteBuffer) -> Void) {
        // `finalized` and `confirmations` exist only for a row with a block number, as in render(_:).
        let lastBlock: UInt64? =
            if let index = layout.lastBlockIndex, case let .int(last)? = row.value(layout.table.columns[index], at: index) {
                UInt64(clamping: last)
            } else {
                nil
            }
        buffer.writeInteger(UInt8(ascii: "{"))
        var first = true
        for (key, var member) in layout.members {
            switch member {
            case let .finalized(otherwise), let .confirmations(otherwise):
                if lastBlock == nil {
                    guard let otherwise else { continue }
                    member = .column(otherwise.column, index: otherwise.index)
                }
            case .column, .extra:
                break
            }
            if !first { buffer.writeInteger(UInt8(ascii: ",")) }
            first = false
            buffer.writeBytes(key)
            switch member {
            case let .column(column, index):
                writeValue(row.value(column, at: index) ?? .null, column: column.name, into: &buffer)
            case .finalized:
                let final = both(lastBlock, renderer.finalizedBlock).map { $0 <= $1 } ?? false
                buffer.writeStaticString(final ? "true" : "false")
            case .confirmations:
                let confirmations = both(lastBlock, renderer.head).map { block, head in head >= block ? Int(head - block + 1) : 0 } ?? 0
                buffer.writeDecimal(Int64(confirmations))
            case let .extra(index):
                extra(index, &buffer)
            }
        }
        buffer.writeInteger(UInt8(ascii: "}"))
    }

    /// Rows as a JSON array, each as ``write(_:into:)`` writes it.
    func write(_ rows: some Sequence<ProjectionRow>, into buffer: inout ByteBuffer) {
        writeArray(rows, into: &buffer) { row, buffer in write(row, into: &buffer) }
    }

    /// `[`, each item as `each` writes it, commas between, `]`.
    private func writeArray<Items: Sequence>(_ items: Items, into buffer: inout ByteBuffer, _ each: (Items.Element, inout ByteBuffer) -> Void) {
        buffer.writeInteger(UInt8(ascii: "["))
        for (index, item) in items.enumerated() {
            if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            each(item, &buffer)
        }
        buffer.writeInteger(UInt8(ascii: "]"))
    }

    /// The members a profile page adds to its profile row, in ``Layout/profileDetail``'s extras order.
    enum ProfileExtra: String, CaseIterable {
        case skills, endorsementsReceived, endorsementsGiven
    }

    /// A profile page: the profile's row with its skills and its endorsement counts.
    func write(_ detail: ProfileDetail, into buffer: inout ByteBuffer) {
        write(ColumnValues(values: detail.profileValues), layout: .profileDetail, into: &buffer) { extra, buffer in
            switch ProfileExtra.allCases[extra] {
            case .skills:
                writeArray(detail.skillValues, into: &buffer) { skill, buffer in write(values: skill, of: .skills, into: &buffer) }
            case .endorsementsReceived:
                buffer.writeDecimal(Int64(detail.endorsementsReceived))
            case .endorsementsGiven:
                buffer.writeDecimal(Int64(detail.endorsementsGiven))
            }
        }
    }

    /// ``RowRenderer/render(_:column:)``, written.
    private func writeValue(_ value: StoreValue, column: String, into buffer: inout ByteBuffer) {
        switch value {
        case .null:
            buffer.writeStaticString("null")
        case let .int(number):
            buffer.writeDecimal(number)
        case let .bool(flag):
            buffer.writeStaticString(flag ? "true" : "false")
        case let .text(text):
            switch RowRenderer.render(text: text, column: column) {
            case let .string(shown):
                JSONBytes.writeString(shown, into: &buffer)
            case let .list(items):
                writeArray(items, into: &buffer) { item, buffer in JSONBytes.writeString(item, into: &buffer) }
            }
        }
    }
}

/// Both values, or nil when either is missing.
private func both<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}

private extension RowJSONWriter.Layout.Member {
    var column: (column: ProjectionColumn, index: Int)? {
        if case let .column(column, index) = self { (column, index) } else { nil }
    }
}
