import Foundation

/// CPU time of the other processes in the run — the PostgreSQL server and
/// the replay server — read from `/proc` (both run on this machine).
///
/// Why: on two cores the indexer, PostgreSQL and the replay server share the
/// CPU, so events/s alone cannot tell a slow indexer from a full machine.
/// With every process's CPU per event, the run can say how far the ratio
/// could go at these costs if every core were busy all the time.
enum ProcessCPU {
    /// Clock ticks per second of `/proc/PID/stat`'s times.
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// Fields of `/proc/PID/stat` after the command name (which may contain
    /// spaces and parentheses): index 0 is the state (field 3), so field N is
    /// at index N - 3.
    static func statFields(_ pid: Int32) -> [Substring]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")")
        else { return nil }
        return text[text.index(after: close)...].split(separator: " ")
    }

    /// User + system seconds of `pid`; with `children`, also those of its
    /// children that have exited and been waited for (cutime, cstime).
    static func seconds(_ pid: Int32, children: Bool = false) -> Double? {
        guard let fields = statFields(pid), fields.count > 14 else { return nil }
        let indices = children ? [11, 12, 13, 14] : [11, 12]
        let ticks = indices.compactMap { Double(fields[$0]) }.reduce(0, +)
        return ticks / ticksPerSecond
    }

    /// The parent of `pid`.
    static func parent(_ pid: Int32) -> Int32? {
        guard let fields = statFields(pid), fields.count > 1 else { return nil }
        return Int32(fields[1])
    }

    /// A whole PostgreSQL server's CPU seconds so far: the postmaster, its
    /// exited children (backends that came and went) and its live ones.
    static func server(postmaster: Int32) -> Double? {
        guard var total = seconds(postmaster, children: true) else { return nil }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry), pid != postmaster, parent(pid) == postmaster else { continue }
            total += seconds(pid) ?? 0
        }
        return total
    }
}

/// CPU seconds of the processes beside this one, sampled at a phase's start
/// and end; nil where one could not be read.
struct OtherCPU {
    var postgres: Double?
    var replay: Double?

    static func sample(postmaster: Int32?, replay: Int32?) -> OtherCPU {
        OtherCPU(postgres: postmaster.flatMap(ProcessCPU.server), replay: replay.flatMap { ProcessCPU.seconds($0) })
    }

    func scaled(by factor: Double) -> OtherCPU {
        OtherCPU(postgres: postgres.map { $0 * factor }, replay: replay.map { $0 * factor })
    }

    static func - (end: OtherCPU, start: OtherCPU) -> OtherCPU {
        func difference(_ a: Double?, _ b: Double?) -> Double? { if let a, let b { a - b } else { nil } }
        return OtherCPU(postgres: difference(end.postgres, start.postgres), replay: difference(end.replay, start.replay))
    }
}
