import Foundation

/// The key-value lines of a `.env` file, in the dialect the runbook relies on.
///
/// The runbook switches RPC providers with `echo RPC_URL_SEPOLIA=… >> .env`, so
/// a key may appear several times and the **last** occurrence wins. Blank lines
/// and `#` comments are skipped; an optional `export ` prefix and matching
/// single or double quotes around the value are removed.
///
/// ```swift
/// let file = try EnvironmentFile(contentsOf: URL(fileURLWithPath: ".env"))
/// file.values["RPC_URL_SEPOLIA"]?.value  // the last line's URL
/// ```
public struct EnvironmentFile: Sendable, Equatable {
    /// A value and the 1-based line it came from.
    public struct Entry: Sendable, Equatable {
        public var value: String
        public var line: Int
    }

    public var path: String
    public var values: [String: Entry]

    public init(path: String, text: String) throws(ConfigurationError) {
        self.path = path
        var values: [String: Entry] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst("export ".count)) }
            guard let equals = line.firstIndex(of: "=") else {
                throw .malformedLine(path: path, line: index + 1, reason: "expected KEY=VALUE")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard EnvironmentFile.isValidKey(key) else {
                throw .malformedLine(path: path, line: index + 1, reason: "'\(key)' is not a valid variable name")
            }
            let value = EnvironmentFile.unquote(line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces))
            values[key] = Entry(value: value, line: index + 1)
        }
        self.values = values
    }

    /// Reads the file; a missing file is an empty one (the `.env` is optional).
    public init(contentsOf url: URL) throws(ConfigurationError) {
        guard FileManager.default.fileExists(atPath: url.path) else {
            try self.init(path: url.path, text: "")
            return
        }
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw .unreadableFile(path: url.path, reason: "\(error)")
        }
        try self.init(path: url.path, text: text)
    }

    static func isValidKey(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, first == "_" || CharacterSet.letters.contains(first) else {
            return false
        }
        return key.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && CharacterSet.alphanumerics.contains($0)) }
    }

    static func unquote(_ value: String) -> String {
        for quote in ["\"", "'"] where value.count >= 2 && value.hasPrefix(quote) && value.hasSuffix(quote) {
            return String(value.dropFirst().dropLast())
        }
        // An unquoted value may carry a trailing comment: `PORT=3001 # api`.
        if let hash = value.range(of: " #") {
            return value[..<hash.lowerBound].trimmingCharacters(in: .whitespaces)
        }
        return value
    }
}
