import BigInt
import Ethereum
import EthereumRPC
import Takumi

/// A call the multisig can be asked to make: what `takumi multisig propose`
/// takes, and what a proposal's calldata decodes back to.
public enum MultisigAction: Sendable, Equatable {
    case unpause(contract: String)
    case upgrade(contract: String, implementation: Address)
    case grantRole(role: Bytes32, account: Address, contract: String)
    case revokeRole(role: Bytes32, account: Address, contract: String)
    case addOwner(Address)
    case removeOwner(Address)
    case changeThreshold(UInt64)

    /// The contract it targets (a manifest name, or TakumiMultisig for owner changes).
    public var contractName: String {
        switch self {
        case .unpause(let name), .upgrade(let name, _), .grantRole(_, _, let name), .revokeRole(_, _, let name): name
        case .addOwner, .removeOwner, .changeThreshold: "TakumiMultisig"
        }
    }

    /// `SkillProfile.unpause()`, `SkillClaim.grantRole(PAUSER_ROLE, 0x…)`.
    public var summary: String {
        switch self {
        case .unpause(let name): "\(name).unpause()"
        case .upgrade(let name, let implementation): "\(name).upgradeTo(\(implementation.checksummed))"
        case .grantRole(let role, let account, let name): "\(name).grantRole(\(TakumiRole.name(for: role)), \(account.checksummed))"
        case .revokeRole(let role, let account, let name): "\(name).revokeRole(\(TakumiRole.name(for: role)), \(account.checksummed))"
        case .addOwner(let owner): "TakumiMultisig.addOwner(\(owner.checksummed))"
        case .removeOwner(let owner): "TakumiMultisig.removeOwner(\(owner.checksummed))"
        case .changeThreshold(let threshold): "TakumiMultisig.changeThreshold(\(threshold))"
        }
    }

    /// Where the multisig sends the call, and its calldata.
    public func call(manifest: DeploymentManifest) throws(OperationsError) -> (target: Address, data: [UInt8]) {
        let target: Address
        if contractName == "TakumiMultisig" {
            target = manifest.multisig.address
        } else {
            guard let entry = manifest.contracts[contractName] else {
                throw .badInput("no contract \(contractName) in the manifest (\(manifest.contracts.keys.sorted().joined(separator: ", ")))")
            }
            target = entry.proxy
        }
        do {
            switch self {
            case .unpause: return (target, try GovernanceCalls.unpause.calldata())
            case .upgrade(_, let implementation): return (target, try GovernanceCalls.upgradeTo(implementation).calldata())
            case .grantRole(let role, let account, _): return (target, try GovernanceCalls.grantRole(role, to: account).calldata())
            case .revokeRole(let role, let account, _): return (target, try GovernanceCalls.revokeRole(role, from: account).calldata())
            case .addOwner(let owner): return (target, try MultisigCalls.addOwner(owner).calldata())
            case .removeOwner(let owner): return (target, try MultisigCalls.removeOwner(owner).calldata())
            case .changeThreshold(let threshold): return (target, try MultisigCalls.changeThreshold(threshold).calldata())
            }
        } catch {
            throw .failed("cannot encode \(summary): \(error)")
        }
    }

    /// The action a proposal's target and calldata make, when it is one of these.
    public init?(target: Address, data: [UInt8], manifest: DeploymentManifest) {
        guard data.count >= 4 else { return nil }
        let selector = Array(data.prefix(4))
        if target == manifest.multisig.address {
            func argument(_ function: ABIFunction) -> ABIValue? { (try? function.decodeCall(data))?.first }
            switch selector {
            case TakumiMultisigABI.addOwner.selector: guard let owner = argument(TakumiMultisigABI.addOwner)?.address else { return nil }; self = .addOwner(owner)
            case TakumiMultisigABI.removeOwner.selector: guard let owner = argument(TakumiMultisigABI.removeOwner)?.address else { return nil }; self = .removeOwner(owner)
            case TakumiMultisigABI.changeThreshold.selector:
                guard let value = argument(TakumiMultisigABI.changeThreshold)?.uint, let threshold = UInt64(exactly: value) else { return nil }
                self = .changeThreshold(threshold)
            default: return nil
            }
            return
        }
        guard let name = manifest.contracts.first(where: { $0.value.proxy == target })?.key else { return nil }
        switch selector {
        case GovernanceABI.unpause.selector where data.count == 4:
            self = .unpause(contract: name)
        case GovernanceABI.upgradeTo.selector:
            guard let implementation = (try? GovernanceABI.upgradeTo.decodeCall(data))?.first?.address else { return nil }
            self = .upgrade(contract: name, implementation: implementation)
        case GovernanceABI.grantRole.selector, GovernanceABI.revokeRole.selector:
            let function = selector == GovernanceABI.grantRole.selector ? GovernanceABI.grantRole : GovernanceABI.revokeRole
            guard let values = try? function.decodeCall(data), values.count == 2, let role = values[0].bytes32, let account = values[1].address else { return nil }
            self = selector == GovernanceABI.grantRole.selector
                ? .grantRole(role: role, account: account, contract: name) : .revokeRole(role: role, account: account, contract: name)
        default:
            return nil
        }
    }
}

/// `takumi multisig …` against `TakumiMultisig.vy`: proposals (whose id is
/// the multisig's nonce), confirmations by owners, execution once the
/// threshold is met. Every refusal the contract would make, and the wrong
/// target states it would not catch (unpausing a running contract, granting
/// a role already held), is made here first, so nothing is sent that would
/// fail or do nothing.
public struct MultisigOperations: Sendable {
    public let reader: ChainReader

    public init(reader: ChainReader) {
        self.reader = reader
    }

    var manifest: DeploymentManifest { reader.known.manifest }
    var multisig: Address { manifest.multisig.address }

    /// A proposal with its confirmations.
    public struct ProposalState: Sendable {
        public var proposal: MultisigProposal
        public var action: MultisigAction?
        public var confirmations: UInt64
        public var threshold: UInt64
        public var confirmedBy: [Address]
    }

    // MARK: reads

    public func proposal(_ id: UInt64) async throws(OperationsError) -> ProposalState {
        guard let proposal = try await reader.read(MultisigCalls.getProposal(id), at: multisig) else {
            let count = try await reader.read(MultisigCalls.proposalCount, at: multisig)
            throw .failed("no proposal \(id) (the multisig has \(count) proposal\(count == 1 ? "" : "s"))")
        }
        let confirmations = try await reader.read(MultisigCalls.confirmationCount(id), at: multisig)
        let threshold = try await reader.read(MultisigCalls.threshold, at: multisig)
        var confirmedBy: [Address] = []
        for owner in try await reader.read(MultisigCalls.getOwners, at: multisig)
        where try await reader.read(MultisigCalls.isConfirmedBy(id, owner: owner), at: multisig) {
            confirmedBy.append(owner)
        }
        return ProposalState(
            proposal: proposal, action: MultisigAction(target: proposal.target, data: proposal.data, manifest: manifest),
            confirmations: confirmations, threshold: threshold, confirmedBy: confirmedBy
        )
    }

    /// Proposals, newest first; executed ones only with `includeExecuted`.
    public func list(includeExecuted: Bool) async throws(OperationsError) -> [ProposalState] {
        let count = try await reader.read(MultisigCalls.proposalCount, at: multisig)
        var out: [ProposalState] = []
        var id = count
        while id >= 1 {
            let state = try await proposal(id)
            if includeExecuted || !state.proposal.executed { out.append(state) }
            id -= 1
        }
        return out
    }

    /// What the proposal calls, decoded: the action, else KnownContracts' decoding, else raw.
    public func describe(_ state: ProposalState) -> String {
        if let action = state.action { return action.summary }
        let target = reader.known.contractName(at: state.proposal.target) ?? state.proposal.target.checksummed
        if let call = reader.known.describeCall(state.proposal.data) { return "\(target).\(call)" }
        return "\(target) calldata \(Hex.encode(state.proposal.data))"
    }

    public func line(_ state: ProposalState) -> String {
        let status = state.proposal.executed ? "executed" : (state.confirmations >= state.threshold ? "ready" : "pending")
        let who = state.confirmedBy.map { reader.known.describe($0) }.joined(separator: ", ")
        return "#\(state.proposal.id)  \(status)  \(describe(state))  confirmations \(state.confirmations)/\(state.threshold)  [\(who)]"
    }

    public func details(_ state: ProposalState) -> [String] {
        let p = state.proposal
        var lines = [
            "proposal          \(p.id)",
            "status            \(p.executed ? "executed" : (state.confirmations >= state.threshold ? "ready to execute" : "pending"))",
            "call              \(describe(state))",
            "target            \(reader.known.describe(p.target))",
            "amount            \(p.amount) wei",
            "calldata          \(Hex.encode(p.data))",
            "proposer          \(reader.known.describe(p.proposer))",
            "confirmations     \(state.confirmations) of \(state.threshold)",
        ]
        for owner in state.confirmedBy { lines.append("  confirmed by    \(reader.known.describe(owner))") }
        return lines
    }

    // MARK: checks

    /// The sender must be a current owner (the contract's first assertion).
    public func requireOwner(_ account: Address) async throws(OperationsError) {
        guard try await reader.read(MultisigCalls.isOwner(account), at: multisig) else {
            let owners = try await reader.read(MultisigCalls.getOwners, at: multisig)
            throw .failed("\(account.checksummed) is not a multisig owner (owners: \(owners.map(\.checksummed).joined(separator: ", "))); nothing sent")
        }
    }

    /// Refuses an action whose target is in the wrong state, or that the
    /// multisig lacks the role for: the call would revert, or do nothing.
    public func checkState(_ action: MultisigAction) async throws(OperationsError) {
        let (target, _) = try action.call(manifest: manifest)
        func requireRole(_ role: TakumiRole) async throws(OperationsError) {
            guard try await reader.read(GovernanceCalls.hasRole(role.id, account: multisig), at: target) else {
                throw .failed("missing role: the multisig does not hold \(role.name) on \(action.contractName), so \(action.summary) would revert; nothing sent")
            }
        }
        switch action {
        case .unpause(let name):
            guard try await reader.read(GovernanceCalls.paused, at: target) else {
                throw .failed("\(name) is not paused: nothing to unpause; nothing sent")
            }
            try await requireRole(.defaultAdmin)
        case .upgrade:
            try await requireRole(.upgrader)
        case .grantRole(let role, let account, let name):
            if try await reader.read(GovernanceCalls.hasRole(role, account: account), at: target) {
                throw .failed("\(account.checksummed) already holds \(TakumiRole.name(for: role)) on \(name); nothing sent")
            }
            try await requireRole(.defaultAdmin)
        case .revokeRole(let role, let account, let name):
            guard try await reader.read(GovernanceCalls.hasRole(role, account: account), at: target) else {
                throw .failed("\(account.checksummed) does not hold \(TakumiRole.name(for: role)) on \(name); nothing to revoke; nothing sent")
            }
            try await requireRole(.defaultAdmin)
        case .addOwner(let owner):
            if try await reader.read(MultisigCalls.isOwner(owner), at: multisig) { throw .failed("\(owner.checksummed) is already an owner; nothing sent") }
        case .removeOwner(let owner):
            guard try await reader.read(MultisigCalls.isOwner(owner), at: multisig) else { throw .failed("\(owner.checksummed) is not an owner; nothing sent") }
            let owners = try await reader.read(MultisigCalls.getOwners, at: multisig)
            let threshold = try await reader.read(MultisigCalls.threshold, at: multisig)
            guard UInt64(owners.count - 1) >= threshold else {
                throw .failed("removing \(owner.checksummed) would leave \(owners.count - 1) owners, below the threshold \(threshold); change the threshold first; nothing sent")
            }
        case .changeThreshold(let threshold):
            let owners = try await reader.read(MultisigCalls.getOwners, at: multisig)
            guard threshold >= 1, threshold <= UInt64(owners.count) else {
                throw .failed("threshold \(threshold) is outside 1…\(owners.count) (the number of owners); nothing sent")
            }
        }
    }

    // MARK: requests

    public func proposeRequest(_ action: MultisigAction) throws(OperationsError) -> TransactionRequest {
        let (target, data) = try action.call(manifest: manifest)
        let calldata: [UInt8]
        do { calldata = try MultisigCalls.propose(target: target, data: data).calldata() } catch { throw .failed("cannot encode propose: \(error)") }
        return TransactionRequest(to: multisig, data: calldata, summary: "propose \(action.summary)", action: "multisig.propose", target: action.contractName)
    }

    /// Confirm: the proposal must be pending and not yet confirmed by `owner`.
    public func confirmRequest(_ id: UInt64, owner: Address) async throws(OperationsError) -> (TransactionRequest, ProposalState) {
        let state = try await proposal(id)
        guard !state.proposal.executed else { throw .failed("proposal \(id) was already executed; nothing sent") }
        if state.confirmedBy.contains(owner) { throw .failed("\(owner.checksummed) already confirmed proposal \(id) (\(state.confirmations)/\(state.threshold)); nothing sent") }
        let calldata: [UInt8]
        do { calldata = try MultisigCalls.confirm(id).calldata() } catch { throw .failed("\(error)") }
        return (TransactionRequest(to: multisig, data: calldata, summary: "confirm #\(id) \(describe(state))", action: "multisig.confirm", target: "proposal/\(id)"), state)
    }

    /// Execute: pending, confirmed by the threshold, target in the right state.
    public func executeRequest(_ id: UInt64) async throws(OperationsError) -> (TransactionRequest, ProposalState) {
        let state = try await proposal(id)
        guard !state.proposal.executed else { throw .failed("proposal \(id) was already executed; nothing sent") }
        guard state.confirmations >= state.threshold else {
            let missing = state.threshold - state.confirmations
            throw .failed(
                "proposal \(id) has \(state.confirmations) of \(state.threshold) confirmations: it needs \(missing) more "
                    + "(another owner runs takumi multisig confirm \(id)); nothing sent"
            )
        }
        if let action = state.action { try await checkState(action) }
        let calldata: [UInt8]
        do { calldata = try MultisigCalls.execute(id).calldata() } catch { throw .failed("\(error)") }
        return (TransactionRequest(to: multisig, data: calldata, summary: "execute #\(id) \(describe(state))", action: "multisig.execute", target: "proposal/\(id)"), state)
    }

    /// The id of the proposal a `propose` receipt created (its `Proposed` log).
    public func proposalID(in receipt: RPCReceipt) -> UInt64? {
        let topic = TakumiMultisigABI.proposed.topic0
        guard let log = receipt.logs.first(where: { $0.address == multisig && $0.topics.first == topic }), log.topics.count > 1 else { return nil }
        return UInt64(exactly: BigUInt(Hex.encode(log.topics[1].bytes, prefixed: false), radix: 16) ?? BigUInt(0))
    }
}
