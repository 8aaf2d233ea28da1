import Ethereum

/// Every event a Takumi contract emits, typed: what the indexer projects, stores
/// in `chain_events` and counts in `takumi_indexer_events_total{event}`.
///
/// ``decode(topics:data:)`` dispatches on topic0 through a table built once. A
/// topic0 no Takumi contract emits gives `nil` (the indexer stores such logs
/// raw); a known topic0 whose topics or data do not fit throws
/// ``ContractBindingError``. Events several contracts share (`RoleGranted`,
/// `Paused`, `Upgraded`…) have one case: the log's address tells the contract.
///
/// ```swift
/// if let event = try TakumiEvent.decode(topics: log.topics, data: log.data) {
///     print(event.name, event.argumentsJSON)   // SkillAdded {"skillId":"7","owner":"0x…",…}
///     if case .skillAdded(let added) = event { added.skillId }
/// }
/// ```
public enum TakumiEvent: Sendable, Hashable {
    // SkillProfile
    case profileCreated(ProfileCreated)
    case profileUpdated(ProfileUpdated)
    case skillAdded(SkillAdded)
    case skillRemoved(SkillRemoved)
    case skillVerified(SkillVerified)
    // SkillClaim
    case claimCreated(ClaimCreated)
    case verifierAssigned(VerifierAssigned)
    case claimApproved(ClaimApproved)
    case claimRejected(ClaimRejected)
    case claimDisputed(ClaimDisputed)
    case disputeResolved(DisputeResolved)
    // Endorsement
    case endorsed(Endorsed)
    case endorsementRevoked(EndorsementRevoked)
    // VerifierRegistry
    case verifierRegistered(VerifierRegistered)
    case verifierUpdated(VerifierUpdated)
    case verifierSuspended(VerifierSuspended)
    case verifierReactivated(VerifierReactivated)
    // Governance (every upgradeable contract; `Upgraded` also from ERC1967Proxy)
    case roleGranted(RoleGranted)
    case roleRevoked(RoleRevoked)
    case roleAdminChanged(RoleAdminChanged)
    case upgraded(Upgraded)
    case paused(Paused)
    case unpaused(Unpaused)
    case initialized(Initialized)
    // TakumiMultisig
    case proposed(Proposed)
    case confirmed(Confirmed)
    case revoked(Revoked)
    case executed(Executed)
    case ownerAdded(OwnerAdded)
    case ownerRemoved(OwnerRemoved)
    case thresholdChanged(ThresholdChanged)
    case deposited(Deposited)

    /// The typed event inside the case.
    public var payload: any ContractEvent {
        switch self {
        case .profileCreated(let event): event
        case .profileUpdated(let event): event
        case .skillAdded(let event): event
        case .skillRemoved(let event): event
        case .skillVerified(let event): event
        case .claimCreated(let event): event
        case .verifierAssigned(let event): event
        case .claimApproved(let event): event
        case .claimRejected(let event): event
        case .claimDisputed(let event): event
        case .disputeResolved(let event): event
        case .endorsed(let event): event
        case .endorsementRevoked(let event): event
        case .verifierRegistered(let event): event
        case .verifierUpdated(let event): event
        case .verifierSuspended(let event): event
        case .verifierReactivated(let event): event
        case .roleGranted(let event): event
        case .roleRevoked(let event): event
        case .roleAdminChanged(let event): event
        case .upgraded(let event): event
        case .paused(let event): event
        case .unpaused(let event): event
        case .initialized(let event): event
        case .proposed(let event): event
        case .confirmed(let event): event
        case .revoked(let event): event
        case .executed(let event): event
        case .ownerAdded(let event): event
        case .ownerRemoved(let event): event
        case .thresholdChanged(let event): event
        case .deposited(let event): event
        }
    }

    /// The event's ABI (by case: going through ``payload`` boxes the event).
    public var abi: ABIEvent {
        switch self {
        case .profileCreated: ProfileCreated.abi
        case .profileUpdated: ProfileUpdated.abi
        case .skillAdded: SkillAdded.abi
        case .skillRemoved: SkillRemoved.abi
        case .skillVerified: SkillVerified.abi
        case .claimCreated: ClaimCreated.abi
        case .verifierAssigned: VerifierAssigned.abi
        case .claimApproved: ClaimApproved.abi
        case .claimRejected: ClaimRejected.abi
        case .claimDisputed: ClaimDisputed.abi
        case .disputeResolved: DisputeResolved.abi
        case .endorsed: Endorsed.abi
        case .endorsementRevoked: EndorsementRevoked.abi
        case .verifierRegistered: VerifierRegistered.abi
        case .verifierUpdated: VerifierUpdated.abi
        case .verifierSuspended: VerifierSuspended.abi
        case .verifierReactivated: VerifierReactivated.abi
        case .roleGranted: RoleGranted.abi
        case .roleRevoked: RoleRevoked.abi
        case .roleAdminChanged: RoleAdminChanged.abi
        case .upgraded: Upgraded.abi
        case .paused: Paused.abi
        case .unpaused: Unpaused.abi
        case .initialized: Initialized.abi
        case .proposed: Proposed.abi
        case .confirmed: Confirmed.abi
        case .revoked: Revoked.abi
        case .executed: Executed.abi
        case .ownerAdded: OwnerAdded.abi
        case .ownerRemoved: OwnerRemoved.abi
        case .thresholdChanged: ThresholdChanged.abi
        case .deposited: Deposited.abi
        }
    }

    /// The ABI event name, e.g. `SkillAdded`.
    public var name: String { abi.name }

    /// Each argument's name and text, in declaration order (see ``ContractEvent/arguments``).
    public var arguments: [EventArgument] { payload.arguments }

    /// ``arguments`` as one JSON object, keys in declaration order, values as text:
    /// the same event always gives the same bytes.
    public var argumentsJSON: String { payload.argumentsJSON }

    /// The log the contract emits for this event (for fakes and tests).
    public func encodeLog() throws(ContractBindingError) -> (topics: [Bytes32], data: [UInt8]) {
        try payload.encodeLog()
    }

    // MARK: Decoding

    /// The event in a log, `nil` when topic0 is missing or not a Takumi event.
    public static func decode(topics: [Bytes32], data: [UInt8]) throws(ContractBindingError) -> TakumiEvent? {
        guard let topic0 = topics.first, let decoder = decoders[topic0] else { return nil }
        return try decoder(topics, data)
    }

    /// Every event type with the case that wraps it, in declaration order.
    static let registry: [Registration] = [
        Registration(ProfileCreated.self) { .profileCreated($0) },
        Registration(ProfileUpdated.self) { .profileUpdated($0) },
        Registration(SkillAdded.self) { .skillAdded($0) },
        Registration(SkillRemoved.self) { .skillRemoved($0) },
        Registration(SkillVerified.self) { .skillVerified($0) },
        Registration(ClaimCreated.self) { .claimCreated($0) },
        Registration(VerifierAssigned.self) { .verifierAssigned($0) },
        Registration(ClaimApproved.self) { .claimApproved($0) },
        Registration(ClaimRejected.self) { .claimRejected($0) },
        Registration(ClaimDisputed.self) { .claimDisputed($0) },
        Registration(DisputeResolved.self) { .disputeResolved($0) },
        Registration(Endorsed.self) { .endorsed($0) },
        Registration(EndorsementRevoked.self) { .endorsementRevoked($0) },
        Registration(VerifierRegistered.self) { .verifierRegistered($0) },
        Registration(VerifierUpdated.self) { .verifierUpdated($0) },
        Registration(VerifierSuspended.self) { .verifierSuspended($0) },
        Registration(VerifierReactivated.self) { .verifierReactivated($0) },
        Registration(RoleGranted.self) { .roleGranted($0) },
        Registration(RoleRevoked.self) { .roleRevoked($0) },
        Registration(RoleAdminChanged.self) { .roleAdminChanged($0) },
        Registration(Upgraded.self) { .upgraded($0) },
        Registration(Paused.self) { .paused($0) },
        Registration(Unpaused.self) { .unpaused($0) },
        Registration(Initialized.self) { .initialized($0) },
        Registration(Proposed.self) { .proposed($0) },
        Registration(Confirmed.self) { .confirmed($0) },
        Registration(Revoked.self) { .revoked($0) },
        Registration(Executed.self) { .executed($0) },
        Registration(OwnerAdded.self) { .ownerAdded($0) },
        Registration(OwnerRemoved.self) { .ownerRemoved($0) },
        Registration(ThresholdChanged.self) { .thresholdChanged($0) },
        Registration(Deposited.self) { .deposited($0) },
    ]

    /// The ABI of every event type, in declaration order (one per case).
    public static let allEvents: [ABIEvent] = registry.map(\.abi)

    /// topic0 → decoder. Built once; no two Takumi events share a topic0
    /// (`ContractBindingTests` checks), and should they, the first one wins.
    private static let decoders: [Bytes32: Registration.Decoder] = {
        var table: [Bytes32: Registration.Decoder] = [:]
        for registration in registry where table[registration.abi.topic0] == nil {
            table[registration.abi.topic0] = registration.decode
        }
        return table
    }()

    /// One event type and how to wrap it in its case.
    struct Registration: Sendable {
        typealias Decoder = @Sendable ([Bytes32], [UInt8]) throws(ContractBindingError) -> TakumiEvent
        let abi: ABIEvent
        let decode: Decoder

        init<Event: ContractEvent>(_ type: Event.Type, _ wrap: @escaping @Sendable (Event) -> TakumiEvent) {
            abi = Event.abi
            let topic0 = abi.topic0
            decode = { topics, data throws(ContractBindingError) in wrap(try Event(topics: topics, data: data, topic0: topic0)) }
        }
    }
}

extension EventArgument {
    /// `{"name":"value",…}` in the given order, strings escaped per RFC 8259.
    static func jsonObject(_ arguments: [EventArgument]) -> String {
        // Built as bytes: the indexer writes one of these for every event it stores.
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(arguments.reduce(2) { $0 + $1.name.utf8.count + $1.value.utf8.count + 6 })
        for (index, argument) in arguments.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendJSONString(argument.name, to: &out)
            out.append(UInt8(ascii: ":"))
            appendJSONString(argument.value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// `"text"` with `"`, `\` and control characters escaped; every other
    /// byte, multi-byte UTF-8 included, is copied as it is.
    static func appendJSONString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        let plain = text.withUTF8 { bytes in
            if bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if plain {
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
