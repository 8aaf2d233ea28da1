import Foundation
import Logging
import Testing
import TestSupport
@testable import TakumiStore

/// The two backends every conformance test runs against.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case postgresql
    case sqlite

    var testDescription: String { rawValue }
}

/// A migrated store of one backend for one test: PostgreSQL in a fresh
/// database of the test server (`TestServices`), SQLite in a fresh
/// temporary file. A missing PostgreSQL fails the test with instructions.
struct StoreHarness: Sendable {
    let backend: Backend
    let store: any DatabaseStore
    /// Where a second store instance on the same database connects.
    let url: String?
    let sqlitePath: String

    static let logger: Logger = {
        var logger = Logger(label: "takumi.store.tests")
        logger.logLevel = .error   // PostgresNIO warns when a query races the pool's start
        return logger
    }()

    static func with<T: Sendable>(_ backend: Backend, _ body: (StoreHarness) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("takumi-store-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folder) }
        let sqlitePath = folder.appendingPathComponent("takumi.sqlite").path
        switch backend {
        case .sqlite:
            return try await TakumiDatabase.withDatabase(url: nil, sqlitePath: sqlitePath, logger: logger) { store in
                try await body(StoreHarness(backend: backend, store: store, url: nil, sqlitePath: sqlitePath))
            }
        case .postgresql:
            return try await TestServices.withFreshDatabase { url in
                try await TakumiDatabase.withDatabase(url: url.urlString, sqlitePath: sqlitePath, logger: logger) { store in
                    try await body(StoreHarness(backend: backend, store: store, url: url.urlString, sqlitePath: sqlitePath))
                }
            }
        }
    }

    /// Another store instance (another "process") on the same database, running for `body`.
    func withSecondStore<T: Sendable>(_ body: (any DatabaseStore) async throws -> T) async throws -> T {
        try await TakumiDatabase.withDatabase(url: url, sqlitePath: sqlitePath, logger: Self.logger, body)
    }

    var raw: any RawSQL {
        get throws {
            guard let raw = store as? any RawSQL else { throw HarnessError("\(type(of: store)) has no raw SQL access") }
            return raw
        }
    }

    /// A lease on `chain`, taken at once.
    func lease(_ chain: String = "dev") async throws -> IndexerLease {
        try await store.acquireLease(chain: chain, wait: .seconds(5))
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A failure thrown on purpose inside a transaction.
struct DeliberateFailure: Error {}

enum Fixtures {
    static func hex(_ seed: Int, bytes: Int = 32) -> String {
        let digits = String(format: "%016x", UInt64(truncatingIfNeeded: seed) &* 0x9E37_79B9_7F4A_7C15)
        return "0x" + String(repeating: digits, count: bytes * 2 / 16 + 1).prefix(bytes * 2)
    }

    static func event(chain: String = "dev", block: UInt64, log: UInt64, name: String? = "SkillAdded", args: String? = nil) -> ChainEventRecord {
        ChainEventRecord(
            chain: chain, blockNumber: block, blockHash: hex(Int(block)), txHash: hex(Int(block * 1000 + log / 4)),
            logIndex: log, address: hex(7, bytes: 20), eventName: name,
            topics: [hex(1), hex(Int(block)), hex(Int(log))], data: "0x" + String(repeating: "00", count: 32),
            args: args ?? (name == nil ? nil : #"{"skillId":"\#(block * 100 + log)","name":"Swift"}"#)
        )
    }

    static func events(chain: String = "dev", count: Int, perBlock: Int = 10, firstBlock: UInt64 = 1) -> [ChainEventRecord] {
        (0..<count).map { index in
            event(chain: chain, block: firstBlock + UInt64(index / perBlock), log: UInt64(index % perBlock))
        }
    }
}
