import Foundation
import Testing
@testable import TakumiStore

@Suite("Checkpoint, lease and fencing")
struct LeaseTests {
    @Test("checkpoint, last error and the runbook's manual resync", arguments: Backend.allCases)
    func checkpoint(backend: Backend) async throws {
        try await StoreHarness.with(backend) { harness in
            let store = harness.store
            #expect(try await store.state(chain: "dev") == nil)
            let lease = try await harness.lease()
            #expect(lease.epoch == 1)
            let fresh = try #require(try await store.state(chain: "dev"))
            #expect(fresh.lastSyncedBlock == nil && fresh.epoch == 1 && fresh.lastError == nil)

            let hash = Fixtures.hex(10)
            try await store.write(lease) { tx in
                #expect(try await tx.checkpoint() == nil)
                try await tx.setCheckpoint(block: 10, hash: hash)
                try await tx.setLastError("rpc timeout")
            }
            let state = try #require(try await store.state(chain: "dev"))
            #expect(state.lastSyncedBlock == 10 && state.lastSyncedHash == hash && state.lastError == "rpc timeout")
            #expect(abs(state.updatedAt.timeIntervalSinceNow) < 120)
            let checkpoint = try await store.write(lease) { tx in
                try await tx.setLastError(nil)
                return try await tx.checkpoint().map { "\($0.block) \($0.hash)" }
            }
            #expect(checkpoint == "10 \(hash)")
            #expect(try await store.state(chain: "dev")?.lastError == nil)

            // docs/RUNBOOK: UPDATE indexer_state SET last_synced_block = N WHERE chain = '…';
            try await harness.raw.rawExecute("UPDATE indexer_state SET last_synced_block = 4 WHERE chain = 'dev'")
            let reset = try #require(try await store.state(chain: "dev"))
            #expect(reset.lastSyncedBlock == 4 && reset.lastSyncedHash == nil)
            let afterReset = try await store.write(lease) { tx in try await tx.checkpoint().map { "\($0.block) \($0.hash)" } }
            #expect(afterReset == "4 ")
            await lease.release()
        }
    }

    @Test("a newer lease fences the old one out", arguments: Backend.allCases)
    func fencing(backend: Backend) async throws {
        try await StoreHarness.with(backend) { harness in
            let store = harness.store
            let first = try await harness.lease()
            try await store.write(first) { tx in try await tx.setCheckpoint(block: 1, hash: Fixtures.hex(1)) }
            await first.release()
            #expect(!first.isHeld)
            // Released and not yet replaced: lost, not fenced.
            let lost = await #expect(throws: StoreError.self) { try await store.write(first) { _ in } }
            #expect(lost == .leaseLost(chain: "dev", reason: "the lease was released"))

            let second = try await harness.lease()
            #expect(second.epoch == first.epoch + 1)
            let fenced = await #expect(throws: StoreError.self) {
                try await store.write(first) { tx in try await tx.setCheckpoint(block: 99, hash: Fixtures.hex(99)) }
            }
            #expect(fenced == .fenced(chain: "dev", leaseEpoch: 1, currentEpoch: 2))
            try await store.write(second) { tx in try await tx.setCheckpoint(block: 2, hash: Fixtures.hex(2)) }
            #expect(try await store.state(chain: "dev")?.lastSyncedBlock == 2)
            // Leases of other chains are independent.
            let other = try await harness.lease("sepolia")
            #expect(other.epoch == 1)
            await other.release()
            await second.release()
        }
    }

    @Test("a second store waits for the lease until the first is released", arguments: Backend.allCases)
    func exclusive(backend: Backend) async throws {
        try await StoreHarness.with(backend) { harness in
            let first = try await harness.lease()
            try await harness.withSecondStore { other in
                let timeout = await #expect(throws: StoreError.self) {
                    _ = try await other.acquireLease(chain: "dev", wait: .milliseconds(300))
                }
                #expect(timeout == .leaseTimeout(chain: "dev", waited: .milliseconds(300)))

                // A waiter gets the lease as soon as the holder lets go. The bound only separates
                // "waited forever" from "got it": under CI's load both this task and the waiter
                // were starved past a 20-s bound before the release could run.
                async let waiting = other.acquireLease(chain: "dev", wait: .seconds(300))
                try await Task.sleep(for: .milliseconds(300))
                await first.release()
                let second = try await waiting
                #expect(second.epoch == first.epoch + 1)
                let fenced = await #expect(throws: StoreError.self) { try await harness.store.write(first) { _ in } }
                #expect(fenced == .fenced(chain: "dev", leaseEpoch: first.epoch, currentEpoch: second.epoch))
                try await other.write(second) { tx in try await tx.setCheckpoint(block: 3, hash: Fixtures.hex(3)) }
                await second.release()
            }
        }
    }

    @Test("PostgreSQL: losing the lease's connection makes write fail with leaseLost")
    func leaseConnectionLost() async throws {
        try await StoreHarness.with(.postgresql) { harness in
            let lease = try await harness.lease()
            let handle = try #require(lease.handle as? PostgresLeaseHandle)
            // What a PostgreSQL restart does to the session: it ends, and its advisory lock with it.
            _ = try await harness.raw.rawColumn("SELECT CAST(pg_terminate_backend(\(handle.backendPID)) AS TEXT)")
            let lost = await #expect(throws: StoreError.self) {
                try await harness.store.write(lease) { tx in try await tx.setCheckpoint(block: 5, hash: Fixtures.hex(5)) }
            }
            guard case .leaseLost(chain: "dev", _) = lost else {
                Issue.record("expected leaseLost, got \(String(describing: lost))")
                return
            }
            #expect(try await harness.store.state(chain: "dev")?.lastSyncedBlock == nil)
            // The indexer re-acquires: a new epoch, and writing works again.
            let again = try await harness.store.acquireLease(chain: "dev", wait: .seconds(60))
            #expect(again.epoch == lease.epoch + 1)
            try await harness.store.write(again) { tx in try await tx.setCheckpoint(block: 5, hash: Fixtures.hex(5)) }
            await again.release()
        }
    }

    @Test("check() connects, runs SELECT 1 and reports the version", arguments: Backend.allCases)
    func health(backend: Backend) async throws {
        try await StoreHarness.with(backend) { harness in
            let health = try await harness.store.check()
            #expect(health.backend.rawValue == backend.rawValue)
            #expect(!health.serverVersion.isEmpty && health.serverVersion != "unknown")
            // Only that a latency was measured: how long it takes is a benchmark's business.
            #expect(health.latency > .zero)
            #expect(!health.location.contains("****") || backend == .postgresql)
        }
    }

    @Test("check() on PostgreSQL reports an unreachable server as unavailable")
    func healthUnavailable() async throws {
        let store = PostgresStore(url: try PostgresURL("postgres://takumi:secret@127.0.0.1:1/none"), logger: StoreHarness.logger)
        let error = await #expect(throws: StoreError.self) { try await store.check() }
        guard case let .unavailable(location, _) = error else {
            Issue.record("expected unavailable, got \(String(describing: error))")
            return
        }
        #expect(!location.contains("secret"))
    }
}
