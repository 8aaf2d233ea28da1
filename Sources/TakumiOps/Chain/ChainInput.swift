import BigInt
import Ethereum
import EthereumRPC
import Takumi

/// What an operator types on a `takumi chain …` command line, checked before
/// anything is sent: addresses (or a contract's name from the manifest),
/// block numbers and tags, transaction hashes. Each failure is one line
/// naming the argument (exit 2).
///
/// ```swift
/// try ChainInput.address("SkillProfile", manifest: manifest)   // the proxy
/// try ChainInput.block("latest")                                // .latest
/// ```
public enum ChainInput {
    /// An address in any accepted form (EIP-55, or one-case hex), or the name
    /// of a contract in the manifest ("SkillProfile", "TakumiMultisig"), which
    /// is what an operator has at hand during an incident.
    public static func address(_ text: String, manifest: DeploymentManifest?) throws(OperationsError) -> Address {
        if let manifest {
            if let contract = manifest.contracts[text] { return contract.proxy }
            if text == "TakumiMultisig" || text.lowercased() == "multisig" { return manifest.multisig.address }
        }
        do { return try Address(text) } catch {
            throw .badInput("'\(text)' is not an address (0x + 40 hex digits\(manifest == nil ? "" : " or a contract name of the manifest")): \(error)")
        }
    }

    /// `latest`, `pending`, `safe`, `finalized`, `earliest`, a decimal or 0x
    /// block number, or a 32-byte block hash.
    public static func block(_ text: String) throws(OperationsError) -> BlockSelector {
        switch text.lowercased() {
        case "latest": return .latest
        case "pending": return .pending
        case "safe": return .safe
        case "finalized": return .finalized
        case "earliest": return .earliest
        default: break
        }
        if text.hasPrefix("0x"), text.count == 66 {
            guard let hash = try? Bytes32(hex: text.lowercased()) else { throw .badInput("--block '\(text)' is not a block hash") }
            return .hash(hash)
        }
        return .number(try blockNumber(text, option: "--block"))
    }

    /// A block number, decimal or 0x-hex.
    public static func blockNumber(_ text: String, option: String) throws(OperationsError) -> UInt64 {
        let number = text.hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text)
        guard let number else { throw .badInput("\(option) '\(text)' is not a block number (decimal or 0x-hex)") }
        return number
    }

    /// A transaction hash: 0x + 64 hex digits.
    public static func transactionHash(_ text: String) throws(OperationsError) -> Bytes32 {
        guard text.hasPrefix("0x"), text.count == 66, let hash = try? Bytes32(hex: text.lowercased()) else {
            throw .badInput("'\(text)' is not a transaction hash (0x + 64 hex digits)")
        }
        return hash
    }

    /// A function signature with optional return types, as `cast call` takes
    /// it: `version()(string)`, `getSkill(uint256)((uint256,address,string,string,bool,bool,uint256,uint256))`.
    public static func function(_ text: String) throws(OperationsError) -> ABIFunction {
        do { return try ABIFunction(text) } catch {
            throw .badInput("'\(text)' is not a function signature like 'name(type,…)(returnType,…)': \(error)")
        }
    }

    /// The typed arguments of `function`, one text per input.
    public static func arguments(_ texts: [String], for function: ABIFunction) throws(OperationsError) -> [ABIValue] {
        guard texts.count == function.inputs.count else {
            throw .badInput("\(function.signature) takes \(function.inputs.count) argument\(function.inputs.count == 1 ? "" : "s"), got \(texts.count)")
        }
        var values: [ABIValue] = []
        for (index, (text, parameter)) in zip(texts, function.inputs).enumerated() {
            do { values.append(try ABIValue(parsing: text, as: parameter.type)) } catch {
                throw .badInput("argument \(index + 1) of \(function.signature): \(error)")
            }
        }
        return values
    }
}

/// Wei as ether text: exact, without trailing zeros (`1.5`, `10000`, `0.000000000000000001`).
public enum EtherAmount {
    public static func ether(fromWei wei: BigUInt) -> String {
        let unit = BigUInt(10).power(18)
        let whole = wei / unit
        let fraction = wei % unit
        guard !fraction.isZero else { return String(whole) }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 18 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)"
    }
}
