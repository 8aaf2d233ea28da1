import Ethereum
import Foundation

/// Takumi's settings, resolved from the process environment and a `.env` file.
///
/// The process environment wins over `.env`; within `.env` the last
/// occurrence of a key wins (so `echo RPC_URL_SEPOLIA=… >> .env` takes effect
/// on the next restart). Every value is checked when loaded: an invalid one is
/// a ``ConfigurationError`` naming the setting, never a surprise later.
///
/// ```swift
/// let config = try TakumiConfiguration.load(envFile: URL(fileURLWithPath: ".env"))
/// config.port           // 3001
/// config.rpcURLs        // RPC_URL_<CHAIN>, split on commas
/// ```
public struct TakumiConfiguration: Sendable {
    /// One setting after resolution: its value (if any) and where it came from.
    public struct Resolved: Sendable {
        public var setting: Setting
        public var value: String?
        public var source: SettingSource

        /// The value as it may be printed or logged: secrets masked.
        public var displayValue: String {
            guard let value else { return "-" }
            return setting.isSecret ? SecretMask.mask(value) : value
        }
    }

    /// Resolved settings in display order (fixed settings, then `RPC_URL_*`).
    public let resolved: [Resolved]

    public static func load(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        envFile: URL
    ) throws(ConfigurationError) -> TakumiConfiguration {
        try TakumiConfiguration(environment: environment, file: EnvironmentFile(contentsOf: envFile))
    }

    public init(environment: [String: String], file: EnvironmentFile) throws(ConfigurationError) {
        let rpcNames = Set((Array(environment.keys) + Array(file.values.keys)).filter {
            $0.hasPrefix(Setting.rpcURLPrefix) && $0.count > Setting.rpcURLPrefix.count
        })
        let settings = Setting.all + rpcNames.sorted().map(Setting.rpcURLs(named:))
        var resolved: [Resolved] = []
        for setting in settings {
            let value: String?
            let source: SettingSource
            if let fromEnvironment = environment[setting.name] {
                (value, source) = (fromEnvironment, .environment)
            } else if let entry = file.values[setting.name] {
                (value, source) = (entry.value, .file(path: file.path, line: entry.line))
            } else if let defaultValue = setting.defaultValue {
                (value, source) = (defaultValue, .defaultValue)
            } else {
                (value, source) = (nil, .unset)
            }
            // An empty assignment (`REDIS_URL=`) means "unset", as in shells.
            let effective = (value?.isEmpty ?? true) && source != .defaultValue ? nil : value
            if let effective, let reason = setting.check(effective) {
                throw .invalidValue(setting: setting.name, source: source, reason: reason)
            }
            resolved.append(Resolved(setting: setting, value: effective, source: effective == nil ? .unset : source))
        }
        // The manifest's default depends on CHAIN, so it is filled in once CHAIN is known.
        if let index = resolved.firstIndex(where: { $0.setting.name == Setting.deploymentFile.name }), resolved[index].value == nil {
            let chain = resolved.first { $0.setting.name == Setting.chain.name }?.value ?? "dev"
            resolved[index].value = "chain/deployments/\(chain).json"
            resolved[index].source = .defaultValue
        }
        self.resolved = resolved
    }

    /// The raw value of a setting, nil when unset.
    public subscript(name: String) -> String? {
        resolved.first { $0.setting.name == name }?.value
    }

    // MARK: Typed accessors (values were checked at load time)

    public var port: Int { self[Setting.port.name].flatMap(Int.init) ?? 3001 }
    public var databaseURL: String? { self[Setting.databaseURL.name] }
    public var sqlitePath: String { self[Setting.sqlitePath.name] ?? ".takumi/takumi.sqlite" }
    public var redisURL: String? { self[Setting.redisURL.name] }
    public var chain: String { self[Setting.chain.name] ?? "dev" }
    public var deploymentFile: String { self[Setting.deploymentFile.name] ?? "chain/deployments/\(chain).json" }
    public var emergencyAdminKey: String? { self[Setting.emergencyAdminKey.name] }
    public var operatorKey: String? { self[Setting.operatorKey.name] }
    public var jwtSecret: String? { self[Setting.jwtSecret.name] }
    public var slackWebhookURL: String? { self[Setting.slackWebhookURL.name] }
    public var alertmanagerURL: String? { self[Setting.alertmanagerURL.name] }
    public var siweDomain: String? { self[Setting.siweDomain.name] }
    public var siweURI: String? { self[Setting.siweURI.name] }
    public var rateLimitPerMinute: Int { self[Setting.rateLimitPerMinute.name].flatMap(Int.init) ?? 600 }
    public var autoPause: Bool { self[Setting.autoPause.name] == "true" }
    /// The exploit detector's settings: `SECURITY_APPROVAL_BURST`, `SECURITY_DENYLIST`,
    /// `SECURITY_WINDOW_BLOCKS` (values were checked at load time; a bad one cannot reach here).
    public var securityRules: SecurityRules {
        var rules = SecurityRules()
        if let burst = self[Setting.securityApprovalBurst.name].flatMap(SecurityRules.ApprovalBurst.init(parsing:)) {
            rules.approvalBurst = burst
        }
        rules.denylist = Set((self[Setting.securityDenylist.name] ?? "").split(separator: ",").compactMap {
            try? Address($0.trimmingCharacters(in: .whitespaces))
        })
        rules.windowBlocks = self[Setting.securityWindowBlocks.name].flatMap { UInt64($0) }
        return rules
    }
    /// `INDEXER_MAX_BATCH_BLOCKS`: the largest block range of one indexer batch; nil = the indexer's default.
    public var indexerMaxBatchBlocks: UInt64? { self[Setting.indexerMaxBatchBlocks.name].flatMap { UInt64($0) } }
    public var logLevel: String { self[Setting.logLevel.name] ?? "info" }
    public var logFormat: String { self[Setting.logFormat.name] ?? "json" }
    public var adminAddresses: [String] {
        (self[Setting.adminAddresses.name] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// `RPC_URL_<CHAIN>` for the configured chain, in failover order.
    public var rpcURLs: [String] { rpcURLs(forChain: chain) }

    public func rpcURLs(forChain chain: String) -> [String] {
        let name = Setting.rpcURLPrefix + chain.uppercased().replacingOccurrences(of: "-", with: "_")
        return (self[name] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// Masks secrets for display: keys and tokens entirely, URLs keep their
/// scheme and host (so an operator can tell which provider is configured)
/// but lose credentials, paths and queries, where providers put API keys.
public enum SecretMask {
    public static func mask(_ value: String) -> String {
        if value.contains(",") {
            return value.split(separator: ",").map { mask(String($0).trimmingCharacters(in: .whitespaces)) }.joined(separator: ",")
        }
        if let components = URLComponents(string: value), let scheme = components.scheme, let host = components.host, !host.isEmpty {
            var shown = "\(scheme)://"
            if components.user != nil { shown += "****@" }
            shown += host
            if let port = components.port { shown += ":\(port)" }
            if !components.path.isEmpty && components.path != "/" || components.query != nil { shown += "/****" }
            return shown
        }
        return "**** (\(value.count) characters)"
    }
}
