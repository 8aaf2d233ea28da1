import Foundation

/// ``IndexerTransaction`` written once for both backends over an
/// ``SQLExecutor`` that runs inside the open transaction of ``IndexerStore/write(_:_:)``.
/// Only the bulk event insert differs per backend (COPY on PostgreSQL).
struct SQLTransaction<Executor: SQLExecutor>: IndexerTransaction {
    let executor: Executor
    /// The chain of the lease this transaction was fenced for.
    let chain: String
    /// Projection rows read and written in this transaction, and journal
    /// entries not yet written (see ``RowCache``): ``flush()`` before COMMIT.
    let cache = RowCache()

    var dialect: SQLDialect { executor.dialect }

    func requireLeaseChain(_ requested: String?) throws(StoreError) {
        guard requested == chain else { throw .chainMismatch(lease: chain, requested: requested ?? "(none)") }
    }

    // MARK: Checkpoint

    func checkpoint() async throws -> (block: UInt64, hash: String)? {
        var sql: BoundSQL = "SELECT last_synced_block, last_synced_hash FROM indexer_state WHERE chain = "
        sql.append(value: .text(chain))
        guard let row = try await executor.fetch(sql, types: [.integer, .text]).first,
              case let .int(block) = row[0]
        else { return nil }
        return (try Self.unsigned(block, "indexer_state"), row[1].text ?? "")
    }

    func setCheckpoint(block: UInt64, hash: String) async throws {
        var sql: BoundSQL = "UPDATE indexer_state SET last_synced_block = "
        sql.append(value: try StoreValue(block))
        sql.append(", last_synced_hash = ")
        sql.append(value: .text(hash))
        sql.append(", updated_at = \(dialect.now) WHERE chain = ")
        sql.append(value: .text(chain))
        try await executor.execute(sql)
    }

    func setLastError(_ message: String?) async throws {
        var sql: BoundSQL = "UPDATE indexer_state SET last_error = "
        sql.append(value: StoreValue(message))
        sql.append(" WHERE chain = ")
        sql.append(value: .text(chain))
        try await executor.execute(sql)
    }

    // MARK: Events

    func insertEvents(_ events: [ChainEventRecord]) async throws {
        for event in events where event.chain != chain { try requireLeaseChain(event.chain) }
        guard !events.isEmpty else { return }
        try await executor.insertEvents(events)
    }

    func events(chain: String, fromBlock: UInt64, toBlock: UInt64) async throws -> [ChainEventRecord] {
        var sql = BoundSQL(
            "SELECT block_number, block_hash, tx_hash, log_index, address, event_name, \(dialect.topicsAsJSON), data, "
                + "\(dialect.argsAsText) FROM chain_events WHERE chain = "
        )
        sql.append(value: .text(chain))
        sql.append(" AND block_number >= ")
        sql.append(value: Self.bound(fromBlock))
        sql.append(" AND block_number <= ")
        sql.append(value: Self.bound(toBlock))
        sql.append(" ORDER BY block_number, log_index")
        let rows = try await executor.fetch(sql, types: [.integer, .text, .text, .integer, .text, .text, .json, .text, .json])
        return try rows.map { row in
            guard case let .int(block) = row[0], case let .text(blockHash) = row[1], case let .text(txHash) = row[2],
                  case let .int(logIndex) = row[3], case let .text(address) = row[4], case let .text(topics) = row[6],
                  case let .text(data) = row[7]
            else { throw StoreError.corruptRow(table: "chain_events", reason: "NULL in a NOT NULL column") }
            return ChainEventRecord(
                chain: chain, blockNumber: try Self.unsigned(block, "chain_events"), blockHash: blockHash, txHash: txHash,
                logIndex: try Self.unsigned(logIndex, "chain_events"), address: address, eventName: row[5].text,
                topics: try JSONDecoder().decode([String].self, from: Data(topics.utf8)), data: data, args: row[8].text
            )
        }
    }

    func deleteEvents(chain: String, afterBlock: UInt64) async throws {
        try requireLeaseChain(chain)
        var sql: BoundSQL = "DELETE FROM chain_events WHERE chain = "
        sql.append(value: .text(chain))
        sql.append(" AND block_number > ")
        sql.append(value: Self.bound(afterBlock))
        try await executor.execute(sql)
    }

    func maxEventBlock(chain: String) async throws -> UInt64? {
        var sql: BoundSQL = "SELECT MAX(block_number) FROM chain_events WHERE chain = "
        sql.append(value: .text(chain))
        return try await fetchBlock(sql, table: "chain_events")
    }

    // MARK: Block hashes

    func saveBlockHashes(_ blocks: [BlockHashRecord]) async throws {
        for block in blocks where block.chain != chain { try requireLeaseChain(block.chain) }
        // 4 binds a row; 1,000 rows stay far below both engines' bind limits.
        for start in stride(from: 0, to: blocks.count, by: 1000) {
            var sql: BoundSQL = "INSERT INTO block_hashes (chain, number, hash, parent_hash) VALUES "
            for (index, block) in blocks[start..<min(start + 1000, blocks.count)].enumerated() {
                sql.append(index == 0 ? "(" : ", (")
                sql.append(values: [.text(block.chain), try StoreValue(block.number), .text(block.hash), .text(block.parentHash)])
                sql.append(")")
            }
            sql.append(" ON CONFLICT (chain, number) DO UPDATE SET hash = excluded.hash, parent_hash = excluded.parent_hash")
            try await executor.execute(sql)
        }
    }

    func blockHash(chain: String, number: UInt64) async throws -> BlockHashRecord? {
        var sql: BoundSQL = "SELECT hash, parent_hash FROM block_hashes WHERE chain = "
        sql.append(value: .text(chain))
        sql.append(" AND number = ")
        sql.append(value: Self.bound(number))
        guard let row = try await executor.fetch(sql, types: [.text, .text]).first else { return nil }
        guard case let .text(hash) = row[0], case let .text(parent) = row[1] else {
            throw StoreError.corruptRow(table: "block_hashes", reason: "NULL hash")
        }
        return BlockHashRecord(chain: chain, number: number, hash: hash, parentHash: parent)
    }

    func deleteBlockHashes(chain: String, afterBlock: UInt64) async throws {
        try requireLeaseChain(chain)
        var sql: BoundSQL = "DELETE FROM block_hashes WHERE chain = "
        sql.append(value: .text(chain))
        sql.append(" AND number > ")
        sql.append(value: Self.bound(afterBlock))
        try await executor.execute(sql)
    }

    func pruneBelow(chain: String, block: UInt64) async throws {
        try requireLeaseChain(chain)
        // Journal entries still in the cache may be among those to prune.
        try await flushJournal()
        for (table, column) in [("block_hashes", "number"), ("reorg_journal", "block_number")] {
            var sql = BoundSQL("DELETE FROM \(table) WHERE chain = ")
            sql.append(value: .text(chain))
            sql.append(" AND \(column) < ")
            sql.append(value: Self.bound(block))
            try await executor.execute(sql)
        }
    }

    // MARK: Helpers

    func fetchBlock(_ sql: BoundSQL, table: String) async throws -> UInt64? {
        guard let row = try await executor.fetch(sql, types: [.integer]).first, case let .int(value) = row[0] else { return nil }
        return try Self.unsigned(value, table)
    }

    /// A query bound: numbers past `Int64.max` mean "no bound".
    static func bound(_ number: UInt64) -> StoreValue { .int(Int64(clamping: number)) }

    static func unsigned(_ value: Int64, _ table: String) throws(StoreError) -> UInt64 {
        guard let number = UInt64(exactly: value) else { throw .corruptRow(table: table, reason: "negative number \(value)") }
        return number
    }
}
