import Ethereum
import Foundation
import Takumi

/// What the deployment and Takumi's ABI tables tell about addresses and
/// bytes seen on chain: which contract an address is, which function a
/// selector calls, which custom error revert data carries, who a known
/// account is (multisig, guardian, operator). Shared by `takumi chain …` and
/// `takumi contracts status` so every command names things alike.
public struct KnownContracts: Sendable {
    public let manifest: DeploymentManifest
    /// selector → (contract, function), from every Takumi ABI (first wins: the
    /// governance functions every contract shares decode the same everywhere).
    let functions: [[UInt8]: (contract: TakumiContract, function: ABIFunction)]
    /// Custom errors declared in the manifest's ABI files (`"type": "error"`).
    public let customErrors: [ABICustomError]

    public init(manifest: DeploymentManifest) {
        self.manifest = manifest
        var functions: [[UInt8]: (contract: TakumiContract, function: ABIFunction)] = [:]
        for contract in TakumiContract.allCases {
            for function in contract.functions where functions[function.selector] == nil {
                functions[function.selector] = (contract, function)
            }
        }
        self.functions = functions
        let paths = manifest.contracts.values.map(\.abi) + [manifest.multisig.abi]
        var errors: [ABICustomError] = []
        for path in Set(paths).sorted() {
            for error in Self.customErrors(inABIFile: manifest.url(forPath: path)) where !errors.contains(error) {
                errors.append(error)
            }
        }
        customErrors = errors
    }

    /// The manifest's name of a proxy or the multisig.
    public func contractName(at address: Address) -> String? {
        manifest.contractName(at: address)
    }

    /// A role holder's or caller's role in the deployment, for display.
    public func label(_ address: Address) -> String? {
        if let name = manifest.contractName(at: address) { return name }
        if address == manifest.accounts.guardian { return "guardian" }
        if address == manifest.accounts.operatorAccount { return "operator" }
        if let index = manifest.accounts.multisigOwners.firstIndex(of: address) { return "multisig owner \(index + 1)" }
        if let (name, _) = manifest.contracts.first(where: { $0.value.implementation == address }) { return "\(name) implementation" }
        if manifest.deployer == address { return "deployer" }
        return nil
    }

    /// `0xAbc… (SkillProfile)` or just the address.
    public func describe(_ address: Address) -> String {
        label(address).map { "\(address.checksummed) (\($0))" } ?? address.checksummed
    }

    /// The function calldata calls, with its arguments, when a Takumi ABI knows its selector.
    public func decodeCall(_ calldata: [UInt8]) -> (function: ABIFunction, arguments: [ABIValue])? {
        guard calldata.count >= 4, let known = functions[Array(calldata.prefix(4))] else { return nil }
        guard let arguments = try? known.function.decodeCall(calldata) else { return nil }
        return (known.function, arguments)
    }

    /// `name(arg=value, …)` for calldata a Takumi ABI knows, else nil.
    public func describeCall(_ calldata: [UInt8]) -> String? {
        guard let (function, arguments) = decodeCall(calldata) else { return nil }
        let rendered = zip(function.inputs, arguments).map { parameter, value in
            parameter.name.map { "\($0)=\(value.displayText)" } ?? value.displayText
        }
        return "\(function.name)(\(rendered.joined(separator: ", ")))"
    }

    /// Why a call reverted, in one line, from its revert data.
    public func revertReason(_ data: [UInt8]) -> String {
        do {
            switch try RevertReason(decoding: data, customErrors: customErrors) {
            case .empty: return "reverted without a reason (no revert data: a bare revert, or out of gas)"
            case .error(let message): return "reverted: \(message)"
            case .panic(let code): return "panic 0x\(String(code, radix: 16)): \(RevertReason.panicMeaning(code) ?? "unknown panic code")"
            case .custom(let error, let values): return "reverted with \(error.name)(\(values.map(\.displayText).joined(separator: ", ")))"
            case .unrecognized(let selector, let payload):
                return "reverted with an unknown error \(Hex.encode(selector)) (data \(Hex.encode(selector + payload)))"
            }
        } catch {
            return "reverted with malformed revert data \(Hex.encode(data)): \(error)"
        }
    }

    /// The `"type": "error"` entries of a JSON ABI file; an unreadable file
    /// gives none (the ABI tables in `Takumi` are the reference; this only
    /// adds names to revert data).
    static func customErrors(inABIFile url: URL) -> [ABICustomError] {
        guard let data = try? Data(contentsOf: url),
              let entries = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
        else { return [] }
        return entries.compactMap { entry in
            guard entry["type"] as? String == "error", let name = entry["name"] as? String else { return nil }
            var inputs: [ABIParameter] = []
            for input in entry["inputs"] as? [[String: Any]] ?? [] {
                // Tuples need their components spelled out; plain types parse directly.
                guard let typeName = input["type"] as? String, !typeName.hasPrefix("tuple"),
                      let type = try? ABIType(typeName) else { return nil }
                inputs.append(ABIParameter(name: input["name"] as? String, type: type))
            }
            return ABICustomError(name: name, inputs: inputs)
        }
    }
}

extension ABIValue {
    /// ``text`` with strings quoted, so `name="a, b"` stays one argument when
    /// values are listed with commas.
    public var displayText: String {
        if case .string(let string) = self { return "\"" + string.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        return text
    }
}
