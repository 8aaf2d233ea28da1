/// How bad an incident is, with the response time the on-call runbook
/// (`EMERGENCY_PROCEDURES.md`, "Severity Levels") promises for it. Lower is
/// worse: `.p0 < .p1`.
///
/// ```swift
/// let severity = Severity(rawValue: "P1")   // .p1
/// severity?.title                           // "High"
/// severity?.responseTime                    // .seconds(900)
/// ```
public enum Severity: String, CaseIterable, Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// Critical: complete outage, data breach or security incident, smart contract exploit, database corruption.
    case p0 = "P0"
    /// High: partial degradation, API error rate > 10 %, indexer stopped or > 1000 blocks behind, authentication failure.
    case p1 = "P1"
    /// Medium: non-critical feature failure, performance degradation, monitoring alert failures, third-party issues.
    case p2 = "P2"
    /// Low: minor bugs, documentation issues, non-urgent improvements.
    case p3 = "P3"

    /// Parses `P1`, `p1`, or the runbook's word (`high`), case-insensitively.
    public init?(parsing text: String) {
        let lowered = text.lowercased()
        guard let match = Self.allCases.first(where: { $0.rawValue.lowercased() == lowered || $0.title.lowercased() == lowered })
        else { return nil }
        self = match
    }

    /// The runbook's word for it: Critical, High, Medium, Low.
    public var title: String {
        switch self {
        case .p0: "Critical"
        case .p1: "High"
        case .p2: "Medium"
        case .p3: "Low"
        }
    }

    /// The response the runbook promises, as it writes it.
    public var response: String {
        switch self {
        case .p0: "Immediate"
        case .p1: "<15 minutes"
        case .p2: "<1 hour"
        case .p3: "<4 hours"
        }
    }

    /// The longest time until someone responds (zero: immediately).
    public var responseTime: Duration {
        switch self {
        case .p0: .zero
        case .p1: .seconds(15 * 60)
        case .p2: .seconds(60 * 60)
        case .p3: .seconds(4 * 60 * 60)
        }
    }

    /// The runbook's examples of incidents at this level.
    public var examples: [String] {
        switch self {
        case .p0: ["Complete service outage", "Data breach or security incident", "Smart contract exploit", "Database corruption"]
        case .p1: ["Partial service degradation", "API error rate >10%", "Indexer stopped or lagging >1000 blocks", "Authentication system failure"]
        case .p2: ["Non-critical feature failure", "Performance degradation", "Monitoring alert failures", "Third-party service issues"]
        case .p3: ["Minor bugs", "Documentation issues", "Non-urgent improvements"]
        }
    }

    /// `P1 - High (Response: <15 minutes)`, as the runbook heads it.
    public var description: String { "\(rawValue) - \(title) (Response: \(response))" }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rawValue < rhs.rawValue }
}
