import Foundation
import PostgresNIO

/// A `postgres://user:password@host:port/database` URL turned into PostgresNIO
/// connection settings. The password never appears in ``description``.
///
/// The connection pool's size comes from the query parameters
/// `pool_max_conns` and `pool_min_conns` (the names pgx uses); without them
/// ``defaultMaximumConnections`` and no idle connections kept open.
///
/// ```swift
/// let url = try PostgresURL("postgres://takumi:secret@127.0.0.1:5432/takumi?pool_max_conns=8")
/// url.connectionConfiguration   // PostgresConnection.Configuration
/// url.clientConfiguration.options.maximumConnections   // 8
/// ```
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    /// The most pooled connections (nil: ``defaultMaximumConnections``).
    public var maximumConnections: Int?
    /// Pooled connections kept open while idle (nil: none).
    public var minimumConnections: Int?

    /// The pool size without `pool_max_conns`: twice the cores plus two.
    /// The server runs one backend process per connection, so a pool much
    /// larger than the cores only adds contention there; requests beyond it
    /// wait (briefly) for a free connection instead.
    public static var defaultMaximumConnections: Int {
        2 * ProcessInfo.processInfo.activeProcessorCount + 2
    }

    public enum ParseError: Error, CustomStringConvertible, Equatable {
        case notAPostgresURL(String)
        case badPoolSize(parameter: String, value: String)
        public var description: String {
            switch self {
            case let .notAPostgresURL(reason): "not a postgres:// URL: \(reason)"
            case let .badPoolSize(parameter, value): "\(parameter) must be a whole number from 1 to 1000 (pool_min_conns: 0 up to pool_max_conns), got \(value)"
            }
        }
    }

    public init(
        host: String, port: Int = 5432, username: String, password: String? = nil, database: String,
        maximumConnections: Int? = nil, minimumConnections: Int? = nil
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.maximumConnections = maximumConnections
        self.minimumConnections = minimumConnections
    }

    public init(_ text: String) throws(ParseError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
              ["postgres", "postgresql"].contains(scheme.lowercased())
        else { throw .notAPostgresURL("expected scheme postgres or postgresql") }
        guard let host = components.host, !host.isEmpty else { throw .notAPostgresURL("missing host") }
        let database = String(components.path.drop { $0 == "/" })
        func poolSize(_ name: String, range: ClosedRange<Int>) throws(ParseError) -> Int? {
            guard let text = components.queryItems?.last(where: { $0.name == name })?.value else { return nil }
            guard let size = Int(text), range.contains(size) else { throw .badPoolSize(parameter: name, value: text) }
            return size
        }
        let maximum = try poolSize("pool_max_conns", range: 1...1000)
        let minimum = try poolSize("pool_min_conns", range: 0...(maximum ?? 1000))
        self.init(
            host: host,
            port: components.port ?? 5432,
            username: components.user ?? "postgres",
            password: components.password?.removingPercentEncoding ?? components.password,
            database: database.isEmpty ? (components.user ?? "postgres") : database,
            maximumConnections: maximum, minimumConnections: minimum
        )
    }

    /// The same server with another database (tests create one per test).
    public func with(database: String) -> PostgresURL {
        var copy = self
        copy.database = database
        return copy
    }

    public var connectionConfiguration: PostgresConnection.Configuration {
        PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: .disable
        )
    }

    public var clientConfiguration: PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: .disable
        )
        let maximum = maximumConnections ?? Self.defaultMaximumConnections
        configuration.options.maximumConnections = maximum
        // PostgresNIO requires minimum <= maximum; a default maximum below an explicit minimum yields to it.
        configuration.options.minimumConnections = min(minimumConnections ?? 0, maximum)
        return configuration
    }

    /// `?pool_max_conns=…&pool_min_conns=…` when set, else "".
    private var poolQuery: String {
        let items = [("pool_max_conns", maximumConnections), ("pool_min_conns", minimumConnections)]
            .compactMap { name, value in value.map { "\(name)=\($0)" } }
        return items.isEmpty ? "" : "?" + items.joined(separator: "&")
    }

    /// The URL with its password, for handing to another process.
    public var urlString: String {
        let credentials = password.map { "\(username):\($0.addingPercentEncoding(withAllowedCharacters: .urlPasswordAllowed) ?? $0)" } ?? username
        return "postgres://\(credentials)@\(host):\(port)/\(database)\(poolQuery)"
    }

    public var description: String {
        "postgres://\(username)\(password == nil ? "" : ":****")@\(host):\(port)/\(database)\(poolQuery)"
    }
}
