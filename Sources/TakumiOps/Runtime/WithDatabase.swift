import TakumiStore

/// Runs `body` with the database's background work running beside it, then
/// stops it: for one-shot commands (`takumi db migrate`, `indexer status`).
public func withRunningDatabase<T: Sendable>(
    _ store: any DatabaseStore, _ body: (any DatabaseStore) async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await store.run() }
        defer { group.cancelAll() }
        return try await body(store)
    }
}
