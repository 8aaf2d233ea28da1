import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// One PostgreSQL connection on a chosen event loop, opened on first use and
/// opened again after it breaks (a server restart, say).
///
/// Why not the pool: `PostgresClient` hands out whichever connection is free,
/// on whichever event loop it was opened. Profile reads want the connection
/// that lives on the event loop already running the request, so that
/// writing the statement, reading its rows and resuming the waiting requests
/// never cross threads (see ``ProfileReadShards``).
///
/// Statements on one connection run one after another (PostgreSQL's
/// protocol); callers that want more in flight use more connections.
final class PinnedConnection: Sendable {
    let eventLoop: any EventLoop
    private let configuration: PostgresConnection.Configuration
    private let makeID: @Sendable () -> Int
    private let logger: Logger
    private let state = Mutex(State.idle)
    /// What ``connection()`` throws after ``close()``.
    private static let shutDown = StoreError.unavailable(location: "profile reads", reason: "the store is shutting down")

    private enum State {
        case idle
        case open(PostgresConnection)
        /// ``close()`` was called: no new connection is opened.
        case closed
    }

    init(eventLoop: any EventLoop, configuration: PostgresConnection.Configuration, logger: Logger, makeID: @escaping @Sendable () -> Int) {
        self.eventLoop = eventLoop
        self.configuration = configuration
        self.logger = logger
        self.makeID = makeID
    }

    /// The open connection, or a new one when there is none or it broke.
    func connection() async throws -> PostgresConnection {
        let current = try state.withLock { state -> PostgresConnection? in
            switch state {
            case let .open(connection) where !connection.isClosed: return connection
            case .open, .idle: state = .idle; return nil
            case .closed: throw Self.shutDown
            }
        }
        if let current { return current }
        let opened = try await PostgresConnection.connect(on: eventLoop, configuration: configuration, id: makeID(), logger: logger)
        // Another caller may have opened one meanwhile, or close() may have run: keep one, close the other.
        let kept = state.withLock { state -> PostgresConnection? in
            switch state {
            case let .open(connection) where !connection.isClosed: return connection
            case .open, .idle: state = .open(opened); return opened
            case .closed: return nil
            }
        }
        guard let kept else {
            try? await opened.close()
            throw Self.shutDown
        }
        if kept !== opened { try? await opened.close() }
        return kept
    }

    /// Forgets `connection` (if it is still the open one) and closes it: the
    /// next ``connection()`` opens a new one. For a connection that failed a
    /// statement because it is gone, which the client may not have noticed
    /// yet (the server's 57P01 arrives before the socket closes).
    func discard(_ connection: PostgresConnection) async {
        state.withLock { state in
            if case let .open(current) = state, current === connection { state = .idle }
        }
        try? await connection.close()
    }

    /// Whether `error` means the connection is gone, rather than that the
    /// statement failed: the socket closed or broke, or the server ended the
    /// session (SQLSTATE class 57, operator intervention: a terminated
    /// backend, a shutdown — but not 57014, a cancelled statement; class 08:
    /// connection exception).
    static func isConnectionLost(_ error: any Error, on connection: PostgresConnection) -> Bool {
        if connection.isClosed { return true }
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown:
            return true
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            return (state.hasPrefix("57") && state != "57014") || state.hasPrefix("08")
        default:
            return false
        }
    }

    /// Closes the connection, if open; later calls to ``connection()`` fail.
    func close() async {
        let open = state.withLock { state -> PostgresConnection? in
            defer { state = .closed }
            if case let .open(connection) = state { return connection }
            return nil
        }
        try? await open?.close()
    }
}
