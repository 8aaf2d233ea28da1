// The indexer benchmark (issue 5), run by `make bench` (scripts/bench):
//
//   indexer-bench --rpc URL --database ADMIN_URL --manifest FILE
//
// URL is the replay server (bench/replay/server.py) serving a recorded Takumi
// history repeated to >= 1,000,000 events; ADMIN_URL a PostgreSQL server on
// which a fresh database `takumi_bench` is created (and dropped afterwards);
// FILE the bench manifest (bench/replay/record.py), which names the
// EventEmitter proxy as the contract `BenchEmitter`.
//
// 1. Indexer: the real ChainIndexer, with the manifest's configuration,
//    through EthereumClient over EndpointPool, into PostgreSQL, until its
//    checkpoint reaches the replay's head. Peak RSS is read right after.
// 2. Ceiling: the same eth_getLogs ranges the indexer asked for (the replay
//    server records them), in the same order, through the same client over
//    a fresh pool, doing nothing with the logs; twice, averaged.
//
// Prints events/s of both, the ratio indexer/ceiling, the CPU per event of
// this process, PostgreSQL and the replay server in each phase with the
// ratio those costs allow on this machine's cores (ProcessCPU.swift), and the
// peak RSS, then PASS or FAIL against the targets (ratio >= 0.7, RSS < 150 MB). Exit 0 on
// PASS, 1 on FAIL or when the run itself went wrong, 2 on bad usage.
import Ethereum
import EthereumRPC
import Foundation
import Logging
import PostgresNIO
import Takumi
import TakumiIndexer
import TakumiStore

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

struct Options {
    var rpc = ""
    var database = ""
    var manifest = ""
    var ratioTarget = 0.7
    var rssTargetMB = 150.0
    var timeoutSeconds = 1_800.0
    var breakdown = false

    static let usage = """
        usage: indexer-bench --rpc URL --database POSTGRES_URL --manifest FILE
                             [--ratio-target 0.7] [--rss-target-mb 150] [--timeout-seconds 1800] [--breakdown]
        """

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var index = 0
        func value(_ name: String) throws -> String {
            index += 1
            guard index < arguments.count else { throw BenchFailure("\(name) needs a value") }
            return arguments[index]
        }
        func number(_ name: String) throws -> Double {
            let text = try value(name)
            guard let number = Double(text), number > 0 else { throw BenchFailure("\(name): not a positive number: \(text)") }
            return number
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--rpc": options.rpc = try value("--rpc")
            case "--database": options.database = try value("--database")
            case "--manifest": options.manifest = try value("--manifest")
            case "--ratio-target": options.ratioTarget = try number("--ratio-target")
            case "--rss-target-mb": options.rssTargetMB = try number("--rss-target-mb")
            case "--timeout-seconds": options.timeoutSeconds = try number("--timeout-seconds")
            case "--breakdown": options.breakdown = true
            case let other: throw BenchFailure("unknown argument \(other)")
            }
            index += 1
        }
        if options.rpc.isEmpty || options.database.isEmpty || options.manifest.isEmpty {
            throw BenchFailure("--rpc, --database and --manifest are required")
        }
        return options
    }
}

// MARK: Process figures

/// A field of /proc/self/status in kB (VmHWM: peak resident set; VmRSS: now).
func procStatusKB(_ field: String) -> Double? {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        let digits = line.dropFirst(field.count + 1).filter(\.isNumber)
        return Double(String(digits))
    }
    return nil
}

/// Resets VmHWM to the current RSS (Linux: "5" to clear_refs), so the
/// ceiling's peak is measured apart from the indexer's.
func resetPeakRSS() -> Bool {
    guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
    defer { try? handle.close() }
    do { try handle.write(contentsOf: Data("5".utf8)) } catch { return false }
    return true
}

/// User + system CPU seconds of this process so far (all threads).
func cpuSeconds() -> Double {
    var usage = rusage()
    guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
    func value(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return value(usage.ru_utime) + value(usage.ru_stime)
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func format(_ value: Double, _ decimals: Int = 0) -> String {
    String(format: "%.\(decimals)f", value)
}

// MARK: Replay server

/// What the replay server reports about the chain it serves.
struct ReplayInfo {
    var head: UInt64
    var events: Int
    var repetitions: Int
    var spacing: Int
    /// The server's process id (its CPU is read from /proc).
    var pid: Int32?

    /// `events`: logs of the indexed addresses only (the deployment also has
    /// logs of implementation contracts, which nobody indexes).
    init(_ value: JSONValue) throws {
        guard case let .number(head) = value["head"] ?? .null, case let .number(events) = value["eventsFor"] ?? .null,
              case let .number(repetitions) = value["repetitions"] ?? .null, case let .number(spacing) = value["spacing"] ?? .null
        else { throw BenchFailure("bench_info: unexpected answer \(value)") }
        self.head = UInt64(head)
        self.events = Int(events)
        self.repetitions = Int(repetitions)
        self.spacing = Int(spacing)
        if case let .number(pid) = value["pid"] ?? .null { self.pid = Int32(exactly: pid) }
    }
}

/// The eth_getLogs ranges the replay server served since its last reset, in order.
func servedRanges(_ client: EthereumClient) async throws -> [(from: UInt64, to: UInt64, logs: Int)] {
    guard case let .array(items) = try await client.call("bench_logRanges") else {
        throw BenchFailure("bench_logRanges: expected an array")
    }
    return try items.map { item in
        guard case let .array(fields) = item, fields.count == 3, case let .number(from) = fields[0],
              case let .number(to) = fields[1], case let .number(logs) = fields[2]
        else { throw BenchFailure("bench_logRanges: unexpected entry \(item)") }
        return (UInt64(from), UInt64(to), Int(logs))
    }
}

// MARK: Database

/// Runs one statement on a short-lived connection (CREATE/DROP DATABASE
/// cannot run inside the store's transactions).
func execute(_ sql: String, on url: PostgresURL, logger: Logger) async throws {
    let connection = try await PostgresConnection.connect(configuration: url.connectionConfiguration, id: 1, logger: logger)
    do {
        try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        try await connection.close()
    } catch {
        try? await connection.close()
        throw error
    }
}

/// The PostgreSQL server's postmaster: the parent of a backend of ours.
func postmasterPID(_ url: PostgresURL, logger: Logger) async throws -> Int32? {
    let connection = try await PostgresConnection.connect(configuration: url.connectionConfiguration, id: 3, logger: logger)
    let backend = try? await connection.query("SELECT pg_backend_pid()", logger: logger).collect().first?.decode(Int32.self)
    try? await connection.close()
    return backend.flatMap(ProcessCPU.parent)
}

/// Row counts of the tables the run filled, as one short line.
func tableCounts(_ url: PostgresURL, logger: Logger) async throws -> [(String, Int64)] {
    let connection = try await PostgresConnection.connect(configuration: url.connectionConfiguration, id: 2, logger: logger)
    defer { Task { try? await connection.close() } }
    var counts: [(String, Int64)] = []
    for table in ["chain_events", "profiles", "skills", "skill_claims", "endorsements", "verifiers", "reorg_journal"] {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), logger: logger).collect()
        counts.append((table, try rows.first?.decode(Int64.self) ?? -1))
    }
    return counts
}

// MARK: The two runs

struct Run {
    var events: Int
    var seconds: Double
    /// CPU seconds this process spent meanwhile (the database and the replay
    /// server are other processes).
    var cpu: Double = 0
    var rate: Double { Double(events) / seconds }
}

/// The real indexer from the first block to `head`.
func runIndexer(
    configuration: IndexerConfiguration, database: PostgresURL, rpc: String, chainID: UInt64, head: UInt64,
    timeout: Double, timings: Timings?, logger: Logger
) async throws -> Run {
    let store = PostgresStore(url: database, logger: logger)
    let pool = EndpointPool(urls: [rpc], configuration: .init(expectedChainID: chainID), logger: logger)
    let indexed: any IndexerStore = timings.map { TimedStore(base: store, timings: $0) } ?? store
    let indexer = ChainIndexer(configuration: configuration, store: indexed, client: EthereumClient(pool), logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await store.run() }
        // Give the pool's run() a moment to start: a query before it only
        // waits, but PostgresNIO logs a warning about it.
        try await Task.sleep(for: .milliseconds(50))
        try await store.migrate()
        let started = ContinuousClock.now
        group.addTask { try await indexer.run() }
        var lastReport = started
        while true {
            let status = indexer.status
            if let synced = status.syncedBlock, synced >= head { break }
            if status.stopped { throw BenchFailure("the indexer stopped: \(status.lastError ?? "no error recorded")") }
            let now = ContinuousClock.now
            if seconds(now - started) > timeout {
                throw BenchFailure("the indexer did not reach block \(head) within \(format(timeout)) s "
                    + "(at \(status.syncedBlock.map(String.init) ?? "nothing"); last error: \(status.lastError ?? "none"))")
            }
            if seconds(now - lastReport) >= 10 {
                lastReport = now
                print("  indexer at block \(status.syncedBlock ?? 0) of \(head)\(status.lastError.map { " (error: \($0))" } ?? "")")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let elapsed = seconds(ContinuousClock.now - started)
        group.cancelAll()
        // The indexer returns on cancellation (releasing its lease); the
        // store's pool stops with it.
        while let _ = try? await group.next() {}
        let counts = try await tableCounts(database, logger: logger)
        let events = Int(counts.first { $0.0 == "chain_events" }?.1 ?? 0)
        print("  rows: " + counts.map { "\($0.0) \($0.1)" }.joined(separator: ", "))
        return Run(events: events, seconds: elapsed)
    }
}

/// The ceiling: the same ranges, fetched and dropped.
func runCeiling(ranges: [(from: UInt64, to: UInt64, logs: Int)], addresses: [Address], rpc: String, chainID: UInt64, logger: Logger) async throws -> Run {
    let pool = EndpointPool(urls: [rpc], configuration: .init(expectedChainID: chainID), logger: logger)
    let client = EthereumClient(pool)
    var fetched = 0
    let started = ContinuousClock.now
    for range in ranges {
        let logs = try await client.logs(addresses: addresses, from: range.from, to: range.to)
        fetched += logs.count
    }
    return Run(events: fetched, seconds: seconds(ContinuousClock.now - started))
}

/// CPU per event of every process in both phases, and what they allow:
/// with every core busy all the time, the indexer cannot take less wall time
/// per event than its three processes' CPU per event divided by the cores.
func cpuReport(indexer: Run, indexingOthers: OtherCPU, ceiling: Run, ceilingOthers: OtherCPU, target: Double) -> String {
    func perEvent(_ seconds: Double?, _ run: Run) -> Double? { seconds.map { $0 / Double(max(1, run.events)) * 1e6 } }
    func microseconds(_ value: Double?) -> String { value.map { "\(format($0, 1)) µs" } ?? "unknown" }
    let indexing = (own: perEvent(indexer.cpu, indexer), postgres: perEvent(indexingOthers.postgres, indexer), replay: perEvent(indexingOthers.replay, indexer))
    let fetchOnly = (own: perEvent(ceiling.cpu, ceiling), replay: perEvent(ceilingOthers.replay, ceiling))
    var lines = ["  CPU per event      indexing: this process \(microseconds(indexing.own)), PostgreSQL \(microseconds(indexing.postgres)), "
        + "replay server \(microseconds(indexing.replay)); ceiling: this process \(microseconds(fetchOnly.own)), replay server \(microseconds(fetchOnly.replay))"]
    let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
    let ceilingWall = ceiling.seconds / Double(max(1, ceiling.events)) * 1e6
    if let own = indexing.own, let postgres = indexing.postgres, let replay = indexing.replay {
        let total = own + postgres + replay
        let bound = ceilingWall / (total / cores)
        lines.append("  at full use        \(format(total, 1)) µs of CPU per event on \(format(cores)) cores allow a ratio of at most "
            + "\(format(bound, 2)); \(format(target, 2)) needs at most \(format(cores * ceilingWall / target, 1)) µs per event in all three")
    }
    return lines.joined(separator: "\n")
}

// MARK: Main

func main() async -> Int32 {
    let options: Options
    do {
        options = try Options.parse(Array(CommandLine.arguments.dropFirst()))
    } catch {
        FileHandle.standardError.write(Data("indexer-bench: \(error)\n\(Options.usage)\n".utf8))
        return 2
    }
    var logger = Logger(label: "takumi.bench")
    // The indexer logs every recovered error; the benchmark's own lines are enough otherwise.
    logger.logLevel = .warning

    do {
        let manifest = try DeploymentManifest.load(from: URL(fileURLWithPath: options.manifest))
        var configuration = IndexerConfiguration(manifest: manifest)
        // The manifest's `indexedAddresses` are the four Takumi proxies and the
        // multisig; the bench manifest adds the emitter's proxy as another
        // contract, which the indexer must read too.
        if let emitter = manifest.contracts["BenchEmitter"]?.proxy, !configuration.addresses.contains(emitter) {
            configuration.addresses.append(emitter)
        } else if manifest.contracts["BenchEmitter"] == nil {
            throw BenchFailure("\(options.manifest) names no BenchEmitter contract (write it with bench/replay/record.py)")
        }

        let probe = EthereumClient(EndpointPool(urls: [options.rpc], configuration: .init(expectedChainID: manifest.chainId), logger: logger))
        let info = try ReplayInfo(try await probe.call("bench_info", [.array(configuration.addresses.map { .string($0.lowercased) })]))
        print("indexer-bench: replay head \(info.head), \(info.events) events (\(info.repetitions) repetitions, "
            + "one recorded block every \(info.spacing) blocks), batches \(configuration.initialBatchSize) blocks to start "
            + "(\(configuration.minimumBatchSize)...\(configuration.maximumBatchSize)), finality \(configuration.finalityDepth)")

        let admin = try PostgresURL(options.database)
        let name = "takumi_bench"
        try await execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", on: admin, logger: logger)
        try await execute("CREATE DATABASE \(name)", on: admin, logger: logger)
        _ = try await probe.call("bench_resetLogRanges")

        let baselineKB = procStatusKB("VmRSS") ?? 0
        print("indexer-bench: indexing into PostgreSQL (\(admin.with(database: name)))")
        let timings = options.breakdown ? Timings() : nil
        let postmaster = try await postmasterPID(admin, logger: logger)
        let othersBeforeIndexer = OtherCPU.sample(postmaster: postmaster, replay: info.pid)
        let cpuBeforeIndexer = cpuSeconds()
        var indexer = try await runIndexer(
            configuration: configuration, database: admin.with(database: name), rpc: options.rpc, chainID: manifest.chainId,
            head: info.head, timeout: options.timeoutSeconds, timings: timings, logger: logger
        )
        if let timings {
            print("  time in the store (of \(format(indexer.seconds, 1)) s; the rest is fetching, decoding, the loop):")
            print(timings.report(total: indexer.seconds))
        }
        indexer.cpu = cpuSeconds() - cpuBeforeIndexer
        let othersIndexing = OtherCPU.sample(postmaster: postmaster, replay: info.pid) - othersBeforeIndexer
        let peakKB = procStatusKB("VmHWM") ?? 0
        let ranges = try await servedRanges(probe)
        let servedLogs = ranges.reduce(0) { $0 + $1.logs }

        // Twice, averaged: the machine's load drifts over a run of minutes,
        // and one ceiling measured in a quiet or a busy moment would skew the ratio.
        print("indexer-bench: ceiling: the indexer's \(ranges.count) eth_getLogs ranges again, logs dropped (twice)")
        let canResetPeak = resetPeakRSS()
        var ceilings: [Run] = []
        let othersBeforeCeiling = OtherCPU.sample(postmaster: postmaster, replay: info.pid)
        for _ in 0..<2 {
            let cpuBefore = cpuSeconds()
            var run = try await runCeiling(
                ranges: ranges, addresses: configuration.addresses, rpc: options.rpc, chainID: manifest.chainId, logger: logger
            )
            run.cpu = cpuSeconds() - cpuBefore
            print("  ceiling run: \(format(run.rate)) events/s (\(format(run.seconds, 1)) s)")
            ceilings.append(run)
        }
        let ceiling = Run(
            events: ceilings[0].events, seconds: ceilings.map(\.seconds).reduce(0, +) / Double(ceilings.count),
            cpu: ceilings.map(\.cpu).reduce(0, +) / Double(ceilings.count)
        )
        let othersCeiling = OtherCPU.sample(postmaster: postmaster, replay: info.pid) - othersBeforeCeiling
        let ceilingPeakKB = canResetPeak ? procStatusKB("VmHWM") : nil
        try? await execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", on: admin, logger: logger)

        let ratio = indexer.rate / ceiling.rate
        let peakMB = peakKB / 1024
        let sizes = ranges.map { $0.to - $0.from + 1 }
        print("""
            indexer-bench: results
              events served      \(info.events) (indexer fetched \(servedLogs) in \(ranges.count) ranges of \
            \(sizes.min() ?? 0)...\(sizes.max() ?? 0) blocks; stored \(indexer.events))
              ceiling            \(format(ceiling.rate)) events/s (\(ceiling.events) events in \(format(ceiling.seconds, 1)) s on average, \
            \(format(ceiling.cpu, 1)) s CPU in this process)
              indexer            \(format(indexer.rate)) events/s (\(indexer.events) events in \(format(indexer.seconds, 1)) s, \
            \(format(indexer.cpu, 1)) s CPU in this process)
              ratio              \(format(ratio, 2)) (target >= \(format(options.ratioTarget, 2)))
            \(cpuReport(indexer: indexer, indexingOthers: othersIndexing, ceiling: ceiling, ceilingOthers: othersCeiling.scaled(by: 1 / Double(ceilings.count)), target: options.ratioTarget))
              peak RSS           \(format(peakMB, 1)) MB while indexing (target < \(format(options.rssTargetMB)) MB; \
            \(format(baselineKB / 1024, 1)) MB before it\(ceilingPeakKB.map { "; ceiling run \(format($0 / 1024, 1)) MB" } ?? ""))
            """)
        var failures: [String] = []
        if indexer.events != info.events { failures.append("stored \(indexer.events) events, the replay serves \(info.events)") }
        if ceilings.contains(where: { $0.events != servedLogs }) { failures.append("the ceiling fetched \(ceiling.events) logs, the indexer \(servedLogs)") }
        if ratio < options.ratioTarget { failures.append("ratio \(format(ratio, 2)) < \(format(options.ratioTarget, 2))") }
        if peakMB >= options.rssTargetMB { failures.append("peak RSS \(format(peakMB, 1)) MB >= \(format(options.rssTargetMB)) MB") }
        if failures.isEmpty {
            print("indexer-bench: PASS")
            return 0
        }
        print("indexer-bench: FAIL: " + failures.joined(separator: "; "))
        return 1
    } catch {
        FileHandle.standardError.write(Data("indexer-bench: failed: \(String(reflecting: error))\n".utf8))
        return 1
    }
}

exit(await main())
