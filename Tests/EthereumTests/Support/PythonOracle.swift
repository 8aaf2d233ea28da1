import Foundation

/// The one long-lived `oracle.py` process of a test run, spoken to in JSON lines.
/// Requests are batched: one line carries many operations, one line answers them.
final class PythonOracle: @unchecked Sendable {
    /// Either the running oracle or the reason it could not start (reported by every
    /// differential test, so a missing venv fails loudly instead of skipping).
    static let shared: Result<PythonOracle, OracleError> = Result { () throws(OracleError) in try PythonOracle() }

    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    /// Serialises request/response pairs: Swift Testing runs suites in parallel.
    private let lock = NSLock()
    private var buffer = Data()

    private init() throws(OracleError) {
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let python = ProcessInfo.processInfo.environment["TAKUMI_ORACLE_PYTHON"]
            ?? root.appendingPathComponent("chain/.venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw .missingEnvironment("no Python venv at \(python): run `make chain-env` to create chain/.venv")
        }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Differential/oracle.py").path
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-u", script]
        process.standardInput = input
        process.standardOutput = output
        do {
            try process.run()
        } catch {
            throw .missingEnvironment("could not start \(python) (\(error)); run `make chain-env`")
        }
        // Fail fast, with the import error, if the venv lacks the libraries.
        do {
            _ = try call([["op": "keccak", "data": "0x"]])
        } catch {
            throw .missingEnvironment("oracle.py did not answer (\(error)); run `make chain-env`")
        }
    }

    /// Sends `requests` as one batch; each answer is `.success(value)` or `.failure(message)`.
    func call(_ requests: [JSON]) throws(OracleError) -> [Result<JSON, OracleRejection>] {
        lock.lock()
        defer { lock.unlock() }
        let line: Data
        do {
            line = try JSONEncoder().encode(JSON.object(["batch": .array(requests)])) + Data([0x0A])
            try input.fileHandleForWriting.write(contentsOf: line)
        } catch {
            throw .protocolError("could not send a request: \(error)")
        }
        let response = try readLine()
        guard let results = (try? JSONDecoder().decode(JSON.self, from: response))?["results"]?.array,
              results.count == requests.count else {
            throw .protocolError("bad response: \(String(decoding: response.prefix(300), as: UTF8.self))")
        }
        return results.map { result in
            if let value = result["ok"] { return .success(value) }
            return .failure(OracleRejection(message: result["error"]?.string ?? "?"))
        }
    }

    private func readLine() throws(OracleError) -> Data {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = buffer[buffer.startIndex..<newline]
                buffer = Data(buffer[(newline + 1)...])
                return Data(line)
            }
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw .protocolError("oracle.py exited") }
            buffer.append(chunk)
        }
    }
}

enum OracleError: Error, CustomStringConvertible {
    case missingEnvironment(String)
    case protocolError(String)

    var description: String {
        switch self {
        case .missingEnvironment(let message), .protocolError(let message): message
        }
    }
}

/// The reference library refused the input (the error text is the Python exception).
struct OracleRejection: Error, Hashable, CustomStringConvertible {
    let message: String
    var description: String { message }
}

extension PythonOracle {
    /// Where the oracle's blocking pipe I/O runs: a thread of its own, not
    /// Swift's cooperative pool (one thread per core, shared by every test in
    /// the run; a test parked on a pipe there stalls the others). Serial, as
    /// the oracle answers one batch at a time anyway.
    private static let queue = DispatchQueue(label: "takumi.tests.python-oracle")

    /// The shared oracle, or a thrown error telling how to set up the venv.
    static func get() async throws -> PythonOracle {
        try await onOracleQueue { try shared.get() }
    }

    /// Sends `requests` in batches of `batchSize` lines.
    func callBatched(_ requests: [JSON], batchSize: Int = 250) async throws -> [Result<JSON, OracleRejection>] {
        try await Self.onOracleQueue {
            var results: [Result<JSON, OracleRejection>] = []
            var start = 0
            while start < requests.count {
                let end = min(start + batchSize, requests.count)
                results += try self.call(Array(requests[start..<end]))
                start = end
            }
            return results
        }
    }

    private static func onOracleQueue<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
