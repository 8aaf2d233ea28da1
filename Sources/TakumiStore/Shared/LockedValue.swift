import Foundation

/// A value behind a lock, for the little mutable state that Sendable
/// classes here keep (lease handles). `Synchronization.Mutex` would do,
/// but needs macOS 15 and the package supports macOS 14.
final class LockedValue<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }

    var current: Value { withLock { $0 } }
}

/// Lets one task at a time through, in arrival order, across suspension
/// points: SQLite's single writer connection must not see another writer's
/// statements in the middle of an open batch transaction.
actor WriteGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func enter() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func leave() {
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}

extension WriteGate {
    /// Runs `body` inside the gate; leaves it however `body` ends.
    nonisolated func pass<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        await enter()
        do {
            let value = try await body()
            await leave()
            return value
        } catch {
            await leave()
            throw error
        }
    }
}
