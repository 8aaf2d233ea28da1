import Ethereum
import EthereumRPC
import Foundation
import Takumi
import TakumiStore
import Testing
import TestSupport
@testable import TakumiIndexer

/// Crash safety (ARCHITECTURE.md § Indexer rules, rule 1): the real
/// `takumi indexer run|resync` binary against the seeded dev chain (network
/// label "sepolia", finality 32) and a fresh database, killed with SIGKILL
/// at named failpoints inside its transactions (``Failpoints``) and at random
/// moments of a backfill; after a restart the database must equal the three
/// oracles and `chain_events` the chain's logs, none lost, none twice.
///
/// Each kill is also checked on the spot: the database holds a consistent
/// prefix (a checkpoint, everything up to it, nothing after it), so an
/// indexer that committed events, projections and checkpoint separately
/// fails here even if a later reconcile would have hidden it.
@Suite("Crash safety: SIGKILL of takumi indexer", .serialized, .sharedChain(seed: true, network: "sepolia"))
struct CrashTests {
    /// A kill at a batch failpoint: `point` on its `pass`-th pass (nil: in the
    /// last batch, whose blocks are unfinalized and journaled).
    struct BatchCrash: Sendable, CustomTestStringConvertible {
        var point: Failpoints.Point
        var pass: Int?
        var backend: Backend

        var testDescription: String { "\(point.rawValue):\(pass.map(String.init) ?? "last batch") on \(backend)" }
    }

    /// Blocks per batch in the failpoint tests (INDEXER_MAX_BATCH_BLOCKS), so
    /// the kill's checkpoint is known in advance: genesis + 50 × (pass − 1).
    static let batchBlocks: UInt64 = 50

    @Test("takumi indexer run killed at a batch failpoint leaves exactly the previous batches; the restart ends equal to the oracles",
          arguments: [
              BatchCrash(point: .batchAfterEvents, pass: 3, backend: .postgresql),
              BatchCrash(point: .batchBeforeCheckpoint, pass: 7, backend: .postgresql),
              BatchCrash(point: .batchBeforeCommit, pass: 2, backend: .postgresql),
              BatchCrash(point: .batchBeforeCheckpoint, pass: nil, backend: .postgresql),
              BatchCrash(point: .batchBeforeCommit, pass: 5, backend: .sqlite),
          ])
    func batchFailpoint(_ crash: BatchCrash) async throws {
        try await SharedChain.withSnapshot { chain in
            let oracles = try await CrashOracles.of(chain)
            let (head, genesis) = (oracles.head, oracles.genesis)
            let batches = Int((head - genesis + Self.batchBlocks - 1) / Self.batchBlocks)
            let pass = crash.pass ?? batches
            try #require(pass > 1 && pass <= batches, "the kill lands inside the backfill (\(batches) batches)")
            let expectedCheckpoint = genesis + Self.batchBlocks * UInt64(pass - 1)
            if crash.pass == nil {
                #expect(expectedCheckpoint + Self.batchBlocks > head - oracles.configuration.finalityDepth, "the last batch holds journaled blocks")
            }

            try await TestDatabase.with(crash.backend) { database in
                try await Self.withProcesses { processes, folder in
                    let armed = "\(crash.point.rawValue):\(pass)"
                    let first = try processes.launch(
                        ["indexer", "run"], settings: oracles.settings(for: database, maxBatchBlocks: Self.batchBlocks, failpoints: armed),
                        folder: folder, logName: "run-armed.log"
                    )
                    try await Self.expectKilledAtFailpoint(first, crash.point, pass: pass)

                    // On the spot: the previous batch's checkpoint, nothing of the killed batch.
                    let checkpoint = try await database.store.state(chain: oracles.label)?.lastSyncedBlock ?? genesis
                    print("CrashTests: \(crash.testDescription): killed with checkpoint \(checkpoint) (head \(head), \(batches) batches of \(Self.batchBlocks))")
                    #expect(checkpoint == expectedCheckpoint, "killed in batch \(pass): the checkpoint of batch \(pass - 1)")
                    var atKill = try await oracles.nothingPastIssues(database.reader, checkpoint: checkpoint)
                    atKill += try await oracles.eventIssues(database.reader, through: checkpoint)
                    let prefix = try await oracles.freshDump(through: checkpoint, on: crash.backend)
                    atKill += try await database.reader.dump(chain: oracles.label).differences(from: prefix).map { "vs a fresh index to \(checkpoint): \($0)" }
                    #expect(atKill.isEmpty, "right after the kill:\n\(atKill.prefix(12).joined(separator: "\n"))")

                    // The restart, without the failpoint, to the head.
                    let second = try processes.launch(
                        ["indexer", "run"], settings: oracles.settings(for: database, maxBatchBlocks: Self.batchBlocks),
                        folder: folder, logName: "run-restart.log"
                    )
                    try await Self.waitSynced(second, to: head, store: database.store, label: oracles.label)
                    let stopped = try await second.stop()
                    #expect(stopped == .exited(0), "SIGTERM stops the indexer cleanly: \(second.outputTail())")
                    #expect(!second.output.contains("TAKUMI_FAILPOINTS"), "the restart runs without failpoints")

                    let final = try await oracles.finalIssues(database.reader, store: database.store, backend: crash.backend)
                    #expect(final.isEmpty, "after the crash and restart:\n\(final.prefix(20).joined(separator: "\n"))")
                }
            }
        }
    }

    /// A kill inside a rollback, reached through `takumi indexer resync`.
    struct RollbackCrash: Sendable, CustomTestStringConvertible {
        var point: Failpoints.Point
        var pass: Int
        /// The resync keeps blocks up to head − this.
        var below: UInt64
        var why: String

        var testDescription: String { "\(point.rawValue):\(pass) (resync to head-\(below): \(why))" }
    }

    @Test("takumi indexer resync killed inside its rollback changes no projection; the restarted indexer redoes it and ends equal to the oracles",
          arguments: [
              RollbackCrash(point: .rollbackAfterUndo, pass: 1, below: 10, why: "journal undo"),
              RollbackCrash(point: .rebuildAfterClear, pass: 1, below: 300, why: "rebuild from chain_events"),
              RollbackCrash(point: .rebuildReplaying, pass: 200, below: 300, why: "rebuild from chain_events"),
          ])
    func rollbackFailpoint(_ crash: RollbackCrash) async throws {
        try await SharedChain.withSnapshot { chain in
            let oracles = try await CrashOracles.of(chain)
            let head = oracles.head
            let label = oracles.label
            let target = head - crash.below
            try await TestDatabase.with(.postgresql) { database in
                let reader = database.reader
                try await Rig.indexToHead(try Rig.indexer(chain, store: database.store, batch: 500), store: database.store)
                let before = try await reader.dump(chain: label)
                #expect(before.differences(from: oracles.fresh).isEmpty, "the set-up is a complete index")
                let journalBefore = try await reader.int("SELECT COUNT(*) FROM reorg_journal WHERE chain = '\(label)'")
                let journaledAfter = try await reader.int("SELECT COUNT(*) FROM reorg_journal WHERE chain = '\(label)' AND block_number > \(target)")
                let hashAfter = try await reader.int("SELECT COUNT(*) FROM block_hashes WHERE chain = '\(label)' AND number = \(target + 1)")
                switch crash.point {
                case .rollbackAfterUndo:
                    #expect(journaledAfter > 0 && hashAfter == 1, "block \(target) is inside the journal window: the rollback undoes the journal")
                default:
                    #expect(hashAfter == 0, "block \(target) is below the journal window: the rollback rebuilds from chain_events")
                }
                let maxXmin = try await reader.int("SELECT MAX(xmin::text::bigint) FROM chain_events")
                let eventsAfter = try await reader.int("SELECT COUNT(*) FROM chain_events WHERE chain = '\(label)' AND block_number > \(target)")
                #expect(eventsAfter > 0, "there is something to roll back after block \(target)")

                try await Self.withProcesses { processes, folder in
                    let resync = try processes.launch(
                        ["indexer", "resync", "--from-block", String(target), "--yes", "--wait", "10"],
                        settings: oracles.settings(for: database, maxBatchBlocks: nil, failpoints: "\(crash.point.rawValue):\(crash.pass)"),
                        folder: folder, logName: "resync-armed.log"
                    )
                    try await Self.expectKilledAtFailpoint(resync, crash.point, pass: crash.pass)

                    // On the spot: the resync's first transaction (the checkpoint
                    // moved to the target) committed; its rollback left no trace.
                    let state = try await database.store.state(chain: label)
                    print("CrashTests: \(crash.testDescription): killed with checkpoint \(state?.lastSyncedBlock.map(String.init) ?? "none") (head \(head))")
                    #expect(state?.lastSyncedBlock == target)
                    let atKill = try await reader.dump(chain: label).differences(from: before)
                    #expect(atKill.isEmpty, "the killed rollback changed nothing:\n\(atKill.prefix(12).joined(separator: "\n"))")
                    #expect(try await reader.int("SELECT COUNT(*) FROM reorg_journal WHERE chain = '\(label)'") == journalBefore)

                    // The runbook's next step: start the indexer again.
                    let restarted = try processes.launch(
                        ["indexer", "run"], settings: oracles.settings(for: database, maxBatchBlocks: nil),
                        folder: folder, logName: "run-restart.log"
                    )
                    try await Self.waitSynced(restarted, to: head, store: database.store, label: label)
                    let stopped = try await restarted.stop()
                    #expect(stopped == .exited(0), "SIGTERM stops the indexer cleanly: \(restarted.outputTail())")
                }

                // The restart redid the rollback: every event after the target was deleted and fetched again, once.
                let refetched = try await reader.int(
                    "SELECT COUNT(*) FROM chain_events WHERE chain = '\(label)' AND block_number > \(target) AND xmin::text::bigint > \(maxXmin)"
                )
                #expect(refetched == eventsAfter, "every event after block \(target) re-indexed by the restart")
                let final = try await oracles.finalIssues(reader, store: database.store, backend: .postgresql)
                #expect(final.isEmpty, "after the crash and restart:\n\(final.prefix(20).joined(separator: "\n"))")
            }
        }
    }

    @Test("takumi indexer run killed inside the undo of a real reorg keeps the old fork's state; the restart undoes again and ends equal to a fresh index of the new fork")
    func reorgUndoFailpoint() async throws {
        try await SharedChain.withSnapshot { chain in
            let oracles = try await CrashOracles.of(chain)
            let label = oracles.label
            try await TestDatabase.with(.postgresql) { database in
                let reader = database.reader
                // The old fork: user activity on top of the seed, indexed (journaled: within finality 32).
                let base = try await chain.client.blockNumber()
                let snapshot = try await chain.snapshot()
                var activity = try await Activity.start(on: chain)
                for j in 0..<2 { try await activity.step(kind: j, account: j, tag: "old-\(j)") }
                let oldHead = try await chain.client.blockNumber()
                try await Rig.indexToHead(try Rig.indexer(chain, store: database.store, batch: 500), store: database.store)
                let before = try await reader.dump(chain: label)
                let journalBefore = try await reader.int("SELECT COUNT(*) FROM reorg_journal WHERE chain = '\(label)' AND block_number > \(base)")
                #expect(journalBefore > 0, "the old fork's projection changes are journaled")

                // The new fork replaces every block after `base` and is longer.
                #expect(try await chain.revert(to: snapshot))
                activity = try await Activity.start(on: chain)
                for j in 0..<4 { try await activity.step(kind: j + 1, account: j + 2, tag: "new-\(j)", newest: false) }
                let newHead = try await chain.client.blockNumber()
                #expect(newHead > oldHead && newHead - base < oracles.configuration.finalityDepth)
                #expect(try await chain.client.block(.number(oldHead))?.hash.hex != (try await database.store.state(chain: label))?.lastSyncedHash,
                        "the chain replaced the indexed head")

                try await Self.withProcesses { processes, folder in
                    let first = try processes.launch(
                        ["indexer", "run"], settings: oracles.settings(for: database, maxBatchBlocks: nil, failpoints: "rollback-after-undo"),
                        folder: folder, logName: "run-armed.log"
                    )
                    try await Self.expectKilledAtFailpoint(first, .rollbackAfterUndo, pass: 1)
                    #expect(first.output.contains("reorg detected"), "the rollback was the reorg's:\n\(first.outputTail())")
                    let state = try await database.store.state(chain: label)
                    print("CrashTests: rollback-after-undo in a reorg (fork at \(base), old head \(oldHead), new head \(newHead)): killed with checkpoint \(state?.lastSyncedBlock.map(String.init) ?? "none")")
                    #expect(state?.lastSyncedBlock == oldHead, "the undo's transaction left the checkpoint on the old fork")
                    let atKill = try await reader.dump(chain: label).differences(from: before)
                    #expect(atKill.isEmpty, "the killed undo changed nothing:\n\(atKill.prefix(12).joined(separator: "\n"))")
                    #expect(try await reader.int("SELECT COUNT(*) FROM reorg_journal WHERE chain = '\(label)' AND block_number > \(base)") == journalBefore)

                    let second = try processes.launch(
                        ["indexer", "run"], settings: oracles.settings(for: database, maxBatchBlocks: nil),
                        folder: folder, logName: "run-restart.log"
                    )
                    try await Self.waitSynced(second, to: newHead, store: database.store, label: label)
                    let stopped = try await second.stop()
                    #expect(stopped == .exited(0), "SIGTERM stops the indexer cleanly: \(second.outputTail())")
                }

                let indexed = try await reader.dump(chain: label)
                let fresh = try await Rig.freshDump(of: chain, backend: .postgresql)
                var issues = indexed.differences(from: fresh).map { "vs a fresh index of the new fork: \($0)" }
                let logs = try await chain.client.logs(addresses: oracles.configuration.addresses, from: 0, to: newHead)
                issues += try await CrashOracles.eventIssues(reader, label: label, logs: logs, through: newHead)
                let state = try await database.store.state(chain: label)
                #expect(state?.lastSyncedBlock == newHead)
                #expect(state?.lastSyncedHash == (try await chain.client.block(.number(newHead)))?.hash.hex)
                #expect(issues.isEmpty, "after the crash in the reorg and the restart:\n\(issues.prefix(20).joined(separator: "\n"))")
            }
        }
    }

    /// Kills that must land strictly inside the backfill (checkpoint after the start, before the head).
    static let randomKills = 20
    /// Blocks per batch in the random-kill test: many batches, many commits to land between.
    static let smallBatchBlocks: UInt64 = 3

    @Test("SIGKILL at ≥ 20 random moments of a backfill in 3-block batches: consistent at every kill, equal to the oracles at the end")
    func randomKillsDuringBackfill() async throws {
        try await SharedChain.withSnapshot { chain in
            let oracles = try await CrashOracles.of(chain)
            let (head, genesis, label) = (oracles.head, oracles.genesis, oracles.label)
            let seed = ProcessInfo.processInfo.environment["TAKUMI_CRASH_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...UInt64(UInt32.max))
            print("CrashTests: random kills with seed \(seed) (TAKUMI_CRASH_SEED=\(seed) replays the delays); blocks \(genesis + 1)...\(head), batches of \(Self.smallBatchBlocks)")
            var random = SplitMix64(seed: seed)
            let clock = ContinuousClock()
            let started = clock.now

            try await TestDatabase.with(.postgresql) { database in
                let settings = try oracles.settings(for: database, maxBatchBlocks: Self.smallBatchBlocks)
                func checkpoint() async throws -> UInt64 {
                    try await database.store.state(chain: label)?.lastSyncedBlock ?? genesis
                }
                try await Self.withProcesses { processes, folder in
                    var kills: [(delay: Int, checkpoint: UInt64)] = []
                    var previous = genesis
                    // Blocks per second while indexing, measured run by run.
                    var rate: Double?
                    while kills.count < Self.randomKills {
                        let run = kills.count + 1
                        let killed = try await Self.runAndKill(
                            run, processes: processes, settings: settings, folder: folder, after: previous, checkpoint: checkpoint
                        ) { progressFrom in
                            // Spread the kills over the whole backfill: aim each run at its share of what is left.
                            let budget = Double(head - progressFrom) / Double(Self.randomKills - kills.count + 1)
                            let maxDelay = rate.map { Int(min(1_000, max(20, 1_000 * budget / $0))) } ?? 250
                            return Int.random(in: 0...maxDelay, using: &random)
                        }
                        if killed.seconds > 0.05, killed.checkpoint > killed.from {
                            let measured = Double(killed.checkpoint - killed.from) / killed.seconds
                            rate = rate.map { ($0 + measured) / 2 } ?? measured
                        }
                        print("CrashTests: kill \(run): SIGKILL \(killed.delay) ms after a commit; checkpoint \(killed.checkpoint) (head \(head))")
                        guard genesis < killed.checkpoint && killed.checkpoint < head else {
                            Issue.record("kill \(run) landed at checkpoint \(killed.checkpoint), not strictly inside the backfill \(genesis)..<\(head)")
                            return
                        }
                        #expect(killed.checkpoint >= previous, "the checkpoint never moves back (kill \(run))")
                        var issues = try await oracles.nothingPastIssues(database.reader, checkpoint: killed.checkpoint)
                        issues += try await oracles.eventIssues(database.reader, through: killed.checkpoint)
                        #expect(issues.isEmpty, "right after kill \(run) (checkpoint \(killed.checkpoint)):\n\(issues.prefix(12).joined(separator: "\n"))")
                        kills.append((killed.delay, killed.checkpoint))
                        previous = killed.checkpoint
                    }

                    let last = try processes.launch(["indexer", "run"], settings: settings, folder: folder, logName: "run-final.log")
                    try await Self.waitSynced(last, to: head, store: database.store, label: label)
                    let stopped = try await last.stop()
                    #expect(stopped == .exited(0), "SIGTERM stops the indexer cleanly: \(last.outputTail())")

                    let checkpoints = kills.map(\.checkpoint)
                    let epoch = try await database.store.state(chain: label)?.epoch ?? 0
                    #expect(epoch >= Int64(Self.randomKills + 1), "every run took the leader lease (epoch \(epoch))")
                    print("CrashTests: \(kills.count) kills at checkpoints \(checkpoints.map(String.init).joined(separator: ", ")) (delays ms: \(kills.map { String($0.delay) }.joined(separator: ", "))); final run reached \(head); \(String(format: "%.1f", (clock.now - started).seconds)) s")
                }
                let final = try await oracles.finalIssues(database.reader, store: database.store, backend: .postgresql)
                #expect(final.isEmpty, "after \(Self.randomKills) kills and restarts:\n\(final.prefix(20).joined(separator: "\n"))")
            }
        }
    }
}

// MARK: - Helpers

extension CrashTests {
    /// Runs `body` with a process list and a scratch folder; kills every
    /// process still running and removes the folder afterwards, also on failure.
    static func withProcesses(_ body: (TakumiProcesses, URL) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("takumi-crash-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let processes = TakumiProcesses()
        do {
            try await body(processes, folder)
        } catch {
            await processes.killAll()
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
        await processes.killAll()
        try? FileManager.default.removeItem(at: folder)
    }

    /// One run of the random-kill test: when it was killed and where it stood.
    struct KilledRun {
        /// Milliseconds between the run's first commit and the kill.
        var delay: Int
        /// The checkpoint at the run's first commit, and at the kill.
        var from: UInt64
        var checkpoint: UInt64
        /// Seconds from the first commit to the kill.
        var seconds: Double
    }

    /// Starts `takumi indexer run`, waits until it commits a batch past
    /// `previous` (so the kill lands while it indexes, not while it starts),
    /// waits `delay(checkpoint)` milliseconds more, and SIGKILLs it.
    static func runAndKill(
        _ run: Int, processes: TakumiProcesses, settings: [String: String], folder: URL, after previous: UInt64,
        checkpoint: () async throws -> UInt64, delay: (UInt64) -> Int
    ) async throws -> KilledRun {
        let process = try processes.launch(["indexer", "run"], settings: settings, folder: folder, logName: "run-\(run).log")
        try await eventually("run \(run) commits a batch past block \(previous)", timeout: .seconds(60), poll: .milliseconds(10)) {
            if let ended = process.termination {
                throw ReaderError("run \(run) \(ended) before committing a batch:\n\(process.outputTail())")
            }
            return try await checkpoint() > previous
        }
        let clock = ContinuousClock()
        let progressAt = clock.now
        let from = try await checkpoint()
        let milliseconds = delay(from)
        try await Task.sleep(for: .milliseconds(milliseconds))
        if let ended = process.termination {
            throw ReaderError("run \(run) \(ended) before its kill:\n\(process.outputTail())")
        }
        try await process.kill9()
        let seconds = (clock.now - progressAt).seconds
        #expect(process.termination == .signalled(SIGKILL))
        return KilledRun(delay: milliseconds, from: from, checkpoint: try await checkpoint(), seconds: seconds)
    }

    /// The process dies by SIGKILL at `point` on pass `pass`, saying so on stderr.
    static func expectKilledAtFailpoint(_ process: TakumiProcess, _ point: Failpoints.Point, pass: Int) async throws {
        let ended = try await process.waitForExit(timeout: .seconds(120))
        try #require(ended == .signalled(SIGKILL), "\(process.arguments.joined(separator: " ")) should die by SIGKILL at \(point.rawValue):\(pass); it \(ended.map(\.description) ?? "still runs"):\n\(process.outputTail())")
        #expect(process.output.contains("failpoint \(point.rawValue) reached (pass \(pass)): SIGKILL"), "killed by its failpoint:\n\(process.outputTail())")
        #expect(process.output.contains("TAKUMI_FAILPOINTS is set"), "an armed process warns in its log")
    }

    /// Waits until the indexer's committed checkpoint is `head`; fails at once if the process ended.
    static func waitSynced(_ process: TakumiProcess, to head: UInt64, store: any IndexerStore, label: String) async throws {
        try await eventually("takumi indexer run reaches block \(head)", timeout: .seconds(120), poll: .milliseconds(50)) {
            if let ended = process.termination {
                throw ReaderError("takumi indexer run \(ended) before reaching block \(head):\n\(process.outputTail())")
            }
            return try await store.state(chain: label)?.lastSyncedBlock == head
        }
    }
}
