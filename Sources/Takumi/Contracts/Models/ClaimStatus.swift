/// Where a skill claim is in its life cycle, with the contract's numeric codes
/// (`modules/skill_claims.vy`, `STATUS_*`):
///
///     createClaim → pending ─assignVerifier→ assigned ─approveClaim→ approved
///                                                    └─rejectClaim→ rejected ─disputeRejection→ disputed
///     disputed ─resolveDispute(overturn: false)→ rejectionUpheld
///              └resolveDispute(overturn: true)→ approved
///
/// ```swift
/// ClaimStatus(rawValue: 5)    // .disputed
/// ClaimStatus.assigned.name   // "assigned"
/// ClaimStatus.disputed.isOpen // true
/// ```
public enum ClaimStatus: UInt8, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    case pending = 1
    case assigned = 2
    case approved = 3
    case rejected = 4
    case disputed = 5
    case rejectionUpheld = 6

    /// A stable lowercase name for APIs and the database: `pending` … `rejection_upheld`.
    public var name: String {
        switch self {
        case .pending: "pending"
        case .assigned: "assigned"
        case .approved: "approved"
        case .rejected: "rejected"
        case .disputed: "disputed"
        case .rejectionUpheld: "rejection_upheld"
        }
    }

    /// The status with this ``name``.
    public init?(name: String) {
        guard let status = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = status
    }

    /// Whether the claim still awaits a decision (the contract's `_is_open`): the
    /// skill can have no other claim meanwhile.
    public var isOpen: Bool { self == .pending || self == .assigned || self == .disputed }

    public var description: String { name }
}
