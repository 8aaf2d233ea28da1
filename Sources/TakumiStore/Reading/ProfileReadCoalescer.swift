import PostgresNIO
import Synchronization

/// Coalesces concurrent profile reads (`GET /api/v1/profiles/{address}`)
/// on PostgreSQL into one statement per round trip.
///
/// Under load, the cost of a profile read is the round trip, not the row:
/// PostgreSQL spends far more on a statement's Bind/Execute/Sync, the
/// backend's wake-up and the two sockets' system calls than on one index
/// lookup. So at most `maxRunning` statements run at once; a read that
/// arrives while they are all busy waits, and when one finishes, every read
/// that waited meanwhile (up to `maxBatch`) goes out together as
/// `owner = ANY($2)`. At low load nothing waits: a read that finds nothing
/// running goes at once, alone, so coalescing adds no latency when it cannot
/// help. Beside a running statement, a second one opens only for a batch
/// (`overlapAfter` reads); fewer wait for the running one's hand-off.
///
/// Each batch runs in the task of one of its own reads (the "leader", the
/// first to arrive): no background task exists, and a batch's error reaches
/// exactly the reads in it. A leader cancelled mid-statement passes the
/// batch on to another of its reads instead of failing them all.
final class ProfileReadCoalescer: Sendable {
    typealias Rows = [[StoreValue]]
    typealias Fetch = @Sendable (_ chain: String, _ owners: [String], _ skillLimit: Int) async throws -> [String: Rows]

    /// A read waiting for its rows, or for its turn to lead a batch.
    private struct Waiter {
        let key: Key
        let continuation: CheckedContinuation<Turn, any Error>
    }

    /// Reads coalesce only with reads of the same chain and skill limit.
    private struct Key: Hashable {
        let chain: String
        let owner: String
        let skillLimit: Int
    }

    private enum Turn {
        case rows(Rows)
        /// Run a batch of your own read plus these.
        case lead(others: [Waiter])
    }

    private struct State {
        var running = 0
        var waiting: [Waiter] = []
        var statements = 0
    }

    let maxRunning: Int
    let maxBatch: Int
    /// How many reads open a statement beside a running one.
    let overlapAfter: Int
    private let fetch: Fetch
    private let state = Mutex(State())

    init(maxRunning: Int, maxBatch: Int = 64, overlapAfter: Int = 8, fetch: @escaping Fetch) {
        self.maxRunning = max(1, maxRunning)
        self.maxBatch = max(1, maxBatch)
        self.overlapAfter = max(1, overlapAfter)
        self.fetch = fetch
    }

    /// Batches running now.
    var runningCount: Int { state.withLock { $0.running } }
    /// Reads waiting for a batch.
    var waitingCount: Int { state.withLock { $0.waiting.count } }
    /// Batches run so far (each one statement).
    var statements: Int { state.withLock { $0.statements } }

    /// The rows of ``ProfileQuery`` for one owner (empty: no such profile).
    func rows(chain: String, owner: String, skillLimit: Int) async throws -> Rows {
        let key = Key(chain: chain, owner: owner, skillLimit: skillLimit)
        // A slot this read may take: lead at once, without suspending (the common case at low load).
        if let others = state.withLock({ takeSlot(for: key, &$0) }) { return try await lead(key, others) }
        let turn: Turn = try await withCheckedThrowingContinuation { continuation in
            let others = state.withLock { state -> [Waiter]? in
                if let others = takeSlot(for: key, &state) { return others }
                state.waiting.append(Waiter(key: key, continuation: continuation))
                return nil
            }
            if let others { continuation.resume(returning: .lead(others: others)) }
        }
        switch turn {
        case let .rows(rows):
            return rows
        case let .lead(others):
            return try await lead(key, others)
        }
    }

    /// A free slot for `key`'s read, with the waiting reads that join it; nil: wait.
    ///
    /// With nothing running, a read goes at once. With a statement already
    /// running, a second one opens only once `overlapAfter` reads (this one
    /// included) would share it; fewer wait for the running statement's
    /// hand-off. Measured under wrk (64 connections), a quarter of all
    /// statements had carried a single read, each paying a whole round trip.
    private func takeSlot(for key: Key, _ state: inout State) -> [Waiter]? {
        guard state.running < maxRunning, state.running == 0 || state.waiting.count + 1 >= overlapAfter else { return nil }
        state.running += 1
        return Self.batch(joining: key, from: &state.waiting, maxBatch: maxBatch)
    }

    /// Removes and returns the waiting reads that can share `key`'s statement (up to `maxBatch` in all).
    private static func batch(joining key: Key, from waiting: inout [Waiter], maxBatch: Int) -> [Waiter] {
        var batch: [Waiter] = []
        var rest: [Waiter] = []
        for waiter in waiting {
            let joins = batch.count + 1 < maxBatch && waiter.key.chain == key.chain && waiter.key.skillLimit == key.skillLimit
            if joins { batch.append(waiter) } else { rest.append(waiter) }
        }
        waiting = rest
        return batch
    }

    /// Runs one batch: this read's and `others` (same chain and limit).
    private func lead(_ key: Key, _ others: [Waiter]) async throws -> Rows {
        let owners = Array(Set([key.owner] + others.map(\.key.owner)))
        state.withLock { $0.statements += 1 }
        let result: Result<[String: Rows], any Error>
        do {
            result = .success(try await fetch(key.chain, owners, key.skillLimit))
        } catch {
            // This read was cancelled (its client went away, say): the others
            // did not ask for that. The first of them leads them again, in
            // this batch's slot.
            if Task.isCancelled, let heir = others.first {
                heir.continuation.resume(returning: .lead(others: Array(others.dropFirst())))
                throw error
            }
            result = .failure(error)
        }
        // Hand the slot on before answering anyone: the next batch's round
        // trip overlaps with this one's rendering.
        handOff()
        switch result {
        case let .success(rows):
            for waiter in others { waiter.continuation.resume(returning: .rows(rows[waiter.key.owner] ?? [])) }
            return rows[key.owner] ?? []
        case let .failure(error):
            for waiter in others { waiter.continuation.resume(throwing: error) }
            throw error
        }
    }

    /// Frees this batch's slot, or gives it to the oldest waiting read along
    /// with every waiting read it can share a statement with. While another
    /// statement runs, fewer than `overlapAfter` waiting reads are left to its
    /// hand-off rather than sent as a small statement of their own.
    private func handOff() {
        let next = state.withLock { state -> (Waiter, [Waiter])? in
            guard !state.waiting.isEmpty, state.running == 1 || state.waiting.count >= overlapAfter else {
                state.running -= 1
                return nil
            }
            let leader = state.waiting.removeFirst()
            return (leader, Self.batch(joining: leader.key, from: &state.waiting, maxBatch: maxBatch))
        }
        if let (leader, others) = next { leader.continuation.resume(returning: .lead(others: others)) }
    }
}

/// ``ProfileQuery`` for many owners of one chain in one statement: each
/// profile with its counts, joined laterally to its first `skillLimit`
/// skills, rows ordered by owner then skill id. PostgreSQL only (LATERAL,
/// arrays); prepared once per pooled connection.
struct ProfileBatchStatement: PostgresPreparedStatement {
    typealias Row = [StoreValue]
    static let name = "takumi_profile_details"
    static let sql: String = {
        let profileColumns = ProfileQuery.profileColumns.map { quoted($0.name) }
        let skillColumns = ProfileQuery.skillColumns.map { quoted($0.name) }
        let profiles = quoted(ProjectionTable.profiles.name)
        let endorsements = quoted(ProjectionTable.endorsements.name)
        let skills = quoted(ProjectionTable.skills.name)
        func count(_ column: String) -> String {
            "(SELECT COUNT(*) FROM \(endorsements) AS e WHERE e.\(quoted("chain")) = pr.\(quoted("chain")) "
                + "AND e.\(quoted(column)) = pr.\(quoted("owner")) AND e.\(quoted("active")) = $3)"
        }
        return "SELECT \(profileColumns.map { "p.\($0)" }.joined(separator: ", ")), p.endorsements_received, p.endorsements_given, "
            + "\(skillColumns.map { "s.\($0)" }.joined(separator: ", ")) FROM ("
            + "SELECT \(profileColumns.map { "pr.\($0)" }.joined(separator: ", ")), "
            + "\(count("endorsee")) AS endorsements_received, \(count("endorser")) AS endorsements_given "
            + "FROM \(profiles) AS pr WHERE pr.\(quoted("chain")) = $1 AND pr.\(quoted("owner")) = ANY($2)) AS p "
            + "LEFT JOIN LATERAL (SELECT \(skillColumns.map { "sk.\($0)" }.joined(separator: ", ")) FROM \(skills) AS sk "
            + "WHERE sk.\(quoted("chain")) = p.\(quoted("chain")) AND sk.\(quoted("owner")) = p.\(quoted("owner")) "
            + "AND sk.\(quoted("removed")) = $4 ORDER BY sk.\(quoted("id")) ASC LIMIT $5) AS s ON TRUE "
            + "ORDER BY p.\(quoted("owner")), s.\(quoted("id"))"
    }()
    /// Where the owner sits in a row.
    static let ownerIndex = ProfileQuery.profileColumns.firstIndex { $0.name == "owner" } ?? 0

    let chain: String
    let owners: [String]
    let skillLimit: Int

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 5)
        bindings.append(chain)
        bindings.append(owners)
        bindings.append(true)
        bindings.append(false)
        bindings.append(Int64(max(1, skillLimit)))
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> [StoreValue] {
        let cells = row.makeRandomAccess()
        return try ProfileQuery.types.enumerated().map { index, type in try PostgresExecutor.value(cells[index], as: type) }
    }

    /// Rows grouped by owner, each group in skill order (as ``ProfileQuery`` returns them).
    static func grouped(_ rows: [[StoreValue]]) -> [String: [[StoreValue]]] {
        var groups: [String: [[StoreValue]]] = [:]
        for row in rows {
            guard row.indices.contains(ownerIndex), let owner = row[ownerIndex].text else { continue }
            groups[owner, default: []].append(row)
        }
        return groups
    }
}
