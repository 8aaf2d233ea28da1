/// Which engine a store runs on.
///
/// ```swift
/// if database.backend == .postgresql { … }
/// ```
public enum DatabaseBackend: String, Sendable, Hashable, CustomStringConvertible {
    case postgresql
    case sqlite

    public var description: String { rawValue }
}

/// The answer of ``DatabaseStore/check()``: the runbook's `pg_isready` plus
/// `SELECT 1`, measured. `location` never contains a password.
///
/// ```swift
/// let health = try await database.check()
/// print("\(health.backend) \(health.serverVersion) answered in \(health.latency)")
/// ```
public struct DatabaseHealth: Sendable, Hashable, CustomStringConvertible {
    public var backend: DatabaseBackend
    /// `postgres://user:****@host:port/db`, or the SQLite file path.
    public var location: String
    /// PostgreSQL's `server_version`, or SQLite's `sqlite_version()`.
    public var serverVersion: String
    /// Connect (PostgreSQL) or open (SQLite) plus `SELECT 1`.
    public var latency: Duration

    public init(backend: DatabaseBackend, location: String, serverVersion: String, latency: Duration) {
        self.backend = backend
        self.location = location
        self.serverVersion = serverVersion
        self.latency = latency
    }

    public var description: String {
        "\(backend) \(serverVersion) at \(location): SELECT 1 in \(latency)"
    }
}
