import Foundation
import PostgresNIO

/// A `postgres://user:password@host:port/database` URL turned into PostgresNIO
/// connection settings. The password never appears in ``description``.
///
/// ```swift
/// let url = try PostgresURL("postgres://takumi:secret@127.0.0.1:5432/takumi")
/// url.connectionConfiguration   // PostgresConnection.Configuration
/// ```
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String

    public enum ParseError: Error, CustomStringConvertible, Equatable {
        case notAPostgresURL(String)
        public var description: String {
            switch self {
            case let .notAPostgresURL(reason): "not a postgres:// URL: \(reason)"
            }
        }
    }

    public init(host: String, port: Int = 5432, username: String, password: String? = nil, database: String) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
    }

    public init(_ text: String) throws(ParseError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
              ["postgres", "postgresql"].contains(scheme.lowercased())
        else { throw .notAPostgresURL("expected scheme postgres or postgresql") }
        guard let host = components.host, !host.isEmpty else { throw .notAPostgresURL("missing host") }
        let database = String(components.path.drop { $0 == "/" })
        self.init(
            host: host,
            port: components.port ?? 5432,
            username: components.user ?? "postgres",
            password: components.password?.removingPercentEncoding ?? components.password,
            database: database.isEmpty ? (components.user ?? "postgres") : database
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
        PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: .disable
        )
    }

    /// The URL with its password, for handing to another process.
    public var urlString: String {
        let credentials = password.map { "\(username):\($0.addingPercentEncoding(withAllowedCharacters: .urlPasswordAllowed) ?? $0)" } ?? username
        return "postgres://\(credentials)@\(host):\(port)/\(database)"
    }

    public var description: String {
        "postgres://\(username)\(password == nil ? "" : ":****")@\(host):\(port)/\(database)"
    }
}
