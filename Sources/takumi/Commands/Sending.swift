import ArgumentParser
import Ethereum
import Foundation
import TakumiOps
import TakumiStore

/// Options of every command that sends transactions: the key file, the
/// confirmation and the replacement bound.
struct SendingOptions: ParsableArguments {
    @Option(name: .customLong("key-file"), help: "file holding the signing key (0x + 64 hex), mode 0600; instead of the key's environment variable")
    var keyFile: String?
    @Flag(help: "Do not ask for confirmation.") var yes = false
    @Option(name: .customLong("replace-after"), help: "seconds after which a transaction not mined is re-sent with fees raised 12.5 % (same nonce)")
    var replaceAfter: Double = 30
    @Option(help: "seconds to wait for receipts") var timeout: Double = 300

    func validate() throws {
        guard replaceAfter > 0, timeout > 0 else { throw ValidationError("--replace-after and --timeout must be positive") }
    }

    var policy: SendingPolicy {
        SendingPolicy(replaceAfter: .milliseconds(Int(replaceAfter * 1000)), timeout: .milliseconds(Int(timeout * 1000)))
    }

    /// The key from --key-file, else from `variable` (`value` is its configured value).
    func key(variable: String, value: String?) throws -> PrivateKey {
        try operation { () throws(OperationsError) in try SigningKey.load(file: keyFile, variable: variable, value: value) }
    }
}

/// Prints the plan, asks unless `--yes`, sends, prints each outcome, writes
/// the audit rows; exit 1 when any transaction failed.
func sendConfirmed(
    _ plan: TransactionSender.Plan, sender: TransactionSender, context: OperationsContext, yes: Bool
) async throws -> [TransactionOutcome] {
    let known = sender.reader.known
    let manifest = context.manifest
    let count = plan.requests.count
    let last = plan.firstNonce + UInt64(max(count, 1) - 1)
    emit("network \(manifest.network) (chain id \(manifest.chainId))  sender \(known.describe(sender.address))  balance \(EtherAmount.ether(fromWei: plan.balance)) ETH")
    emit(
        "\(count) transaction\(count == 1 ? "" : "s"), nonce\(count == 1 ? " \(plan.firstNonce)" : "s \(plan.firstNonce)–\(last)"), "
            + "max fee \(plan.fees.maxFeePerGas) wei/gas (tip \(plan.fees.maxPriorityFeePerGas)), at most \(EtherAmount.ether(fromWei: plan.maximumCost)) ETH:"
    )
    for (request, limit) in zip(plan.requests, plan.gasLimits) {
        emit("  \(request.summary)  to \(known.describe(request.to))  gas limit \(limit)")
    }
    if !yes {
        FileHandle.standardOutput.write(Data("Send? [y/N] ".utf8))
        guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
            throw CommandFailure.failed("not confirmed; nothing sent")
        }
    }
    let outcomes = try await operation { () async throws(OperationsError) in
        try await sender.send(plan) { line in emit(line) }
    }
    outcomes.forEach { emit($0.line) }
    await writeAudit(outcomes, sender: sender.address, context: context)
    let failed = outcomes.filter { !$0.succeeded }
    if !failed.isEmpty {
        throw CommandFailure.failed("\(failed.count) of \(outcomes.count) transaction\(outcomes.count == 1 ? "" : "s") did not succeed: \(failed.map { "\($0.request.summary): \($0.failure ?? "failed")" }.joined(separator: "; "))")
    }
    return outcomes
}

/// One `audit_log` row per transaction sent, when a database is configured
/// (DATABASE_URL, or an existing SQLITE_PATH file: a missing file means no
/// database was set up here, and creating one would only hide the row).
/// A failure is reported but does not undo or fail the command: the
/// transactions are on chain either way.
func writeAudit(_ outcomes: [TransactionOutcome], sender: Address, context: OperationsContext) async {
    let config = context.configuration
    guard config.databaseURL != nil || FileManager.default.fileExists(atPath: config.sqlitePath) else { return }
    let entries = TransactionAudit.entries(outcomes, sender: sender, network: context.manifest.network, chainId: context.manifest.chainId)
    guard !entries.isEmpty else { return }
    do {
        let store = try await openStore(config)
        try await withRunningDatabase(store) { store in try await TransactionAudit.append(entries, to: store) }
    } catch {
        FileHandle.standardError.write(Data("takumi: WARNING: audit_log rows not written (\(entries.count)): \(error)\n".utf8))
    }
}
