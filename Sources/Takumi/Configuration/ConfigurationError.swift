/// Why the configuration could not be loaded. Each case names the setting or
/// the file line, so `takumi config check` (exit 2) tells the operator exactly
/// what to fix.
public enum ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidValue(setting: String, source: SettingSource, reason: String)
    case malformedLine(path: String, line: Int, reason: String)
    case unreadableFile(path: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidValue(setting, source, reason):
            "invalid \(setting) (from \(source)): \(reason)"
        case let .malformedLine(path, line, reason):
            "\(path):\(line): \(reason)"
        case let .unreadableFile(path, reason):
            "cannot read \(path): \(reason)"
        }
    }
}

/// Where a setting's value came from.
public enum SettingSource: Sendable, Equatable, CustomStringConvertible {
    case environment
    case file(path: String, line: Int)
    case defaultValue
    case unset

    public var description: String {
        switch self {
        case .environment: "environment"
        case let .file(path, line): "\(path):\(line)"
        case .defaultValue: "default"
        case .unset: "unset"
        }
    }
}
