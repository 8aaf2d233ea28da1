import Foundation

/// One configuration setting Takumi understands: its name, what it is for,
/// its default, whether it is a secret, and how a value is checked.
///
/// The table of settings is ``Setting/all``; later features add rows there, so
/// `takumi config check` always lists everything the program reads.
///
/// ```swift
/// Setting.port.check("3001")   // nil: fine
/// Setting.port.check("http")   // "'http' is not a port number (0-65535)"
/// ```
public struct Setting: Sendable {
    public var name: String
    public var summary: String
    public var defaultValue: String?
    public var isSecret: Bool
    /// Returns why `value` is unacceptable, or nil when it is fine.
    public var check: @Sendable (_ value: String) -> String?

    public init(
        _ name: String,
        _ summary: String,
        default defaultValue: String? = nil,
        secret isSecret: Bool = false,
        check: @escaping @Sendable (String) -> String? = { _ in nil }
    ) {
        self.name = name
        self.summary = summary
        self.defaultValue = defaultValue
        self.isSecret = isSecret
        self.check = check
    }
}

extension Setting {
    public static let port = Setting("PORT", "HTTP port of `takumi serve`", default: "3001", check: Checks.port)
    public static let databaseURL = Setting(
        "DATABASE_URL", "PostgreSQL URL; unset = embedded SQLite file (SQLITE_PATH)", secret: true, check: Checks.postgresURL
    )
    public static let sqlitePath = Setting(
        "SQLITE_PATH", "SQLite file used when DATABASE_URL is unset", default: ".takumi/takumi.sqlite"
    )
    public static let redisURL = Setting(
        "REDIS_URL", "Redis URL for nonces, rate limits, cache; unset = in-process", secret: true, check: Checks.redisURL
    )
    public static let chain = Setting("CHAIN", "network label: picks RPC_URL_<CHAIN> and the deployment", default: "dev", check: Checks.label)
    public static let deploymentFile = Setting(
        "DEPLOYMENT_FILE", "deployment manifest; default chain/deployments/<CHAIN>.json", check: Checks.nonEmpty
    )
    public static let emergencyAdminKey = Setting(
        "EMERGENCY_ADMIN_KEY", "guardian key (PAUSER_ROLE), 0x + 64 hex", secret: true, check: Checks.privateKey
    )
    public static let operatorKey = Setting(
        "OPERATOR_KEY", "operations key (OPERATOR_ROLE), 0x + 64 hex", secret: true, check: Checks.privateKey
    )
    public static let jwtSecret = Setting("JWT_SECRET", "HMAC key for access tokens, >= 32 characters", secret: true, check: Checks.jwtSecret)
    public static let slackWebhookURL = Setting(
        "SLACK_WEBHOOK_URL", "incoming webhook for incident notifications", secret: true, check: Checks.httpURL
    )
    public static let alertmanagerURL = Setting("ALERTMANAGER_URL", "Alertmanager API base URL", check: Checks.httpURL)
    public static let adminAddresses = Setting(
        "ADMIN_ADDRESSES", "comma-separated addresses allowed to use admin routes", check: Checks.addressList
    )
    public static let siweDomain = Setting(
        "SIWE_DOMAIN", "the domain Sign-In with Ethereum messages must name (unset = localhost:PORT)"
    )
    public static let siweURI = Setting("SIWE_URI", "the URI Sign-In with Ethereum messages must name (unset = http://SIWE_DOMAIN)", check: Checks.httpURL)
    public static let rateLimitPerMinute = Setting(
        "RATE_LIMIT_PER_MINUTE", "API requests per client IP per minute", default: "600", check: Checks.positiveInteger
    )
    public static let autoPause = Setting(
        "AUTO_PAUSE", "pause all contracts when the exploit detector fires", default: "false", check: Checks.boolean
    )
    public static let securityApprovalBurst = Setting(
        "SECURITY_APPROVAL_BURST", "exploit detector: more than N claim approvals by one verifier within M blocks is an alert (N/M)",
        default: "20/10", check: Checks.approvalBurst
    )
    public static let securityDenylist = Setting(
        "SECURITY_DENYLIST", "exploit detector: comma-separated addresses whose transactions to our contracts are an alert",
        check: Checks.addressList
    )
    public static let securityWindowBlocks = Setting(
        "SECURITY_WINDOW_BLOCKS", "exploit detector: inspect blocks at most this far below the head (unset = finality depth)",
        check: Checks.positiveInteger
    )
    public static let indexerMaxBatchBlocks = Setting(
        "INDEXER_MAX_BATCH_BLOCKS", "most blocks per indexer batch (unset = 5000); small values force many small batches",
        check: Checks.positiveInteger
    )
    public static let logLevel = Setting("LOG_LEVEL", "trace|debug|info|notice|warning|error|critical", default: "info", check: Checks.logLevel)
    public static let logFormat = Setting("LOG_FORMAT", "json (production) or text", default: "json", check: Checks.oneOf(["json", "text"]))

    /// Every fixed-name setting, in the order `takumi config check` prints them.
    /// `RPC_URL_<CHAIN>` settings are discovered by prefix (see ``rpcURLs(named:)``).
    public static let all: [Setting] = [
        port, databaseURL, sqlitePath, redisURL, chain, deploymentFile, emergencyAdminKey, operatorKey,
        jwtSecret, slackWebhookURL, alertmanagerURL, adminAddresses, siweDomain, siweURI, rateLimitPerMinute, autoPause,
        securityApprovalBurst, securityDenylist, securityWindowBlocks, indexerMaxBatchBlocks, logLevel, logFormat,
    ]

    /// The prefix of the per-chain RPC endpoint lists: `RPC_URL_SEPOLIA=https://a,https://b`.
    public static let rpcURLPrefix = "RPC_URL_"

    /// The setting for one chain's comma-separated RPC URLs (failover order).
    public static func rpcURLs(named name: String) -> Setting {
        Setting(name, "JSON-RPC endpoints, comma-separated, in failover order", secret: true, check: Checks.urlList)
    }
}

/// Value checks shared by the settings table. Each returns a reason or nil.
enum Checks {
    static let port: @Sendable (String) -> String? = { value in
        guard let number = Int(value), (0...65535).contains(number) else { return "'\(value)' is not a port number (0-65535)" }
        return nil
    }

    static let positiveInteger: @Sendable (String) -> String? = { value in
        guard let number = UInt64(value), number > 0 else { return "'\(value)' is not a positive integer" }
        return nil
    }

    static let nonEmpty: @Sendable (String) -> String? = { $0.isEmpty ? "must not be empty" : nil }

    static let label: @Sendable (String) -> String? = { value in
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789-_")
        guard !value.isEmpty, value.unicodeScalars.allSatisfy(allowed.contains) else {
            return "'\(value)' is not a network label (lowercase letters, digits, '-', '_')"
        }
        return nil
    }

    static let boolean: @Sendable (String) -> String? = oneOf(["true", "false"])

    static let approvalBurst: @Sendable (String) -> String? = { value in
        SecurityRules.ApprovalBurst(parsing: value) == nil ? "'\(value)' is not N/M (N approvals within M blocks, both positive)" : nil
    }

    static let logLevel: @Sendable (String) -> String? = oneOf(["trace", "debug", "info", "notice", "warning", "error", "critical"])

    static func oneOf(_ choices: [String]) -> @Sendable (String) -> String? {
        { value in choices.contains(value) ? nil : "'\(value)' is not one of \(choices.joined(separator: ", "))" }
    }

    static func url(_ value: String, schemes: Set<String>) -> String? {
        guard let components = URLComponents(string: value), let scheme = components.scheme?.lowercased(),
              schemes.contains(scheme), let host = components.host, !host.isEmpty
        else {
            return "not a URL with scheme \(schemes.sorted().joined(separator: "|")) and a host"
        }
        return nil
    }

    static let postgresURL: @Sendable (String) -> String? = { url($0, schemes: ["postgres", "postgresql"]) }
    static let redisURL: @Sendable (String) -> String? = { url($0, schemes: ["redis", "rediss"]) }
    static let httpURL: @Sendable (String) -> String? = { url($0, schemes: ["http", "https"]) }

    static let urlList: @Sendable (String) -> String? = { value in
        let items = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !items.isEmpty else { return "no URL given" }
        for (position, item) in items.enumerated() {
            if let reason = url(item, schemes: ["http", "https"]) { return "URL #\(position + 1): \(reason)" }
        }
        return nil
    }

    static let privateKey: @Sendable (String) -> String? = { value in
        let hex = value.hasPrefix("0x") ? value.dropFirst(2) : Substring(value)
        guard hex.count == 64, hex.allSatisfy(\.isHexDigit) else { return "not a 32-byte hex private key (0x + 64 hex digits)" }
        return nil
    }

    static let jwtSecret: @Sendable (String) -> String? = { $0.count >= 32 ? nil : "too short (\($0.count) characters, need >= 32)" }

    static let addressList: @Sendable (String) -> String? = { value in
        for item in value.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let hex = item.hasPrefix("0x") ? item.dropFirst(2) : ""
            if hex.count != 40 || !hex.allSatisfy(\.isHexDigit) { return "'\(item)' is not an address (0x + 40 hex digits)" }
        }
        return nil
    }
}
