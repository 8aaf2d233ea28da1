#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Asks a contract wallet whether it accepts a signature (ERC-1271): the caller
/// implements it over JSON-RPC (`eth_call` of ``ERC1271/calldata(hash:signature:)``
/// on `contract`, then ``ERC1271/isMagicValue(_:)`` on the result).
///
/// ```swift
/// struct RPCContractSignatures: ContractSignatureValidator {
///     let client: RPCClient
///     func isValidSignature(_ signature: [UInt8], hash: Bytes32, contract: Address) async throws -> Bool {
///         let result = try await client.call(to: contract, data: ERC1271.calldata(hash: hash, signature: signature))
///         return ERC1271.isMagicValue(result)
///     }
/// }
/// ```
public protocol ContractSignatureValidator: Sendable {
    /// Whether `contract` returns the ERC-1271 magic value for `signature` over `hash`.
    func isValidSignature(_ signature: [UInt8], hash: Bytes32, contract: Address) async throws -> Bool
}

/// The ERC-1271 `isValidSignature(bytes32,bytes)` call and its magic return value.
///
/// ```swift
/// let data = ERC1271.calldata(hash: message.personalMessage.hash, signature: signature)
/// ERC1271.isMagicValue(returnData) // true when the wallet accepts
/// ```
public enum ERC1271 {
    /// `isValidSignature(bytes32 hash, bytes signature) returns (bytes4)`.
    public static let isValidSignature = ABIFunction(
        name: "isValidSignature",
        inputs: [ABIParameter(name: "hash", type: .bytes32), ABIParameter(name: "signature", type: .bytes)],
        outputs: [ABIParameter(type: .fixedBytes(4))]
    )

    /// 0x1626ba7e, the selector of `isValidSignature(bytes32,bytes)`, returned on success.
    public static let magicValue: [UInt8] = [0x16, 0x26, 0xBA, 0x7E]

    /// Calldata asking whether `signature` over `hash` is valid.
    public static func calldata(hash: Bytes32, signature: [UInt8]) -> [UInt8] {
        // Encoding a bytes32 and a bytes cannot fail; fall back to the bare selector regardless.
        (try? isValidSignature.encodeCall([.fixedBytes(hash), .bytes(signature)])) ?? isValidSignature.selector
    }

    /// Whether `returnData` is the ABI-encoded magic value.
    public static func isMagicValue(_ returnData: [UInt8]) -> Bool {
        guard let values = try? isValidSignature.decodeOutput(returnData) else { return false }
        return values.first?.byteString == magicValue
    }
}

/// Verifies a signed Sign-In with Ethereum message for one relying party: the
/// message must parse, name this domain, URI and chain, carry the nonce the server
/// issued, be inside its validity window at the given instant, and be signed by its
/// address (an EOA signature, or through ``ContractSignatureValidator`` for contract wallets).
///
/// ```swift
/// let verifier = SIWEVerifier(domain: "takumi.example", uri: "https://takumi.example/login", chainID: 1)
/// let message = try await verifier.verify(text, signature: signature, nonce: issuedNonce, at: Date())
/// message.address // the signed-in account
/// ```
public struct SIWEVerifier: Sendable {
    /// The authority the message must name (`domain` in EIP-4361), e.g. "takumi.example".
    public var domain: String
    /// The URI the message must carry exactly, or nil to accept any URI.
    public var uri: String?
    public var chainID: UInt64
    /// The scheme a message may name before its domain; a message without one is accepted.
    public var scheme: String
    /// How far issued-at may lie in the future, and the slack on expiry and not-before.
    public var clockTolerance: TimeInterval
    /// Consulted when the signature does not recover to the message's address.
    public var contractValidator: (any ContractSignatureValidator)?

    public init(
        domain: String, uri: String?, chainID: UInt64, scheme: String = "https",
        clockTolerance: TimeInterval = 0, contractValidator: (any ContractSignatureValidator)? = nil
    ) {
        self.domain = domain
        self.uri = uri
        self.chainID = chainID
        self.scheme = scheme
        self.clockTolerance = clockTolerance
        self.contractValidator = contractValidator
    }

    /// Parses `text` and verifies it; the signature is checked over `text` exactly as given.
    public func verify(_ text: String, signature: [UInt8], nonce: String, at now: Date) async throws(SIWEVerificationError) -> SIWEMessage {
        let message: SIWEMessage
        do {
            message = try SIWEMessage(parsing: text)
        } catch {
            throw .malformed(error)
        }
        try checkFields(of: message, nonce: nonce, at: now)
        try await checkSignature(signature, over: PersonalMessage(text).hash, by: message.address)
        return message
    }

    /// Checks everything but the signature.
    public func checkFields(of message: SIWEMessage, nonce: String, at now: Date) throws(SIWEVerificationError) {
        guard message.domain == domain else { throw .domainMismatch(expected: domain, actual: message.domain) }
        if let messageScheme = message.scheme, messageScheme != scheme {
            throw .schemeMismatch(expected: scheme, actual: messageScheme)
        }
        if let uri, message.uri != uri { throw .uriMismatch(expected: uri, actual: message.uri) }
        guard message.chainID == chainID else { throw .chainIDMismatch(expected: chainID, actual: message.chainID) }
        guard message.nonce == nonce else { throw .nonceMismatch }
        if message.issuedAt.date.timeIntervalSince(now) > clockTolerance {
            throw .issuedInFuture(message.issuedAt.text)
        }
        if let expiration = message.expirationTime, now.timeIntervalSince(expiration.date) >= clockTolerance {
            throw .expired(expiration.text)
        }
        if let notBefore = message.notBefore, notBefore.date.timeIntervalSince(now) > clockTolerance {
            throw .notYetValid(notBefore.text)
        }
    }

    private func checkSignature(_ signature: [UInt8], over hash: Bytes32, by address: Address) async throws(SIWEVerificationError) {
        var recovered: Address?
        var recoveryError: SignatureError?
        do {
            recovered = try Signature(bytes: signature).recoverAddress(from: hash)
        } catch {
            recoveryError = error
        }
        if recovered == address { return }
        if let contractValidator {
            let accepted: Bool
            do {
                accepted = try await contractValidator.isValidSignature(signature, hash: hash, contract: address)
            } catch {
                throw .contractCheckFailed(String(describing: error))
            }
            guard accepted else { throw .contractRejected(address) }
            return
        }
        if let recovered { throw .signerMismatch(expected: address, recovered: recovered) }
        throw .invalidSignature(recoveryError ?? .recoveryFailed)
    }
}

/// Why a Sign-In with Ethereum attempt was refused; `description` is safe to log.
///
/// ```swift
/// catch SIWEVerificationError.expired(let time) { /* ask the wallet to sign again */ }
/// ```
public enum SIWEVerificationError: Error, Hashable, Sendable, CustomStringConvertible {
    case malformed(SIWEError)
    case domainMismatch(expected: String, actual: String)
    case schemeMismatch(expected: String, actual: String)
    case uriMismatch(expected: String, actual: String)
    case chainIDMismatch(expected: UInt64, actual: UInt64)
    /// Not the nonce this server issued (or it was already used).
    case nonceMismatch
    case issuedInFuture(String)
    case expired(String)
    case notYetValid(String)
    /// The signature is malformed or recovers to no key, and there is no contract validator.
    case invalidSignature(SignatureError)
    /// The signature is valid but made by another account.
    case signerMismatch(expected: Address, recovered: Address)
    /// The contract wallet did not return the ERC-1271 magic value.
    case contractRejected(Address)
    /// Asking the contract wallet failed (an RPC error, say).
    case contractCheckFailed(String)

    public var description: String {
        switch self {
        case .malformed(let error): "malformed SIWE message: \(error)"
        case .domainMismatch(let expected, let actual): "SIWE domain \(actual) is not \(expected)"
        case .schemeMismatch(let expected, let actual): "SIWE scheme \(actual) is not \(expected)"
        case .uriMismatch(let expected, let actual): "SIWE URI \(actual) is not \(expected)"
        case .chainIDMismatch(let expected, let actual): "SIWE chain ID \(actual) is not \(expected)"
        case .nonceMismatch: "SIWE nonce is not the one issued"
        case .issuedInFuture(let time): "SIWE message issued in the future (\(time))"
        case .expired(let time): "SIWE message expired at \(time)"
        case .notYetValid(let time): "SIWE message not valid before \(time)"
        case .invalidSignature(let error): "SIWE signature is invalid: \(error)"
        case .signerMismatch(let expected, let recovered): "SIWE message for \(expected) was signed by \(recovered)"
        case .contractRejected(let address): "contract wallet \(address) rejected the SIWE signature (ERC-1271)"
        case .contractCheckFailed(let reason): "could not ask the contract wallet (ERC-1271): \(reason)"
        }
    }
}
