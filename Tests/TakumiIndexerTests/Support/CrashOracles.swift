import Ethereum
import EthereumRPC
import Foundation
import Prometheus
import Synchronization
import Takumi
import TakumiStore
import Testing
import TestSupport
@testable import TakumiIndexer

/// What a database indexed from the (unchanging) seeded chain must hold,
/// after any number of crashes and restarts: the three oracles (seed
/// ledger, the contracts' eth_call views, a fresh uninterrupted index) and
/// the chain's own logs for `chain_events`. Computed once per chain head
/// and shared by the crash tests (the views alone are ~700 eth_calls).
struct CrashOracles: Sendable {
    let chain: TestChain
    let configuration: IndexerConfiguration
    let head: UInt64
    let headHash: String
    let fromLedger: [String: [String: DatabaseReader.Row]]
    let fromViews: [String: [String: DatabaseReader.Row]]
    /// A fresh index to the head (PostgreSQL), events included; see ``fresh(on:)``.
    let fresh: DatabaseDump
    /// Every log of our contracts up to the head (eth_getLogs), in chain order.
    let logs: [RPCLog]

    var label: String { configuration.chain }
    /// The checkpoint before the first batch.
    var genesis: UInt64 { configuration.startBlock > 0 ? configuration.startBlock - 1 : 0 }

    private static let cache = Mutex<[String: CrashOracles]>([:])

    /// The oracles of `chain` as it is now (cached by RPC URL and head hash).
    static func of(_ chain: TestChain) async throws -> CrashOracles {
        let head = try await chain.client.blockNumber()
        let headHash = try #require(try await chain.client.block(.number(head))).hash.hex
        let key = "\(chain.rpcURL)#\(head)#\(headHash)"
        if let cached = cache.withLock({ $0[key] }) { return cached }

        let manifest = try #require(chain.manifest, "the test chain has no deployment")
        let configuration = IndexerConfiguration(manifest: manifest)
        let ledger = try SeedLedger.load(try #require(chain.seedLedger, "the crash tests need a seeded chain"))
        let fromViews = try await Oracle.expected(
            from: chain, manifest: manifest, head: head,
            owners: ledger.profiles.map(\.owner), accounts: ledger.verifiers.map(\.account)
        )
        let oracles = CrashOracles(
            chain: chain, configuration: configuration, head: head, headHash: headHash,
            fromLedger: Oracle.expected(from: ledger), fromViews: fromViews,
            fresh: try await Rig.freshDump(of: chain, backend: .postgresql),
            logs: try await chain.client.logs(addresses: configuration.addresses, from: 0, to: head)
        )
        #expect(oracles.logs.count > 1_000, "the seeded chain has over a thousand events")
        cache.withLock { $0[key] = oracles }
        return oracles
    }

    /// The logs of blocks up to `block`.
    func logs(through block: UInt64) -> [RPCLog] { logs.filter { $0.blockNumber <= block } }

    /// `chain_events` holds exactly the chain's logs of blocks up to `block`:
    /// none missing, none twice, none later, each with its block number and hash.
    func eventIssues(_ reader: DatabaseReader, through block: UInt64) async throws -> [String] {
        try await Self.eventIssues(reader, label: label, logs: logs(through: block), through: block)
    }

    /// `chain_events` of `label` holds exactly `wanted` (the chain's logs up to `block`).
    static func eventIssues(_ reader: DatabaseReader, label: String, logs wanted: [RPCLog], through block: UInt64) async throws -> [String] {
        let stored: [String: DatabaseReader.Row]
        do {
            stored = try await reader.events(chain: label)  // throws on a (tx hash, log index) stored twice
        } catch let error as ReaderError {
            return ["chain_events: \(error)"]
        }
        var issues: [String] = []
        var seen = Set<String>()
        for log in wanted {
            let key = "\(log.transactionHash.hex)#\(log.logIndex)"
            seen.insert(key)
            guard let row = stored[key] else { issues.append("chain_events \(key) (block \(log.blockNumber)): lost"); continue }
            if row["block_number"] ?? nil != String(log.blockNumber) || row["block_hash"] ?? nil != log.blockHash.hex {
                issues.append("chain_events \(key): block \(row["block_number"].flatMap { $0 } ?? "NULL") \(row["block_hash"].flatMap { $0 } ?? "NULL"), the chain says \(log.blockNumber) \(log.blockHash.hex)")
            }
        }
        for key in Set(stored.keys).subtracting(seen).sorted() {
            issues.append("chain_events \(key) (block \(stored[key]?["block_number"].flatMap { $0 } ?? "?")): not a log of a block ≤ \(block)")
        }
        let duplicates = try await reader.int(
            "SELECT COUNT(*) FROM (SELECT tx_hash, log_index FROM chain_events GROUP BY chain, tx_hash, log_index HAVING COUNT(*) > 1) d"
        )
        if duplicates > 0 { issues.append("chain_events: \(duplicates) (tx hash, log index) pairs stored more than once") }
        if stored.count != wanted.count {
            issues.append("chain_events: \(stored.count) rows, the chain has \(wanted.count) logs up to block \(block)")
        }
        return issues
    }

    /// A crash left a consistent prefix: the checkpoint `block` and nothing of
    /// any later block (events, block hashes, journal entries).
    func nothingPastIssues(_ reader: DatabaseReader, checkpoint block: UInt64) async throws -> [String] {
        var issues: [String] = []
        for (table, column) in [("chain_events", "block_number"), ("block_hashes", "number"), ("reorg_journal", "block_number")] {
            let later = try await reader.int("SELECT COUNT(*) FROM \(table) WHERE chain = '\(label)' AND \(column) > \(block)")
            if later > 0 { issues.append("\(table): \(later) rows of blocks after the checkpoint \(block)") }
        }
        return issues
    }

    /// The finished index equals every oracle: checkpoint at the head, the
    /// seed ledger, the eth_call views, a fresh index (projections and
    /// events), and the chain's logs.
    func finalIssues(_ reader: DatabaseReader, store: any IndexerStore, backend: Backend) async throws -> [String] {
        var issues: [String] = []
        let state = try await store.state(chain: label)
        if state?.lastSyncedBlock != head || state?.lastSyncedHash != headHash {
            issues.append("indexer_state: block \(state?.lastSyncedBlock.map(String.init) ?? "none") hash \(state?.lastSyncedHash ?? "none"), expected the head \(head) \(headHash)")
        }
        let dump = try await reader.dump(chain: label)
        for table in Oracle.tables {
            let name = table.name
            issues += Oracle.compare(dump.tables[name] ?? [:], fromLedger[name] ?? [:], table: name).prefix(5).map { "vs the seed ledger: \($0)" }
            issues += Oracle.compare(dump.tables[name] ?? [:], fromViews[name] ?? [:], table: name).prefix(5).map { "vs eth_call views: \($0)" }
        }
        issues += dump.differences(from: try await fresh(on: backend)).map { "vs a fresh index: \($0)" }
        issues += try await eventIssues(reader, through: head)
        return issues
    }

    /// A fresh index to the head on `backend` (the engines spell JSON columns
    /// such as `chain_events.topics` differently, so dumps compare within one engine).
    func fresh(on backend: Backend) async throws -> DatabaseDump {
        backend == .postgresql ? fresh : try await Rig.freshDump(of: chain, backend: backend)
    }

    /// A fresh index of the chain stopped at `block` (projections and events): what a crash at checkpoint `block` must leave.
    func freshDump(through block: UInt64, on backend: Backend) async throws -> DatabaseDump {
        try await Rig.freshDump(
            of: chain, backend: backend,
            transport: CappedHeadTransport(inner: Rig.pool([chain.rpcURL], registry: PrometheusCollectorRegistry()), cap: block)
        )
    }

    /// The settings `takumi indexer …` gets for this chain and `database`.
    func settings(for database: TestDatabase, maxBatchBlocks: UInt64?, failpoints: String? = nil) throws -> [String: String] {
        let manifestURL = try #require(chain.manifestURL)
        var settings = [
            "CHAIN": label, "DEPLOYMENT_FILE": manifestURL.path,
            Setting.rpcURLPrefix + label.uppercased().replacingOccurrences(of: "-", with: "_"): chain.rpcURL,
            "LOG_FORMAT": "text", "LOG_LEVEL": ProcessInfo.processInfo.environment["TAKUMI_TEST_LOG"] ?? "notice",
        ]
        if let url = database.postgresURL {
            settings["DATABASE_URL"] = url.urlString
        } else {
            settings["SQLITE_PATH"] = database.sqlitePath
        }
        if let maxBatchBlocks { settings["INDEXER_MAX_BATCH_BLOCKS"] = String(maxBatchBlocks) }
        if let failpoints { settings[Failpoints.environmentVariable] = failpoints }
        return settings
    }
}
