import Synchronization
import Testing
@testable import TakumiStore

/// ``ProfileReadCoalescer``: concurrent profile reads share one statement
/// per round trip on PostgreSQL, and each read still gets exactly its own
/// answer (checked against SQLite, which reads one profile per statement).
@Suite("Profile reads coalesced on PostgreSQL")
struct ProfileCoalescingTests {
    /// A fetch whose calls are recorded and which answers each owner with one
    /// row naming it (and the skill limit); the first call can be held open.
    final class ScriptedFetch: Sendable {
        let calls = Mutex<[(owners: Set<String>, skillLimit: Int)]>([])
        let gate = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let holdFirst: Bool

        /// The first call waits (cancellably) until its task is cancelled.
        let cancellableFirst: Bool

        init(holdFirst: Bool, cancellableFirst: Bool = false) {
            self.holdFirst = holdFirst
            self.cancellableFirst = cancellableFirst
        }

        func fetch(chain: String, owners: [String], skillLimit: Int) async throws -> [String: [[StoreValue]]] {
            let first = calls.withLock { calls in
                calls.append((Set(owners), skillLimit))
                return calls.count == 1
            }
            if first && holdFirst { await withCheckedContinuation { continuation in gate.withLock { $0 = continuation } } }
            if first && cancellableFirst { try await Task.sleep(for: .seconds(600)) }
            if owners.contains("0xbad") { throw StoreError.unavailable(location: "scripted", reason: "failure for \(owners.sorted())") }
            var rows: [String: [[StoreValue]]] = [:]
            for owner in owners where owner != "0xmissing" { rows[owner] = [[.text(owner), .int(Int64(skillLimit))]] }
            return rows
        }

        func release() async {
            while true {
                if let continuation = gate.withLock({ gate in defer { gate = nil }; return gate }) {
                    continuation.resume()
                    return
                }
                await Task.yield()
            }
        }
    }

    static func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<100_000 {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(1))
        }
        Issue.record("condition never held")
    }

    @Test("reads that wait while the slot is busy go out as one batch; each gets its own rows; other limits wait for a batch of their own")
    func coalescesWaitingReads() async throws {
        let script = ScriptedFetch(holdFirst: true)
        let coalescer = ProfileReadCoalescer(maxRunning: 1) { try await script.fetch(chain: $0, owners: $1, skillLimit: $2) }
        try await withThrowingTaskGroup(of: (String, Int, [[StoreValue]]).self) { group in
            group.addTask { ("0xfirst", 100, try await coalescer.rows(chain: "dev", owner: "0xfirst", skillLimit: 100)) }
            try await Self.waitUntil { script.calls.withLock { $0.count } == 1 }
            // Ten reads (one owner asked twice, one missing) and one with another skill limit, all while the first runs.
            let owners = (0..<8).map { "0x\($0)" } + ["0x0", "0xmissing"]
            for owner in owners {
                group.addTask { (owner, 100, try await coalescer.rows(chain: "dev", owner: owner, skillLimit: 100)) }
            }
            group.addTask { ("0x1", 2, try await coalescer.rows(chain: "dev", owner: "0x1", skillLimit: 2)) }
            try await Self.waitUntil { coalescer.waitingCount == 11 }
            #expect(script.calls.withLock { $0.count } == 1, "nothing else runs while the one slot is busy")
            await script.release()
            var answers = 0
            for try await (owner, limit, rows) in group {
                answers += 1
                #expect(rows == (owner == "0xmissing" ? [] : [[.text(owner), .int(Int64(limit))]]), "\(owner)")
            }
            #expect(answers == 12)
        }
        let calls = script.calls.withLock { $0 }
        #expect(calls.count == 3, "\(calls)")
        #expect(calls.map(\.owners) == [["0xfirst"], Set((0..<8).map { "0x\($0)" } + ["0xmissing"]), ["0x1"]])
        #expect(calls.map(\.skillLimit) == [100, 100, 2])
        #expect(coalescer.runningCount == 0 && coalescer.waitingCount == 0)
    }

    @Test("beside a running statement a second opens only for a batch of overlapAfter reads; a lone read waits for the running one's hand-off")
    func secondStatementOnlyForABatch() async throws {
        let script = ScriptedFetch(holdFirst: true)
        let coalescer = ProfileReadCoalescer(maxRunning: 2, overlapAfter: 3) { try await script.fetch(chain: $0, owners: $1, skillLimit: $2) }
        try await withThrowingTaskGroup(of: (String, [[StoreValue]]).self) { group in
            func read(_ owner: String) { group.addTask { (owner, try await coalescer.rows(chain: "dev", owner: owner, skillLimit: 1)) } }
            read("0xfirst")
            try await Self.waitUntil { script.calls.withLock { $0.count } == 1 }
            // A slot is free, but one or two reads do not open it: they wait.
            read("0xa")
            try await Self.waitUntil { coalescer.waitingCount == 1 }
            read("0xb")
            try await Self.waitUntil { coalescer.waitingCount == 2 }
            #expect(script.calls.withLock { $0.count } == 1 && coalescer.runningCount == 1)
            // The third makes a batch: the second statement opens, carrying all three.
            read("0xc")
            try await Self.waitUntil { script.calls.withLock { $0.count } == 2 }
            try await Self.waitUntil { coalescer.runningCount == 1 }
            #expect(coalescer.waitingCount == 0)
            // A lone read again waits, then rides on the first statement's hand-off.
            read("0xd")
            try await Self.waitUntil { coalescer.waitingCount == 1 }
            #expect(script.calls.withLock { $0.count } == 2)
            await script.release()
            var answered: Set<String> = []
            for try await (owner, rows) in group {
                answered.insert(owner)
                #expect(rows == [[.text(owner), .int(1)]], "\(owner)")
            }
            #expect(answered == ["0xfirst", "0xa", "0xb", "0xc", "0xd"])
        }
        #expect(script.calls.withLock { $0.map(\.owners) } == [["0xfirst"], ["0xa", "0xb", "0xc"], ["0xd"]])
        #expect(coalescer.runningCount == 0 && coalescer.waitingCount == 0)
        // Nothing running: a lone read goes at once.
        #expect(try await coalescer.rows(chain: "dev", owner: "0xe", skillLimit: 1) == [[.text("0xe"), .int(1)]])
        #expect(script.calls.withLock { $0.count } == 4)
    }

    /// A fetch whose calls wait while they carry a held owner, until that owner is released.
    final class GatedFetch: Sendable {
        let calls = Mutex<[Set<String>]>([])
        let gates = Mutex<[String: CheckedContinuation<Void, Never>]>([:])
        let held: Set<String>

        init(holding held: Set<String>) { self.held = held }

        func fetch(owners: [String], skillLimit: Int) async -> [String: [[StoreValue]]] {
            calls.withLock { $0.append(Set(owners)) }
            if let gate = owners.first(where: held.contains) {
                await withCheckedContinuation { continuation in gates.withLock { $0[gate] = continuation } }
            }
            return Dictionary(uniqueKeysWithValues: owners.map { ($0, [[StoreValue.text($0), .int(Int64(skillLimit))]]) })
        }

        func release(_ owner: String) async throws {
            try await ProfileCoalescingTests.waitUntil { gates.withLock { $0[owner] != nil } }
            gates.withLock { $0.removeValue(forKey: owner) }?.resume()
        }
    }

    @Test("a statement that ends beside a running one hands fewer than overlapAfter waiting reads to it instead of opening a statement for them")
    func smallRemaindersWaitForTheOtherStatement() async throws {
        let script = GatedFetch(holding: ["0xfirst", "0xa"])
        let coalescer = ProfileReadCoalescer(maxRunning: 2, overlapAfter: 3) { _, owners, limit in await script.fetch(owners: owners, skillLimit: limit) }
        try await withThrowingTaskGroup(of: (String, [[StoreValue]]).self) { group in
            func read(_ owner: String) { group.addTask { (owner, try await coalescer.rows(chain: "dev", owner: owner, skillLimit: 1)) } }
            read("0xfirst")
            try await Self.waitUntil { script.calls.withLock { $0.count } == 1 }
            for (index, owner) in ["0xa", "0xb", "0xc"].enumerated() {
                read(owner)
                try await Self.waitUntil { script.calls.withLock { $0.count } == 2 || coalescer.waitingCount == index + 1 }
            }
            try await Self.waitUntil { script.calls.withLock { $0.count } == 2 && coalescer.runningCount == 2 }
            read("0xd")
            try await Self.waitUntil { coalescer.waitingCount == 1 }
            // The second statement ends: 0xd alone does not get a statement of its own while the first runs.
            try await script.release("0xa")
            try await Self.waitUntil { coalescer.runningCount == 1 }
            #expect(coalescer.waitingCount == 1 && script.calls.withLock { $0.count } == 2)
            // The first ends: it hands its slot to 0xd.
            try await script.release("0xfirst")
            var answered: Set<String> = []
            for try await (owner, rows) in group {
                answered.insert(owner)
                #expect(rows == [[.text(owner), .int(1)]], "\(owner)")
            }
            #expect(answered == ["0xfirst", "0xa", "0xb", "0xc", "0xd"])
        }
        #expect(script.calls.withLock { $0 } == [["0xfirst"], ["0xa", "0xb", "0xc"], ["0xd"]])
        #expect(coalescer.runningCount == 0 && coalescer.waitingCount == 0)
    }

    @Test("a batch's error reaches exactly the reads in it; the slot is freed and later reads succeed")
    func errorsStayInTheirBatch() async throws {
        let script = ScriptedFetch(holdFirst: true)
        let coalescer = ProfileReadCoalescer(maxRunning: 1, maxBatch: 3) { try await script.fetch(chain: $0, owners: $1, skillLimit: $2) }
        try await withThrowingTaskGroup(of: (String, Result<[[StoreValue]], any Error>).self) { group in
            func read(_ owner: String) {
                group.addTask {
                    do { return (owner, .success(try await coalescer.rows(chain: "dev", owner: owner, skillLimit: 1))) } catch { return (owner, .failure(error)) }
                }
            }
            read("0xfirst")
            try await Self.waitUntil { script.calls.withLock { $0.count } == 1 }
            // Batches of at most three, in arrival order: [0xbad, 0xa, 0xb] fails, [0xc, 0xd] succeeds.
            for owner in ["0xbad", "0xa", "0xb"] {
                read(owner)
                try await Self.waitUntil { coalescer.waitingCount == ["0xbad", "0xa", "0xb"].firstIndex(of: owner)! + 1 }
            }
            read("0xc")
            read("0xd")
            try await Self.waitUntil { coalescer.waitingCount == 5 }
            await script.release()
            for try await (owner, result) in group {
                switch (owner, result) {
                case ("0xbad", .failure), ("0xa", .failure), ("0xb", .failure): break
                case (_, let .success(rows)) where ["0xfirst", "0xc", "0xd"].contains(owner): #expect(rows == [[.text(owner), .int(1)]])
                default: Issue.record("\(owner): \(result)")
                }
            }
        }
        #expect(script.calls.withLock { $0.map(\.owners) } == [["0xfirst"], ["0xbad", "0xa", "0xb"], ["0xc", "0xd"]])
        #expect(coalescer.runningCount == 0)
        #expect(try await coalescer.rows(chain: "dev", owner: "0xe", skillLimit: 1) == [[.text("0xe"), .int(1)]])
    }

    @Test("a leader cancelled mid-statement hands its batch to another read; the others still get their rows")
    func cancelledLeaderHandsOn() async throws {
        let script = ScriptedFetch(holdFirst: false, cancellableFirst: true)
        let coalescer = ProfileReadCoalescer(maxRunning: 1) { try await script.fetch(chain: $0, owners: $1, skillLimit: $2) }
        try await withThrowingTaskGroup(of: (String, [[StoreValue]]).self) { group in
            let leader = Task { try await coalescer.rows(chain: "dev", owner: "0xleader", skillLimit: 1) }
            try await Self.waitUntil { script.calls.withLock { $0.count } == 1 }
            // The leader's statement is running; these wait for it, then ride on it.
            for owner in ["0xa", "0xb", "0xc"] {
                group.addTask { (owner, try await coalescer.rows(chain: "dev", owner: owner, skillLimit: 1)) }
            }
            try await Self.waitUntil { coalescer.waitingCount == 3 }
            leader.cancel()
            await #expect(throws: CancellationError.self) { try await leader.value }
            for try await (owner, rows) in group {
                #expect(rows == [[.text(owner), .int(1)]], "\(owner)")
            }
        }
        let calls = script.calls.withLock { $0.map(\.owners) }
        #expect(calls.count == 2 && calls[0] == ["0xleader"] && calls[1] == ["0xa", "0xb", "0xc"], "\(calls)")
        #expect(coalescer.runningCount == 0 && coalescer.waitingCount == 0)
    }

    @Test("400 concurrent profile reads on PostgreSQL answer what SQLite answers one by one, in fewer statements than reads")
    func concurrentReadsMatchSQLite() async throws {
        var generator = SystemRandomNumberGenerator()
        let owners = (0..<120).map { String(format: "0x%040x", $0 * 7_919 + 11) }
        // Rows: profiles for the first 100 owners; 0–6 skills each (some removed), endorsements between them.
        var rows: [ProjectionRow] = []
        var skillID: Int64 = 1
        for (index, owner) in owners.prefix(100).enumerated() {
            var profile = ProjectionTests.fullRow(.profiles, seed: Int64(index + 1))
            profile["owner"] = .text(owner)
            rows.append(profile)
            for _ in 0..<Int.random(in: 0...6, using: &generator) {
                rows.append(ReaderTests.skill(id: skillID, owner: owner, removed: Int.random(in: 0..<4, using: &generator) == 0))
                skillID += 1
            }
        }
        for id in Int64(1)...300 {
            let endorser = owners[Int.random(in: 0..<100, using: &generator)]
            let endorsee = owners[Int.random(in: 0..<100, using: &generator)]
            rows.append(ReaderTests.endorsement(id: id, endorser: endorser, endorsee: endorsee, active: Bool.random(using: &generator)))
        }
        let reads = (0..<400).map { _ in (owners[Int.random(in: 0..<owners.count, using: &generator)], [100, 3].randomElement(using: &generator) ?? 100) }

        try await StoreHarness.with(.sqlite) { sqlite in
            try await StoreHarness.with(.postgresql) { postgres in
                for harness in [sqlite, postgres] {
                    let lease = try await harness.lease()
                    try await harness.store.write(lease) { tx in
                        for row in rows { try await tx.upsert(row, journalBlock: nil) }
                    }
                }
                let expected = sqlite.store.reader()
                var oracle: [String: ProfileDetail?] = [:]
                for (owner, limit) in reads where oracle["\(owner)/\(limit)"] == nil {
                    oracle["\(owner)/\(limit)"] = .some(try await expected.profile(chain: "dev", owner: owner, skillLimit: limit))
                }
                let store = try #require(postgres.store as? PostgresStore)
                let reader = store.reader()
                let answers = try await withThrowingTaskGroup(of: (Int, ProfileDetail?).self) { group in
                    for (index, (owner, limit)) in reads.enumerated() {
                        group.addTask { (index, try await reader.profile(chain: "dev", owner: owner, skillLimit: limit)) }
                    }
                    return try await group.reduce(into: [Int: ProfileDetail?]()) { $0[$1.0] = $1.1 }
                }
                var mismatches = 0
                for (index, (owner, limit)) in reads.enumerated() where answers[index] != oracle["\(owner)/\(limit)"] {
                    mismatches += 1
                    if mismatches <= 3 { Issue.record("read \(index) \(owner) limit \(limit): \(String(describing: answers[index])) vs \(String(describing: oracle["\(owner)/\(limit)"]))") }
                }
                #expect(mismatches == 0)
                #expect(oracle.values.contains { $0 == nil } && oracle.values.contains { ($0?.skills.count ?? 0) > 3 }, "missing profiles and long skill lists were both read")
                let statements = store.profileReads.statements
                #expect(statements < reads.count, "coalesced: \(statements) statements for \(reads.count) reads")
                print("ProfileCoalescingTests: \(reads.count) concurrent reads in \(statements) statements (at most \(store.profileReads.maxRunning) at once)")
                #expect(store.profileReads.runningCount == 0 && store.profileReads.waitingCount == 0)
            }
        }
    }
}
