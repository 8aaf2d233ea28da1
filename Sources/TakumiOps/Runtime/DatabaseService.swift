import ServiceLifecycle
import TakumiStore

/// The database's background work (PostgreSQL's connection pool) as a
/// ServiceLifecycle service, listed first in a group so it stops last.
public struct DatabaseService: Service {
    let store: any DatabaseStore

    public init(_ store: any DatabaseStore) {
        self.store = store
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await store.run()
        }
    }
}
