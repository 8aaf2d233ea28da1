import BigInt
import Ethereum
import Foundation

/// The `takumi eth` toolbox: the runbook's `cast` conversions, as pure
/// functions from typed-in text to one line of output. Results are 0x-prefixed
/// lowercase hex, addresses in EIP-55 form; bad input is an
/// ``EthToolboxError`` (the CLI prints it and exits 2).
///
/// ```swift
/// try EthToolbox.keccak("hello")        // 0x1c8aff95…
/// try EthToolbox.selector("transfer(address,uint256)")  // 0xa9059cbb
/// ```
public enum EthToolbox {
    /// keccak256 of 0x-hex bytes, or of UTF-8 text for anything else (as `cast keccak`).
    public static func keccak(_ input: String) throws(EthToolboxError) -> String {
        if input.hasPrefix("0x") || input.hasPrefix("0X") {
            guard let bytes = try? Hex.decode(input.lowercased()) else {
                throw .badInput("'\(input)' starts with 0x but is not hex bytes")
            }
            return Keccak256.hash(bytes).hex
        }
        return Keccak256.hash(Array(input.utf8)).hex
    }

    /// The 4-byte selector of a function signature ("transfer(address,uint256)").
    public static func selector(_ signature: String) throws(EthToolboxError) -> String {
        Hex.encode(try function(signature).selector)
    }

    /// ABI-encodes `arguments` for the signature's inputs, without a selector (as `cast abi-encode`).
    public static func abiEncode(_ signature: String, _ arguments: [String]) throws(EthToolboxError) -> String {
        let function = try function(signature)
        let types = function.inputs.map(\.type)
        guard types.count == arguments.count else {
            throw .badInput("\(function.signature) takes \(types.count) arguments, got \(arguments.count)")
        }
        let values = try parse(arguments, as: types)
        do { return Hex.encode(try ABI.encode(values, as: types)) } catch { throw .badInput("\(error)") }
    }

    /// Decodes ABI data. "f(…)(T…)" decodes return data as the outputs; "(T…)" or
    /// "f(T…)" decodes data as those types; `calldata: true` expects and checks a selector.
    /// Prints the values as a one-line JSON array of their text forms.
    public static func abiDecode(_ signature: String, _ data: String, calldata: Bool = false) throws(EthToolboxError) -> String {
        let spelled = signature.hasPrefix("(") ? "f" + signature : signature
        let function = try function(spelled)
        guard let bytes = try? Hex.decode(data) else { throw .badInput("'\(data)' is not 0x-hex data") }
        let values: [ABIValue]
        do {
            if calldata {
                values = try function.decodeCall(bytes)
            } else if !function.outputs.isEmpty {
                values = try function.decodeOutput(bytes)
            } else {
                values = try ABI.decode(bytes, as: function.inputs.map(\.type))
            }
        } catch {
            throw .badInput("cannot decode as \(signature): \(error)")
        }
        return jsonArray(values.map(\.text))
    }

    /// Accepts all-lowercase or all-uppercase hex (any checksum for mixed case must be right).
    public static func toChecksum(_ input: String) throws(EthToolboxError) -> String {
        do { return try Address(input).checksummed } catch { throw .badInput("\(error)") }
    }

    /// The signer of an EIP-191 personal message.
    public static func recover(message: String, signature: String) throws(EthToolboxError) -> String {
        let signature = try parseSignature(signature)
        do { return try PersonalMessage(message).signer(of: signature).checksummed } catch {
            throw .badInput("cannot recover a signer: \(error)")
        }
    }

    /// Decodes a raw signed transaction (legacy EIP-155 or EIP-1559) to one line of JSON.
    public static func decodeTransaction(_ raw: String) throws(EthToolboxError) -> String {
        guard let bytes = try? Hex.decode(raw) else { throw .badInput("'\(raw.prefix(20))…' is not 0x-hex data") }
        let signed: SignedTransaction
        do { signed = try SignedTransaction(decoding: bytes) } catch { throw .badInput("not a transaction: \(error)") }
        var fields: [(String, String)] = []
        switch signed.transaction {
        case .legacy(let transaction):
            fields = [
                ("type", "0"), ("chainId", transaction.chainID.map(String.init) ?? "null"),
                ("nonce", String(transaction.nonce)), ("gasPrice", String(transaction.gasPrice)),
                ("gasLimit", String(transaction.gasLimit)), ("to", transaction.to?.checksummed ?? "null"),
                ("value", String(transaction.value)), ("data", Hex.encode(transaction.data)),
            ]
        case .eip1559(let transaction):
            fields = [
                ("type", "2"), ("chainId", String(transaction.chainID)), ("nonce", String(transaction.nonce)),
                ("maxPriorityFeePerGas", String(transaction.maxPriorityFeePerGas)),
                ("maxFeePerGas", String(transaction.maxFeePerGas)), ("gasLimit", String(transaction.gasLimit)),
                ("to", transaction.to?.checksummed ?? "null"), ("value", String(transaction.value)),
                ("data", Hex.encode(transaction.data)), ("accessListEntries", String(transaction.accessList.count)),
            ]
        }
        let sender = (try? signed.sender().checksummed) ?? "null"
        fields += [("from", sender), ("hash", signed.hash.hex), ("r", signed.signature.r.hex), ("s", signed.signature.s.hex),
                   ("yParity", String(signed.signature.recoveryID))]
        return jsonObject(fields)
    }

    /// Verifies a Sign-In with Ethereum message. Domain and nonce default to
    /// the message's own (only the signature and times are then checked).
    public static func verifySIWE(
        message text: String, signature: String, domain: String?, nonce: String?, time: Date
    ) async throws(EthToolboxError) -> SIWEVerdict {
        let signatureBytes: [UInt8]
        do { signatureBytes = try Hex.decode(signature) } catch { throw .badInput("signature: \(error)") }
        let parsed: SIWEMessage
        do { parsed = try SIWEMessage(parsing: text) } catch {
            return SIWEVerdict(valid: false, address: nil, reason: "malformed SIWE message: \(error)")
        }
        let verifier = SIWEVerifier(
            domain: domain ?? parsed.domain, uri: nil, chainID: parsed.chainID, scheme: parsed.scheme ?? "https"
        )
        do {
            let message = try await verifier.verify(text, signature: signatureBytes, nonce: nonce ?? parsed.nonce, at: time)
            return SIWEVerdict(valid: true, address: message.address.checksummed, reason: nil)
        } catch {
            return SIWEVerdict(valid: false, address: parsed.address.checksummed, reason: error.description)
        }
    }

    // MARK: Helpers

    static func function(_ signature: String) throws(EthToolboxError) -> ABIFunction {
        do { return try ABIFunction(signature) } catch { throw .badInput("\(error)") }
    }

    static func parse(_ arguments: [String], as types: [ABIType]) throws(EthToolboxError) -> [ABIValue] {
        var values: [ABIValue] = []
        for (argument, type) in zip(arguments, types) {
            do { values.append(try ABIValue(parsing: argument, as: type)) } catch { throw .badInput(error.description) }
        }
        return values
    }

    static func parseSignature(_ text: String) throws(EthToolboxError) -> Signature {
        guard let bytes = try? Hex.decode(text), bytes.count == 65 else {
            throw .badInput("the signature must be 65 bytes of 0x-hex (r ‖ s ‖ v)")
        }
        do { return try Signature(bytes: bytes) } catch { throw .badInput("\(error)") }
    }

    static func jsonArray(_ items: [String]) -> String {
        "[" + items.map(jsonString).joined(separator: ",") + "]"
    }

    static func jsonObject(_ fields: [(String, String)]) -> String {
        "{" + fields.map { key, value in
            let rendered = value == "null" || (Int(value) != nil && key != "value" && !key.hasSuffix("Gas") && key != "gasPrice")
                ? value : jsonString(value)
            return "\(jsonString(key)):\(rendered)"
        }.joined(separator: ",") + "}"
    }

    static func jsonString(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }
}

/// The outcome of `takumi eth siwe-verify`: printed as JSON, exit 0 when valid, 1 when not.
public struct SIWEVerdict: Sendable, Equatable, Codable {
    public var valid: Bool
    public var address: String?
    public var reason: String?

    public var json: String {
        "{\"valid\":\(valid),\"address\":\(address.map(EthToolbox.jsonString) ?? "null"),\"reason\":\(reason.map(EthToolbox.jsonString) ?? "null")}"
    }
}

/// Input the toolbox cannot use; the message says what is wrong with it.
public enum EthToolboxError: Error, Equatable, CustomStringConvertible {
    case badInput(String)

    public var description: String {
        switch self {
        case .badInput(let message): message
        }
    }
}
