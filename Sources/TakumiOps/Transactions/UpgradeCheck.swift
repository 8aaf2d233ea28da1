import Ethereum
import EthereumRPC
import Foundation
import Takumi

/// The checks before a proxy is pointed at a new implementation (the
/// runbook's `forge inspect … storage-layout` + diff step):
///
/// - the address holds code and answers `proxiableUUID()` with the ERC-1967
///   slot (what `governance._upgrade` itself requires; checked here so the
///   proposal never reaches the multisig) and `version()`;
/// - it is not already the implementation;
/// - its storage layout extends the current one: every variable of the
///   current layout keeps its slot, type and size, and every struct kept in
///   storage keeps its members in order (new ones only at the end).
///
/// Layouts are the files `chain/compile.py` / `chain/deploy.py` write
/// (`chain/layouts/CONTRACT/<version>.json` + `.structs.json`), found through
/// the manifest: the contract's entry or a candidate with that implementation,
/// else `<version>.json` beside the current layout; `--layout FILE` names the
/// new one explicitly.
public enum UpgradeCheck {
    public struct Result: Sendable {
        public var currentImplementation: Address
        public var currentVersion: String
        public var newVersion: String
        /// What was checked, one line each, for the operator.
        public var lines: [String]
    }

    public static func check(
        contract name: String, implementation: Address, layoutFile: String?, reader: ChainReader
    ) async throws(OperationsError) -> Result {
        let manifest = reader.known.manifest
        guard let entry = manifest.contracts[name] else { throw .badInput("no contract \(name) in the manifest") }
        let client = reader.client
        var lines: [String] = []

        let code: [UInt8]
        do { code = try await client.code(at: implementation) } catch { throw ChainReader.rpcFailure(error) }
        guard !code.isEmpty else { throw .failed("\(implementation.checksummed) has no code: not an implementation; nothing sent") }
        let uuid: Bytes32
        do { uuid = try await reader.read(GovernanceCalls.proxiableUUID, at: implementation) } catch {
            throw .failed("\(implementation.checksummed) does not answer proxiableUUID() (\(error)): not a UUPS implementation, or a proxy; nothing sent")
        }
        guard uuid == ContractsStatus.implementationSlot else {
            throw .failed("\(implementation.checksummed): proxiableUUID() is \(uuid.hex), not the ERC-1967 implementation slot; nothing sent")
        }
        lines.append("proxiableUUID()     \(uuid.hex) (the ERC-1967 slot)")
        let newVersion: String
        do { newVersion = try await reader.read(GovernanceCalls.version, at: implementation) } catch {
            throw .failed("\(implementation.checksummed) does not answer version(): \(error); nothing sent")
        }

        let current: Address
        do {
            let word = try await client.storage(at: entry.proxy, slot: ContractsStatus.implementationSlot)
            current = try Address(bytes: word.bytes.suffix(20))
        } catch {
            throw .failed("cannot read \(name)'s implementation slot: \(error)")
        }
        guard current != implementation else {
            throw .failed("\(implementation.checksummed) is already \(name)'s implementation; nothing to upgrade")
        }
        let currentVersion = try await reader.read(GovernanceCalls.version, at: entry.proxy)
        lines.append("version             \(currentVersion) → \(newVersion)")

        let currentLayout = try layoutURL(for: current, version: currentVersion, contract: name, manifest: manifest)
        let newLayout: URL
        if let layoutFile {
            newLayout = URL(fileURLWithPath: layoutFile)
        } else {
            newLayout = try layoutURL(for: implementation, version: newVersion, contract: name, manifest: manifest)
        }
        let problems = try compare(current: currentLayout, new: newLayout)
        guard problems.isEmpty else {
            throw .failed(
                "storage layout of \(implementation.checksummed) (\(newLayout.lastPathComponent)) does not extend \(name) \(currentVersion) "
                    + "(\(currentLayout.lastPathComponent)): \(problems.joined(separator: "; ")); nothing sent"
            )
        }
        lines.append("storage layout      \(newLayout.path) extends \(currentLayout.path)")
        return Result(currentImplementation: current, currentVersion: currentVersion, newVersion: newVersion, lines: lines)
    }

    /// The layout file of an implementation: a candidate's or the contract's
    /// entry in the manifest, else `<version>.json` beside the contract's layout.
    static func layoutURL(for implementation: Address, version: String, contract: String, manifest: DeploymentManifest) throws(OperationsError) -> URL {
        if let candidate = manifest.candidates.last(where: { $0.contract == contract && $0.implementation == implementation }) {
            return manifest.url(forPath: candidate.layout)
        }
        guard let entry = manifest.contracts[contract] else { throw .badInput("no contract \(contract) in the manifest") }
        if entry.implementation == implementation { return manifest.url(forPath: entry.layout) }
        let sibling = manifest.url(forPath: entry.layout).deletingLastPathComponent().appendingPathComponent("\(version).json")
        guard FileManager.default.fileExists(atPath: sibling.path) else {
            throw .failed(
                "no storage layout for \(implementation.checksummed) (\(contract) \(version)): deploy it with chain/deploy.py implementation "
                    + "(records it as a candidate) or pass --layout FILE; nothing sent"
            )
        }
        return sibling
    }

    /// Problems, empty when `new` extends `current` (see ``check(contract:implementation:layoutFile:reader:)``).
    static func compare(current: URL, new: URL) throws(OperationsError) -> [String] {
        let old = try variables(current)
        let now = try variables(new)
        var problems: [String] = []
        for (name, was) in old.sorted(by: { $0.key < $1.key }) {
            guard let is_ = now[name] else {
                problems.append("\(name) removed (was slot \(was.slot), \(was.type))")
                continue
            }
            if is_.slot != was.slot { problems.append("\(name) moved: slot \(was.slot) → \(is_.slot)") }
            if is_.type != was.type { problems.append("\(name) retyped: \(was.type) → \(is_.type)") }
            if is_.slots != was.slots { problems.append("\(name) resized: \(was.slots) → \(is_.slots) slots") }
        }
        let oldStructs = try structs(current, required: false)
        if !oldStructs.isEmpty {
            let newStructs = try structs(new, required: true)
            for (name, members) in oldStructs.sorted(by: { $0.key < $1.key }) {
                guard let got = newStructs[name] else {
                    problems.append("struct \(name) no longer stored")
                    continue
                }
                for (index, member) in members.enumerated() where index >= got.count || got[index] != member {
                    let now = index < got.count ? got[index].joined(separator: " ") : "nothing"
                    problems.append("struct \(name) member \(index): \(member.joined(separator: " ")) → \(now)")
                    break
                }
            }
        }
        return problems
    }

    struct Variable: Equatable {
        var slot: String
        var type: String
        var slots: String
    }

    /// `module.variable` → slot, type, size from a `vyper -f layout` file.
    static func variables(_ url: URL) throws(OperationsError) -> [String: Variable] {
        guard var text = try? String(contentsOf: url, encoding: .utf8) else { throw .failed("cannot read storage layout \(url.path)") }
        // Slots can be 256-bit (the ERC-1967 slot): quote the numbers so they compare exactly, not as doubles.
        text = text.replacingOccurrences(of: #"("(?:slot|n_slots)"\s*:\s*)(\d+)"#, with: "$1\"$2\"", options: .regularExpression)
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw .failed("\(url.path) is not a storage layout (JSON object)")
        }
        let layout = object["storage_layout"] as? [String: Any] ?? object
        var out: [String: Variable] = [:]
        func walk(_ node: [String: Any], prefix: String) {
            for (key, value) in node {
                guard let child = value as? [String: Any] else { continue }
                if let slot = child["slot"] as? String, let type = child["type"] as? String {
                    out[prefix + key] = Variable(slot: slot, type: type, slots: child["n_slots"] as? String ?? "1")
                } else {
                    walk(child, prefix: "\(prefix)\(key).")
                }
            }
        }
        walk(layout, prefix: "")
        guard !out.isEmpty else { throw .failed("\(url.path) lists no storage variables") }
        return out
    }

    /// The `.structs.json` beside a layout file: struct → [[member, type]].
    static func structs(_ layout: URL, required: Bool) throws(OperationsError) -> [String: [[String]]] {
        let url = layout.deletingLastPathComponent().appendingPathComponent(layout.deletingPathExtension().lastPathComponent + ".structs.json")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            if required { throw .failed("\(url.path) is missing: the struct member order of the new layout cannot be checked; nothing sent") }
            return [:]
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: [[String]]] else {
            throw .failed("\(url.path) is not a struct list ({\"Struct\": [[member, type], …]})")
        }
        return object
    }
}
