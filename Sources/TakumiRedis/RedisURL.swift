/// Where a Redis server is and how to log in: `redis://[user:password@]host[:port][/db]`.
///
/// The password never appears in ``description``, ``redacted``, `String(reflecting:)`
/// or `dump()`: a URL is logged and shown in errors, the password must not be.
/// User name and password may be percent-encoded (`%40` for `@`).
///
/// ```swift
/// let url = try RedisURL("redis://:s3cret@cache.internal:6379/2")
/// print(url)            // redis://:***@cache.internal:6379/2
/// url.password          // "s3cret"
/// ```
public struct RedisURL: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// ACL user (Redis 6+); nil logs in as `default` when a password is set.
    public var username: String?
    public var password: String?
    /// Logical database selected on connect (`SELECT`); 0 is Redis's default.
    public var database: Int

    public static let defaultPort = 6379

    public init(host: String, port: Int = RedisURL.defaultPort, username: String? = nil, password: String? = nil, database: Int = 0) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
    }

    /// A URL that cannot be used; ``description`` says why, without the password.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public var reason: String
        public var description: String { "invalid Redis URL: \(reason)" }
    }

    public init(_ text: String) throws(ParseError) {
        let trimmed = text.trimmingWhitespace()
        guard let schemeEnd = trimmed.firstRange(of: "://") else {
            throw ParseError(reason: "expected redis://[user:password@]host[:port][/db]")
        }
        let scheme = trimmed[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "redis" else {
            if scheme == "rediss" {
                throw ParseError(reason: "TLS (rediss://) is not supported; use redis:// on a private network")
            }
            throw ParseError(reason: "scheme must be redis://, not \(scheme)://")
        }
        var rest = trimmed[schemeEnd.upperBound...]
        if rest.contains("?") || rest.contains("#") {
            throw ParseError(reason: "query parameters and fragments are not supported")
        }

        // The authority ends at the first "/"; what follows is the database.
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }

        // The last "@" separates credentials from the host, so an unencoded
        // "@" in a password still parses.
        var hostPort = rest
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            hostPort = rest[rest.index(after: at)...]
            guard let colon = userInfo.firstIndex(of: ":") else {
                throw ParseError(reason: "credentials must be user:password@ or :password@")
            }
            let user = try Self.percentDecoded(userInfo[..<colon], what: "user name")
            let password = try Self.percentDecoded(userInfo[userInfo.index(after: colon)...], what: "password")
            guard !password.isEmpty else { throw ParseError(reason: "the password after \":\" is empty") }
            self.username = user.isEmpty ? nil : user
            self.password = password
        } else {
            self.username = nil
            self.password = nil
        }

        // Host: a name, an IPv4 address, or an IPv6 address in brackets.
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else {
                throw ParseError(reason: "IPv6 address is missing its closing \"]\"")
            }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw ParseError(reason: "unexpected text after the IPv6 address") }
                portText = after.dropFirst()
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = String(hostPort[..<colon])
            portText = hostPort[hostPort.index(after: colon)...]
        } else {
            host = String(hostPort)
        }
        guard !host.isEmpty else { throw ParseError(reason: "the host is missing") }

        if let portText {
            guard let port = Int(portText), (1...65535).contains(port) else {
                throw ParseError(reason: "port \"\(portText)\" is not a number in 1...65535")
            }
            self.port = port
        } else {
            self.port = Self.defaultPort
        }

        if path.isEmpty {
            database = 0
        } else {
            guard let database = Int(path), database >= 0 else {
                throw ParseError(reason: "database \"\(path)\" is not a non-negative number")
            }
            self.database = database
        }
    }

    /// The URL with the password replaced by `***`: safe for logs and errors.
    public var redacted: String {
        var text = "redis://"
        if password != nil || username != nil {
            text += Self.percentEncoded(username ?? "")
            text += password == nil ? "@" : ":***@"
        }
        text += host.contains(":") ? "[\(host)]" : host
        text += ":\(port)"
        if database != 0 { text += "/\(database)" }
        return text
    }

    /// `host:port`, for metrics and messages that need no credentials at all.
    public var endpoint: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    private static func percentDecoded(_ text: Substring, what: String) throws(ParseError) -> String {
        var bytes: [UInt8] = []
        var utf8 = text.utf8[...]
        while let byte = utf8.popFirst() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard utf8.count >= 2, let high = hexValue(utf8.removeFirst()), let low = hexValue(utf8.removeFirst()) else {
                // Never echo the text: it may be the password.
                throw ParseError(reason: "the \(what) has an invalid percent escape")
            }
            bytes.append(high << 4 | low)
        }
        // Decoding repairs invalid UTF-8 with U+FFFD; a changed byte count reveals it.
        let decoded = String(decoding: bytes, as: UTF8.self)
        guard decoded.utf8.elementsEqual(bytes) else {
            throw ParseError(reason: "the \(what) is not valid UTF-8 after percent-decoding")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}

extension RedisURL: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { redacted }
    public var debugDescription: String { "RedisURL(\(redacted))" }
    /// `dump(url)` shows the redacted form, not the stored password.
    public var customMirror: Mirror {
        Mirror(self, children: ["url": redacted], displayStyle: .struct)
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? start
        return self[start..<Swift.max(start, end)]
    }
}
