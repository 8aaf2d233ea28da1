import Foundation
import Synchronization

/// Named crash points inside the indexer's transactions, for the
/// crash-safety tests. **A test hook only:** inert unless the process was
/// started with `TAKUMI_FAILPOINTS` set; never set it in production.
///
/// `TAKUMI_FAILPOINTS` is read once per process, as a comma-separated list of
/// `name` or `name:N`: the N-th time (default: the first) execution reaches
/// that point, the process kills itself with SIGKILL — no unwinding, no
/// rollback, no connection close, exactly like a power cut or an OOM kill.
/// The tests then restart the indexer and check nothing was lost or
/// duplicated (ARCHITECTURE.md § Indexer rules, rule 1).
///
/// Points (each inside an open database transaction, so a correct indexer
/// leaves no trace of that transaction):
/// - `batch-after-events`: a batch's `chain_events` rows are inserted; no
///   projection is applied yet.
/// - `batch-before-checkpoint`: the batch's projections and block hashes are
///   written; the checkpoint is not moved yet.
/// - `batch-before-commit`: the checkpoint is moved too; only the commit is left.
/// - `rollback-after-undo`: a rollback (reorg or resync inside the journal
///   window) has replayed and deleted the `reorg_journal` entries; the events
///   and block hashes after the fork point are not deleted yet and the
///   checkpoint is not moved.
/// - `rebuild-after-clear`: a rollback beyond the journal window has emptied
///   every projection table; nothing is replayed yet.
/// - `rebuild-replaying`: reached once per event re-applied from
///   `chain_events` during that rebuild (`rebuild-replaying:100` dies after
///   the 100th).
///
/// ```sh
/// TAKUMI_FAILPOINTS=batch-before-checkpoint:3 takumi indexer run   # dies in the 3rd batch
/// ```
///
/// When the variable is unset, ``reach(_:)`` is one load of a lazily
/// initialised global and a branch.
enum Failpoints {
    static let environmentVariable = "TAKUMI_FAILPOINTS"

    enum Point: String, CaseIterable, Sendable {
        case batchAfterEvents = "batch-after-events"
        case batchBeforeCheckpoint = "batch-before-checkpoint"
        case batchBeforeCommit = "batch-before-commit"
        case rollbackAfterUndo = "rollback-after-undo"
        case rebuildAfterClear = "rebuild-after-clear"
        case rebuildReplaying = "rebuild-replaying"
    }

    /// The armed points of this process: nil (the production case) when the
    /// variable is unset or empty.
    static let armed: Armed? = Armed(specification: ProcessInfo.processInfo.environment[environmentVariable])

    /// Counts a pass through `point` and kills the process on its armed pass.
    @inline(__always)
    static func reach(_ point: Point) {
        guard let armed else { return }
        armed.pass(point)
    }

    /// The armed points and how often each was reached so far.
    final class Armed: Sendable {
        /// The pass (1-based) at which each armed point kills.
        let killAt: [Point: Int]
        /// Problems in the specification, reported when the indexer starts.
        let problems: [String]
        private let passes = Mutex<[Point: Int]>([:])

        init?(specification: String?) {
            guard let specification, !specification.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            var killAt: [Point: Int] = [:]
            var problems: [String] = []
            for item in specification.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
                let parts = item.split(separator: ":", maxSplits: 1).map(String.init)
                guard let point = Point(rawValue: parts[0]) else {
                    problems.append("unknown failpoint '\(parts[0])' (known: \(Point.allCases.map(\.rawValue).joined(separator: ", ")))")
                    continue
                }
                if parts.count == 2 {
                    guard let pass = Int(parts[1]), pass > 0 else {
                        problems.append("'\(item)': the pass after ':' must be a positive integer")
                        continue
                    }
                    killAt[point] = pass
                } else {
                    killAt[point] = 1
                }
            }
            self.killAt = killAt
            self.problems = problems
        }

        var summary: String {
            killAt.keys.sorted { $0.rawValue < $1.rawValue }.map { "\($0.rawValue):\(killAt[$0] ?? 1)" }.joined(separator: ",")
        }

        func pass(_ point: Point) {
            guard let target = killAt[point] else { return }
            let count = passes.withLock { passes -> Int in
                passes[point, default: 0] += 1
                return passes[point, default: 0]
            }
            guard count == target else { return }
            // Straight to the file descriptor: a buffered logger would lose this
            // line with the process, and the tests look for it.
            let line = "\(Failpoints.environmentVariable): failpoint \(point.rawValue) reached (pass \(count)): SIGKILL\n"
            FileHandle.standardError.write(Data(line.utf8))
            kill(getpid(), SIGKILL)
            // SIGKILL to oneself may be delivered an instant after kill()
            // returns; nothing of this transaction may run in between.
            while true { pause() }
        }
    }
}
