import Logging
import Synchronization

/// Log events a test can inspect: give ``logger(label:)`` to the component
/// under test, then read ``messages`` (the message text alone) or ``lines``
/// (level, message and every metadata field, as text: what a check that a
/// secret is never logged must search).
///
/// ```swift
/// let logs = RecordedLogs()
/// let redis = RedisClient(configuration: configuration, logger: logs.logger())
/// #expect(logs.messages.filter { $0 == "Redis unavailable" }.count == 1)
/// ```
public final class RecordedLogs: Sendable {
    public struct Entry: Sendable {
        public var level: Logger.Level
        public var message: String
        public var metadata: [String: String]

        /// `level: message key=value …`, keys sorted.
        public var line: String {
            let fields = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            return "\(level): \(message) \(fields)"
        }
    }

    private let storage = Mutex<[Entry]>([])

    public init() {}

    public var entries: [Entry] { storage.withLock { $0 } }
    public var messages: [String] { entries.map(\.message) }
    public var lines: [String] { entries.map(\.line) }

    /// A logger that records every event, from trace up.
    public func logger(label: String = "test") -> Logger {
        Logger(label: label) { _ in Handler(logs: self) }
    }

    func append(_ entry: Entry) { storage.withLock { $0.append(entry) } }

    struct Handler: LogHandler {
        let logs: RecordedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            logs.append(Entry(level: event.level, message: event.message.description, metadata: merged.mapValues { "\($0)" }))
        }
    }
}
