import Foundation
import PostgresNIO
import Testing
@testable import TakumiStore

@Suite("Chain events and block hashes")
struct EventTests {
    @Test("bulk insert is idempotent and round-trips every field", arguments: Backend.allCases)
    func idempotentInsert(backend: Backend) async throws {
        try await StoreHarness.with(backend) { harness in
            var events = Fixtures.events(count: 300)
            // Text COPY must escape: tab, newline, backslash, quotes, non-ASCII; and NULLs.
            events[5].args = #"{"name":"tab\there","bio":"line\nbreak \\ back \"quoted\" 匠 🚀"}"#
            events[6].eventName = nil
            events[6].args = nil
            events[7].topics = []
            events[8].topics = [#"odd"topic\with,comma{}"#]
            let lease = try await harness.lease()
            try await harness.store.write(lease) { tx in
                try await tx.insertEvents(events)
                try await tx.insertEvents(Array(events[100..<200]))                   // same transaction
            }
            let more = Fixtures.events(count: 50, firstBlock: 31)
            try await harness.store.write(lease) { tx in
                try await tx.insertEvents(Array(events[250...]) + more + Array(more[0..<10]))   // overlap and duplicates
            }
            let stored = try await harness.store.write(lease) { tx in try await tx.events(chain: "dev", fromBlock: 0, toBlock: .max) }
            #expect(stored.count == 350)
            #expect(stored == events + more)
            await lease.release()
        }
    }

    @Test("20,000 events in one batch", arguments: Backend.allCases)
    func twentyThousand(backend: Backend) async throws {
        try await StoreHarness.with(backend) { harness in
            let events = Fixtures.events(count: 20_000, perBlock: 40)
            let lease = try await harness.lease()
            let clock = ContinuousClock()
            let elapsed = try await clock.measure {
                try await harness.store.write(lease) { tx in try await tx.insertEvents(events) }
            }
            let again = try await clock.measure {
                try await harness.store.write(lease) { tx in try await tx.insertEvents(events) }
            }
            print("[TakumiStore] \(backend): 20,000 events inserted in \(elapsed) (re-insert, all duplicates: \(again))")
            let count = try await harness.raw.rawColumn("SELECT CAST(COUNT(*) AS TEXT) FROM chain_events")
            #expect(count == ["20000"])
            let maxBlock = try await harness.store.write(lease) { tx in try await tx.maxEventBlock(chain: "dev") }
            #expect(maxBlock == 500)
            await lease.release()
        }
    }

    @Test("range queries are ordered by block and log index; delete after a block", arguments: Backend.allCases)
    func rangesAndDelete(backend: Backend) async throws {
        try await StoreHarness.with(backend) { harness in
            let events = Fixtures.events(count: 60, perBlock: 6)    // blocks 1…10
            let lease = try await harness.lease()
            try await harness.store.write(lease) { tx in
                #expect(try await tx.maxEventBlock(chain: "dev") == nil)
                try await tx.insertEvents(events.shuffled())
                try await tx.insertEvents([Fixtures.event(chain: "dev", block: 4, log: 99)])
            }
            try await harness.store.write(lease) { tx in
                let range = try await tx.events(chain: "dev", fromBlock: 3, toBlock: 5)
                #expect(range.count == 19)
                #expect(range.map(\.blockNumber) == range.map(\.blockNumber).sorted())
                #expect(range.first?.blockNumber == 3 && range.last?.blockNumber == 5)
                let keys = range.map { [$0.blockNumber, $0.logIndex] }
                #expect(keys == keys.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) })
                #expect(try await tx.events(chain: "other", fromBlock: 0, toBlock: .max).isEmpty)

                try await tx.deleteEvents(chain: "dev", afterBlock: 7)
                #expect(try await tx.maxEventBlock(chain: "dev") == 7)
                #expect(try await tx.events(chain: "dev", fromBlock: 8, toBlock: .max).isEmpty)
                #expect(try await tx.events(chain: "dev", fromBlock: 7, toBlock: 7).count == 6)
                // A fenced transaction writes its own chain only.
                await #expect(throws: StoreError.chainMismatch(lease: "dev", requested: "sepolia")) {
                    try await tx.deleteEvents(chain: "sepolia", afterBlock: 0)
                }
            }
            await lease.release()
        }
    }

    @Test("block hashes: save, replace, delete after, prune below finality", arguments: Backend.allCases)
    func blockHashes(backend: Backend) async throws {
        try await StoreHarness.with(backend) { harness in
            let blocks = (1...10).map { BlockHashRecord(chain: "dev", number: UInt64($0), hash: Fixtures.hex($0), parentHash: Fixtures.hex($0 - 1)) }
            let lease = try await harness.lease()
            try await harness.store.write(lease) { tx in
                try await tx.saveBlockHashes(blocks)
                #expect(try await tx.blockHash(chain: "dev", number: 5) == blocks[4])
                let replaced = BlockHashRecord(chain: "dev", number: 10, hash: Fixtures.hex(1010), parentHash: Fixtures.hex(9))
                try await tx.saveBlockHashes([replaced])
                #expect(try await tx.blockHash(chain: "dev", number: 10) == replaced)

                try await tx.deleteBlockHashes(chain: "dev", afterBlock: 8)
                #expect(try await tx.blockHash(chain: "dev", number: 9) == nil)
                #expect(try await tx.blockHash(chain: "dev", number: 8) == blocks[7])

                let skill = ProjectionRow(.skills, [
                    "chain": "dev", "id": 1, "owner": "0x01", "name": "Swift", "category": "language",
                    "created_block": 3, "last_block": 3,
                ])
                try await tx.upsert(skill, journalBlock: 3)
                try await tx.upsert(skill, journalBlock: 6)
                #expect(try await tx.journalFloor(chain: "dev") == 3)
                try await tx.pruneBelow(chain: "dev", block: 5)
                #expect(try await tx.blockHash(chain: "dev", number: 4) == nil)
                #expect(try await tx.blockHash(chain: "dev", number: 5) == blocks[4])
                #expect(try await tx.journalFloor(chain: "dev") == 6)
            }
            await lease.release()
        }
    }

    @Test("a throw rolls the whole batch back", arguments: Backend.allCases)
    func rollback(backend: Backend) async throws {
        try await StoreHarness.with(backend) { harness in
            let lease = try await harness.lease()
            await #expect(throws: DeliberateFailure.self) {
                try await harness.store.write(lease) { tx in
                    try await tx.insertEvents(Fixtures.events(count: 500))
                    try await tx.saveBlockHashes([BlockHashRecord(chain: "dev", number: 1, hash: Fixtures.hex(1), parentHash: Fixtures.hex(0))])
                    try await tx.upsert(ProjectionRow(.profiles, [
                        "chain": "dev", "owner": "0x01", "name": "Aiko", "created_block": 1, "updated_block": 1, "last_block": 1,
                    ]), journalBlock: 1)
                    try await tx.setCheckpoint(block: 50, hash: Fixtures.hex(50))
                    throw DeliberateFailure()
                }
            }
            try await harness.store.write(lease) { tx async throws in
                #expect(try await tx.checkpoint() == nil)
                #expect(try await tx.maxEventBlock(chain: "dev") == nil)
                #expect(try await tx.blockHash(chain: "dev", number: 1) == nil)
                #expect(try await tx.row(.profiles, key: ["dev", "0x01"]) == nil)
                #expect(try await tx.journalFloor(chain: "dev") == nil)
            }
            // The connection is usable afterwards (no transaction left open).
            try await harness.store.write(lease) { tx in try await tx.setCheckpoint(block: 1, hash: Fixtures.hex(1)) }
            #expect(try await harness.store.state(chain: "dev")?.lastSyncedBlock == 1)
            await lease.release()
        }
    }

    @Test("COPY text: decimals and array elements written straight into the buffer say what the strings say")
    func copyFields() {
        for value: Int64 in [0, 7, 10, 99, 1_234_567_890_123, .max, .max - 1, -1, -10, -1_234_567, .min, .min + 1] {
            var buffer = ByteBuffer()
            buffer.writeDecimal(value)
            #expect(buffer.readString(length: buffer.readableBytes) == String(value))
        }
        for text in ["0xabc", "", #"odd"topic\with,comma{}"#, "tab\there", "line\nbreak"] {
            var direct = ByteBuffer()
            PostgresCopy.appendArrayElement(text, to: &direct)
            var general = ByteBuffer()
            PostgresCopy.appendText(PostgresCopy.arrayElement(text), to: &general)
            #expect(direct == general, "\(text)")
        }
    }
}
