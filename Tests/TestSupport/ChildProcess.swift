import Foundation

/// A helper process a test starts (dev node, fault proxy, `takumi serve`),
/// with its output in a log file, stopped with SIGTERM (then SIGKILL).
///
/// `Process` is not `Sendable`; this wrapper only forwards to its
/// thread-safe members (pid, isRunning, terminate, waitUntilExit).
public final class ChildProcess: @unchecked Sendable {
    let process: Process
    public let log: URL

    init(process: Process, log: URL) {
        self.process = process
        self.log = log
    }

    public static func launch(
        _ executable: String, _ arguments: [String], in folder: URL? = nil,
        environment: [String: String]? = nil, log: URL
    ) throws -> ChildProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = folder }
        if let environment { process.environment = environment }
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return ChildProcess(process: process, log: log)
    }

    /// What a command printed and how it ended (``runToEnd(_:_:in:environment:)``).
    public struct Outcome: Sendable {
        public var status: Int32
        public var output: String
        public var error: String
    }

    /// Runs a command to its end and returns its status, stdout and stderr,
    /// awaiting it without blocking a thread: `swift test` runs every test in
    /// one process whose cooperative pool has one thread per core, and a test
    /// parked in `waitUntilExit` for a seconds-long command stalls every other
    /// test's async work (a client's connect deadline then fires in a test that
    /// never touched the command). Output goes to files, not pipes, so a chatty
    /// command cannot fill a pipe nobody reads yet.
    public static func runToEnd(
        _ executable: String, _ arguments: [String], in folder: URL? = nil, environment: [String: String]? = nil
    ) async throws -> Outcome {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("takumi-run-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outFile = scratch.appendingPathComponent("stdout"), errFile = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        let out = try FileHandle(forWritingTo: outFile), err = try FileHandle(forWritingTo: errFile)
        defer {
            try? out.close()
            try? err.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = folder }
        if let environment { process.environment = environment }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let status = await ChildProcess(process: process, log: outFile).exitStatus(poll: .milliseconds(10))
        return Outcome(
            status: status,
            output: (try? String(contentsOf: outFile, encoding: .utf8)) ?? "",
            error: (try? String(contentsOf: errFile, encoding: .utf8)) ?? ""
        )
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }

    /// SIGTERM, then SIGKILL after five seconds.
    public func terminate() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// SIGKILL at once: a crash, as the crash-safety tests need.
    public func kill9() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The exit status, awaited without blocking a thread: the cooperative
    /// pool has one thread per core, and a test blocked in `waitUntilExit`
    /// for a 40-second seed would stall every other test's async work.
    public func exitStatus(poll interval: Duration = .milliseconds(50)) async -> Int32 {
        while process.isRunning {
            try? await Task.sleep(for: interval)
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    public func wait() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

    public func logTail(_ characters: Int = 1500) -> String {
        String(((try? String(contentsOf: log, encoding: .utf8)) ?? "").suffix(characters))
    }

    /// Every thread's innermost frames, by gdb, for a test that found the
    /// process stuck: whether its threads are blocked, spinning, or all idle
    /// (then a task awaits something that never comes). Nil without gdb.
    public func threadStacks(frames: Int = 10) -> String? {
        guard process.isRunning else { return nil }
        return Self.threadStacks(pid: pid, frames: frames)
    }

    /// ``threadStacks(frames:)`` of any process of ours (``TakumiProcess`` too).
    public static func threadStacks(pid: Int32, frames: Int = 10) -> String? {
        guard let gdb = ["/usr/bin/gdb", "/usr/local/bin/gdb"].first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else { return nil }
        let debugger = Process()
        debugger.executableURL = URL(fileURLWithPath: gdb)
        debugger.arguments = ["-p", "\(pid)", "-batch", "-nx", "-ex", "set pagination off", "-ex", "thread apply all bt \(frames)"]
        let output = Pipe()
        debugger.standardOutput = output
        debugger.standardError = output
        debugger.standardInput = FileHandle.nullDevice
        do { try debugger.run() } catch { return nil }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        debugger.waitUntilExit()
        return text.split(separator: "\n").filter { $0.hasPrefix("#") || $0.hasPrefix("Thread ") }.joined(separator: "\n")
    }
}
