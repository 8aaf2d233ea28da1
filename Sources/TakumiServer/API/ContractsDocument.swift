import Ethereum
import Foundation
import Takumi

/// What a wallet or frontend needs to act on chain: network, chain id, each
/// contract's proxy address and ABI (read once from the manifest's files).
struct ContractsDocument: Sendable {
    struct Entry: Sendable {
        var name: String
        var address: Address
        var implementation: Address
        var version: String
        /// The ABI as JSON text (parsed per response: it is small and rarely asked for).
        var abi: String
    }

    var network: String
    var chainId: UInt64
    var entries: [Entry]

    init(manifest: DeploymentManifest) {
        network = manifest.network
        chainId = manifest.chainId
        var entries = manifest.contracts.keys.sorted().compactMap { name -> Entry? in
            guard let contract = manifest.contracts[name] else { return nil }
            let abi = (try? String(contentsOf: manifest.url(forPath: contract.abi), encoding: .utf8)) ?? "[]"
            return Entry(name: name, address: contract.proxy, implementation: contract.implementation, version: contract.version, abi: abi)
        }
        let multisigABI = (try? String(contentsOf: manifest.url(forPath: manifest.multisig.abi), encoding: .utf8)) ?? "[]"
        entries.append(Entry(name: "TakumiMultisig", address: manifest.multisig.address, implementation: manifest.multisig.address, version: "", abi: multisigABI))
        self.entries = entries
    }

    func name(of address: String) -> String? {
        entries.first { $0.address.lowercased == address.lowercased() }?.name
    }

    func render(paused: [String: Bool]) -> [String: Any] {
        [
            "network": network, "chainId": chainId,
            "contracts": entries.map { entry -> [String: Any] in
                [
                    "name": entry.name, "address": entry.address.checksummed, "implementation": entry.implementation.checksummed,
                    "version": entry.version, "paused": paused[entry.name] ?? false,
                    "abi": (try? JSONSerialization.jsonObject(with: Data(entry.abi.utf8))) ?? [],
                ]
            },
            "paused": paused.values.contains(true),
        ]
    }
}
