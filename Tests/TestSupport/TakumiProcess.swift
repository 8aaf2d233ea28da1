import Foundation
import Synchronization

/// The built `takumi` binary as a child process (`takumi indexer run`,
/// `takumi indexer resync`), configured only through its environment, so a
/// test can SIGKILL it and see how it ended: exited, or killed by a signal.
///
/// Unlike `ChildProcess`, it reports the termination reason (a SIGKILL is
/// not an exit status 9) and waits without blocking a thread.
public final class TakumiProcess: @unchecked Sendable {
    // `Process` is not Sendable; only its thread-safe members are used.
    private let process: Process
    public let log: URL
    public let arguments: [String]

    public enum Termination: Equatable, Sendable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)

        public var description: String {
            switch self {
            case .exited(let status): "exited with status \(status)"
            case .signalled(let signal): "killed by signal \(signal)"
            }
        }
    }

    /// The `takumi` executable `swift build` put next to the test bundle, or
    /// `TAKUMI_TEST_EXECUTABLE` (e.g. a release build to check as shipped).
    public static var executable: URL {
        if let path = ProcessInfo.processInfo.environment["TAKUMI_TEST_EXECUTABLE"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("takumi")
    }

    /// Starts `takumi arguments…` in `folder` (no `.env` there) with only
    /// `settings` and PATH/HOME in its environment: nothing of the test
    /// runner's environment (a DATABASE_URL, a stray TAKUMI_FAILPOINTS) leaks in.
    public static func launch(_ arguments: [String], settings: [String: String], folder: URL, logName: String) throws -> TakumiProcess {
        let binary = executable
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw TakumiProcessError("no takumi executable at \(binary.path): build it first (`swift build --build-tests`)")
        }
        var environment = settings
        for key in ["PATH", "HOME", "TMPDIR"] { environment[key] = ProcessInfo.processInfo.environment[key] }
        let log = folder.appendingPathComponent(logName)
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else { throw TakumiProcessError("cannot create \(log.path)") }
        let handle = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = folder
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return TakumiProcess(process: process, log: log, arguments: arguments)
    }

    private init(process: Process, log: URL, arguments: [String]) {
        self.process = process
        self.log = log
        self.arguments = arguments
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }

    /// How it ended; nil while it runs.
    public var termination: Termination? {
        guard !process.isRunning else { return nil }
        return process.terminationReason == .uncaughtSignal ? .signalled(process.terminationStatus) : .exited(process.terminationStatus)
    }

    /// Waits for the process to end by itself; nil when it still runs after `timeout`.
    public func waitForExit(timeout: Duration) async throws -> Termination? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let termination { return termination }
            try await Task.sleep(for: .milliseconds(10))
        }
        return termination
    }

    /// SIGKILL now (a crash), then waits until the kernel has reaped it.
    public func kill9() async throws {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        guard try await waitForExit(timeout: .seconds(60)) != nil else {
            throw TakumiProcessError("takumi (pid \(pid)) survived SIGKILL for 60 s")
        }
    }

    /// SIGTERM (a graceful stop, as `docker stop`), SIGKILL after `timeout`.
    public func stop(timeout: Duration = .seconds(60)) async throws -> Termination {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        if let termination = try await waitForExit(timeout: timeout) { return termination }
        // Stuck in its shutdown: what every thread is doing, for the test log, before the SIGKILL.
        if process.isRunning, let stacks = ChildProcess.threadStacks(pid: pid, frames: 25) {
            print("takumi \(arguments.joined(separator: " ")) (pid \(pid)) did not exit within \(timeout) of SIGTERM; its threads:\n\(stacks)")
        }
        try await kill9()
        return termination ?? .signalled(SIGKILL)
    }

    public var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    public func outputTail(_ characters: Int = 2_000) -> String { String(output.suffix(characters)) }

    /// `takumi serve --port 0`'s URL, from its "takumi serve listening" log
    /// line; waits up to `timeout` (a bound on "never": a loaded machine is slow).
    public func servedURL(timeout: Duration = .seconds(90)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            for line in output.split(separator: "\n") where line.contains("takumi serve listening") {
                if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                   let url = object["url"] as? String ?? (object["metadata"] as? [String: Any])?["url"] as? String {
                    return url
                }
            }
            if !isRunning { throw TakumiProcessError("takumi serve exited early:\n\(outputTail())") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TakumiProcessError("takumi serve did not log its URL within \(timeout):\n\(outputTail())")
    }
}

/// Every `takumi` process a test started, so none outlives the test when it
/// fails half-way (a leftover indexer would hold the lease and write on).
public final class TakumiProcesses: Sendable {
    public init() {}
    private let started = Mutex<[TakumiProcess]>([])

    public func launch(_ arguments: [String], settings: [String: String], folder: URL, logName: String) throws -> TakumiProcess {
        let process = try TakumiProcess.launch(arguments, settings: settings, folder: folder, logName: logName)
        started.withLock { $0.append(process) }
        return process
    }

    public func killAll() async {
        for process in started.withLock({ $0 }) where process.isRunning {
            try? await process.kill9()
        }
    }
}


/// A takumi child process that could not be started or stopped.
public struct TakumiProcessError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
