/// One step of the schema, in both dialects. Applied once, in version
/// order, each in its own transaction, and recorded in
/// `schema_migrations(version, name, applied_at)`.
///
/// ```swift
/// Migration(version: 2, name: "api keys",
///           postgres: "CREATE TABLE api_keys (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, …);",
///           sqlite: "CREATE TABLE api_keys (id INTEGER PRIMARY KEY AUTOINCREMENT, …);")
/// ```
///
/// PostgreSQL runs the statements one by one (split at top-level `;`,
/// respecting quotes, comments and `$$` bodies); SQLite runs the script.
public struct Migration: Sendable, Hashable {
    public let version: Int
    public let name: String
    public let postgres: String
    public let sqlite: String

    public init(version: Int, name: String, postgres: String, sqlite: String) {
        self.version = version
        self.name = name
        self.postgres = postgres
        self.sqlite = sqlite
    }
}

/// The schema's history, oldest first.
///
/// To change the schema, append a ``Migration`` with the next version to
/// ``all`` (in a file of its own under `Schema/`, like ``InitialSchema``),
/// with SQL for both dialects, and extend ``ProjectionTable`` if a
/// projection table changes. Never edit or reorder a migration that has
/// been released: databases in the field have already recorded it. A
/// binary refuses a database that has versions it does not know
/// (``StoreError/schemaTooNew(unknownVersions:latestKnown:)``).
///
/// ```swift
/// Migrations.latestVersion   // 4
/// ```
public enum Migrations {
    public static let all: [Migration] = [
        Migration(version: 1, name: "initial schema", postgres: InitialSchema.postgres, sqlite: InitialSchema.sqlite),
        Migration(version: 2, name: "api access and incidents", postgres: APIAccessSchema.postgres, sqlite: APIAccessSchema.sqlite),
        Migration(version: 3, name: "chain events keyed by position", postgres: ChainEventsKeySchema.postgres, sqlite: ChainEventsKeySchema.sqlite),
        Migration(version: 4, name: "security alerts and P0 incidents", postgres: SecuritySchema.postgres, sqlite: SecuritySchema.sqlite),
    ]

    public static var latestVersion: Int { all.last?.version ?? 0 }

    /// The migrations `applied` lacks, in order; refuses a database with versions `known` lacks.
    static func pending(applied: [Int], known: [Migration]) throws(StoreError) -> [Migration] {
        for (previous, next) in zip(known, known.dropFirst()) where next.version <= previous.version {
            throw .invalidMigrationList("version \(next.version) follows \(previous.version)")
        }
        let knownVersions = Set(known.map(\.version))
        let unknown = applied.filter { !knownVersions.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw .schemaTooNew(unknownVersions: unknown, latestKnown: known.last?.version ?? 0)
        }
        let appliedVersions = Set(applied)
        return known.filter { !appliedVersions.contains($0.version) }
    }
}
