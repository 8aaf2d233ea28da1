import Ethereum
import EthereumRPC
import Foundation
import Takumi
import TakumiStore

/// `takumi contracts status`: what is actually deployed, read from the chain
/// — per contract its proxy, the implementation in the ERC-1967 slot (and
/// whether it is the manifest's), `version()`, `paused()`, the holders of each
/// role — and the multisig's owners and threshold. The first thing to look at
/// in the runbook's "Contract Exploit Detected" and before an upgrade.
///
/// Role holders come from the indexer's `role_members` table when a database
/// holds this network, else from replaying `RoleGranted`/`RoleRevoked` logs
/// since the manifest's start block (no contract enumerates its members).
public struct ContractsStatus: Sendable {
    /// keccak256("eip1967.proxy.implementation") - 1.
    public static let implementationSlot: Bytes32 =
        (try? Bytes32(hex: "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc")) ?? .zero

    public struct RoleHolders: Sendable {
        public var role: Bytes32
        public var name: String
        public var accounts: [Address]
    }

    public struct Contract: Sendable {
        public var name: String
        public var proxy: Address
        /// From the ERC-1967 slot; nil when it could not be read.
        public var implementation: Address?
        public var manifestImplementation: Address
        public var version: String?
        public var paused: Bool?
        public var roles: [RoleHolders]
        /// Reads that failed (version, paused, slot), one line each.
        public var problems: [String]
    }

    public struct Multisig: Sendable {
        public var address: Address
        public var owners: [Address]?
        public var threshold: UInt64?
        public var manifestThreshold: Int
        public var problems: [String]
    }

    public enum RoleSource: Sendable, Equatable {
        /// `role_members`, as indexed up to this block.
        case database(backend: String, syncedBlock: UInt64)
        /// `RoleGranted`/`RoleRevoked` logs replayed from..to.
        case logs(from: UInt64, to: UInt64)
    }

    public var network: String
    public var chainId: UInt64
    public var head: UInt64
    public var roleSource: RoleSource
    public var contracts: [Contract]
    public var multisig: Multisig

    /// Where role holders come from: `auto` uses the database when one is
    /// configured and has indexed this network, logs otherwise.
    public enum RolePreference: String, Sendable, CaseIterable {
        case auto, database, logs
    }

    /// Reads everything. `store` is the configured database, nil when none.
    public static func read(
        reader: ChainReader, store: (any DatabaseStore)?, preference: RolePreference
    ) async throws(OperationsError) -> ContractsStatus {
        let manifest = reader.known.manifest
        let client = reader.client
        let head: UInt64
        do { head = try await client.blockNumber() } catch { throw ChainReader.rpcFailure(error) }

        var roleSource = RoleSource.logs(from: manifest.startBlock, to: head)
        var members: [String: [Bytes32: [Address]]]?
        if preference != .logs, let store {
            do {
                if let synced = try await store.state(chain: manifest.network)?.lastSyncedBlock {
                    members = try await roleMembers(store: store, manifest: manifest)
                    roleSource = .database(backend: "\(store.backend)", syncedBlock: synced)
                }
            } catch {
                if preference == .database { throw .failed("cannot read role_members: \(error)") }
            }
        }
        if members == nil {
            if preference == .database { throw .failed("no database has indexed network \(manifest.network): configure DATABASE_URL or use --roles-from logs") }
            members = try await roleMembersFromLogs(reader: reader, to: head)
        }

        var contracts: [Contract] = []
        for name in DeploymentManifest.contractNames {
            guard let entry = manifest.contracts[name] else { continue }
            var contract = Contract(
                name: name, proxy: entry.proxy, implementation: nil, manifestImplementation: entry.implementation,
                version: nil, paused: nil, roles: [], problems: []
            )
            do {
                let word = try await client.storage(at: entry.proxy, slot: implementationSlot)
                contract.implementation = try Address(bytes: word.bytes.suffix(20))
            } catch {
                contract.problems.append("implementation slot: \(error)")
            }
            do {
                contract.version = try await reader.call(to: entry.proxy, function: GovernanceABI.version, arguments: []).values?.first?.string
            } catch {
                contract.problems.append("version(): \(error)")
            }
            do {
                contract.paused = try await reader.call(to: entry.proxy, function: GovernanceABI.pausedGetter, arguments: []).values?.first?.bool
            } catch {
                contract.problems.append("paused(): \(error)")
            }
            contract.roles = roleList(members?[name] ?? [:])
            contracts.append(contract)
        }

        var multisig = Multisig(address: manifest.multisig.address, owners: nil, threshold: nil, manifestThreshold: manifest.multisig.threshold, problems: [])
        do {
            multisig.owners = try await reader.call(to: multisig.address, function: TakumiMultisigABI.getOwners, arguments: [])
                .values?.first?.elements?.compactMap(\.address)
        } catch {
            multisig.problems.append("getOwners(): \(error)")
        }
        do {
            multisig.threshold = try await reader.call(to: multisig.address, function: TakumiMultisigABI.threshold, arguments: [])
                .values?.first?.uint.map { UInt64(clamping: $0) }
        } catch {
            multisig.problems.append("threshold(): \(error)")
        }
        return ContractsStatus(
            network: manifest.network, chainId: manifest.chainId, head: head, roleSource: roleSource,
            contracts: contracts, multisig: multisig
        )
    }

    /// The standard roles always (an empty one is news too), then any other role with holders.
    static func roleList(_ members: [Bytes32: [Address]]) -> [RoleHolders] {
        var ids: [Bytes32] = [TakumiRole.defaultAdminRole, TakumiRole.upgraderRole, TakumiRole.pauserRole]
        for role in TakumiRole.allCases where !ids.contains(role.id) && !(members[role.id] ?? []).isEmpty { ids.append(role.id) }
        for role in members.keys.sorted() where !ids.contains(role) && !(members[role] ?? []).isEmpty { ids.append(role) }
        return ids.map { RoleHolders(role: $0, name: TakumiRole.name(for: $0), accounts: (members[$0] ?? []).sorted()) }
    }

    static func roleMembers(store: any DatabaseStore, manifest: DeploymentManifest) async throws -> [String: [Bytes32: [Address]]] {
        var members: [String: [Bytes32: [Address]]] = [:]
        let reader = store.reader()
        for name in DeploymentManifest.contractNames {
            let rows = try await reader.rows(.roleMembers, chain: manifest.network, where: [.equals("contract", .text(name))], limit: 10_000)
            for row in rows {
                guard let role = row["role"]?.text.flatMap({ try? Bytes32(hex: $0) }),
                      let account = row["account"]?.text.flatMap({ try? Address($0) }) else { continue }
                members[name, default: [:]][role, default: []].append(account)
            }
        }
        return members
    }

    static func roleMembersFromLogs(reader: ChainReader, to head: UInt64) async throws(OperationsError) -> [String: [Bytes32: [Address]]] {
        let manifest = reader.known.manifest
        let proxies = DeploymentManifest.contractNames.compactMap { manifest.contracts[$0]?.proxy }
        let query = LogQuery(
            addresses: proxies, fromBlock: manifest.startBlock, toBlock: head,
            eventTopics: [GovernanceABI.roleGranted.topic0, GovernanceABI.roleRevoked.topic0]
        )
        var sets: [String: [Bytes32: Set<Address>]] = [:]
        for log in try await reader.logs(query).logs {
            guard let contract = log.contract else { continue }
            switch log.event {
            case .roleGranted(let granted)?: sets[contract, default: [:]][granted.role, default: []].insert(granted.account)
            case .roleRevoked(let revoked)?: sets[contract, default: [:]][revoked.role, default: []].remove(revoked.account)
            default: continue
            }
        }
        return sets.mapValues { $0.mapValues { Array($0) } }
    }

    // MARK: Rendering

    public func lines(known: KnownContracts) -> [String] {
        func field(_ label: String, _ value: String) -> String {
            "  " + label.padding(toLength: 20, withPad: " ", startingAt: 0) + value
        }
        var lines = ["network \(network) (chain id \(chainId)), head block \(head)"]
        switch roleSource {
        case let .database(backend, synced):
            lines.append("role holders from role_members (\(backend)), indexed to block \(synced)\(synced < head ? ", \(head - synced) behind the head" : "")")
        case let .logs(from, to):
            lines.append("role holders from RoleGranted/RoleRevoked logs, blocks \(from)-\(to)")
        }
        for contract in contracts {
            lines.append("")
            lines.append(contract.name)
            lines.append(field("proxy", contract.proxy.checksummed))
            if let implementation = contract.implementation {
                let note = implementation == contract.manifestImplementation
                    ? "(as in the manifest)" : "(DIFFERS from the manifest's \(contract.manifestImplementation.checksummed))"
                lines.append(field("implementation", "\(implementation.checksummed) \(note)"))
            } else {
                lines.append(field("implementation", "unknown"))
            }
            lines.append(field("version", contract.version ?? "unknown"))
            lines.append(field("paused", contract.paused.map { $0 ? "YES" : "no" } ?? "unknown"))
            for role in contract.roles {
                lines.append(field(role.name, role.accounts.isEmpty ? "nobody" : role.accounts.map(known.describe).joined(separator: ", ")))
            }
            for problem in contract.problems { lines.append("  ! \(problem)") }
        }
        lines.append("")
        lines.append("TakumiMultisig")
        lines.append(field("address", multisig.address.checksummed))
        if let owners = multisig.owners {
            let differs = multisig.threshold.map { Int($0) != multisig.manifestThreshold } ?? false
            lines.append(field("threshold", "\(multisig.threshold.map(String.init) ?? "unknown") of \(owners.count)"
                + (differs ? " (the manifest says \(multisig.manifestThreshold))" : "")))
            for owner in owners { lines.append(field("owner", known.describe(owner))) }
        } else {
            lines.append(field("threshold", multisig.threshold.map(String.init) ?? "unknown"))
        }
        for problem in multisig.problems { lines.append("  ! \(problem)") }
        return lines
    }

    public var json: JSONValue {
        let source: JSONValue
        switch roleSource {
        case let .database(backend, synced):
            source = ["kind": "database", "backend": .string(backend), "syncedBlock": .number(Double(synced))]
        case let .logs(from, to):
            source = ["kind": "logs", "fromBlock": .number(Double(from)), "toBlock": .number(Double(to))]
        }
        let contractValues: [JSONValue] = contracts.map { contract in
            var roles: [String: JSONValue] = [:]
            for role in contract.roles { roles[role.name] = .array(role.accounts.map { .string($0.checksummed) }) }
            return .object([
                "name": .string(contract.name), "proxy": .string(contract.proxy.checksummed),
                "implementation": contract.implementation.map { .string($0.checksummed) } ?? .null,
                "manifestImplementation": .string(contract.manifestImplementation.checksummed),
                "implementationMatchesManifest": contract.implementation.map { .bool($0 == contract.manifestImplementation) } ?? .null,
                "version": contract.version.map(JSONValue.string) ?? .null,
                "paused": contract.paused.map(JSONValue.bool) ?? .null,
                "roles": .object(roles),
                "problems": .array(contract.problems.map(JSONValue.string)),
            ])
        }
        return .object([
            "network": .string(network), "chainId": .number(Double(chainId)), "head": .number(Double(head)),
            "roleSource": source, "contracts": .array(contractValues),
            "multisig": .object([
                "address": .string(multisig.address.checksummed),
                "owners": multisig.owners.map { .array($0.map { .string($0.checksummed) }) } ?? .null,
                "threshold": multisig.threshold.map { .number(Double($0)) } ?? .null,
                "manifestThreshold": .number(Double(multisig.manifestThreshold)),
                "problems": .array(multisig.problems.map(JSONValue.string)),
            ]),
        ])
    }
}
