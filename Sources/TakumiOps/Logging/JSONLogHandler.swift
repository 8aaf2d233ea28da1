import Foundation
import Logging

/// One JSON object per line on standard error: what log collectors parse in
/// production (`LOG_FORMAT=json`). Metadata values are strings; secrets never
/// reach a log line because no caller puts them in metadata.
///
/// ```swift
/// LoggingSystem.bootstrap { JSONLogHandler(label: $0, level: .info) }
/// ```
public struct JSONLogHandler: LogHandler {
    public let label: String
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]

    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var object: [String: String] = [:]
        for (key, value) in metadata { object[key] = "\(value)" }
        for (key, value) in event.metadata ?? [:] { object[key] = "\(value)" }
        object["ts"] = Date().formatted(Self.timestampStyle)
        object["level"] = event.level.rawValue
        object["label"] = label
        object["message"] = event.message.description
        guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        data.append(0x0A)
        FileHandle.standardError.write(data)
    }
}

extension JSONLogHandler {
    /// A value-type format style: safe to share between the threads that log,
    /// unlike a shared `ISO8601DateFormatter`.
    static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}

/// Installs the process-wide log handler from `LOG_FORMAT` and `LOG_LEVEL`.
public enum LogSetup {
    public static func bootstrap(format: String, level: String) {
        let logLevel = Logger.Level(rawValue: level) ?? .info
        LoggingSystem.bootstrap { label in
            if format == "text" {
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = logLevel
                return handler
            }
            return JSONLogHandler(label: label, level: logLevel)
        }
    }
}
