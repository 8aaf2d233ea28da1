import Ethereum
import Takumi

/// `takumi contracts pause`: which `pause()` transactions the guardian key
/// must send. A contract already paused is skipped (pausing it again would
/// revert and waste the incident's first minute); a key without
/// `PAUSER_ROLE` on any target is refused before anything is sent.
public enum ContractsPause {
    public struct Plan: Sendable {
        public var requests: [TransactionRequest]
        /// One line per contract skipped, and why.
        public var skipped: [String]
    }

    /// `names`: contract names of the manifest (all four for `--all`).
    public static func plan(_ names: [String], sender: TransactionSender) async throws(OperationsError) -> Plan {
        let manifest = sender.reader.known.manifest
        try await sender.checkChain()
        var requests: [TransactionRequest] = []
        var skipped: [String] = []
        var missing: [String] = []
        for name in names {
            guard let contract = manifest.contracts[name] else {
                throw .badInput("no contract \(name) in the manifest (\(manifest.contracts.keys.sorted().joined(separator: ", ")))")
            }
            if try await sender.reader.read(GovernanceCalls.paused, at: contract.proxy) {
                skipped.append("\(name) is already paused: skipped")
                continue
            }
            if !(try await sender.reader.read(GovernanceCalls.hasRole(TakumiRole.pauserRole, account: sender.address), at: contract.proxy)) {
                missing.append(name)
                continue
            }
            let data: [UInt8]
            do { data = try GovernanceCalls.pause.calldata() } catch { throw .failed("\(error)") }
            requests.append(TransactionRequest(to: contract.proxy, data: data, summary: "\(name).pause()", action: "contracts.pause", target: name))
        }
        if !missing.isEmpty {
            throw .failed(
                "missing role: \(sender.address.checksummed) does not hold PAUSER_ROLE on \(missing.joined(separator: ", ")) "
                    + "(the manifest's guardian is \(manifest.accounts.guardian.checksummed)); nothing sent"
            )
        }
        return Plan(requests: requests, skipped: skipped)
    }
}
