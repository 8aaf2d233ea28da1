import CSecp256k1

/// The one libsecp256k1 context the module signs and recovers with.
///
/// It is `@unchecked Sendable` because libsecp256k1 documents that a context may be
/// used from many threads at once by every function taking a `const` context pointer,
/// which is all this module calls after creation (signing, recovery, key derivation,
/// parsing and serialising). The only mutating call, `secp256k1_context_randomize`, runs
/// once inside `init` before the context is published through `shared`, and the
/// context is never destroyed.
final class Secp256k1Context: @unchecked Sendable {
    static let shared = Secp256k1Context()

    let pointer: OpaquePointer

    private init() {
        // SIGN|VERIFY are no-ops since libsecp256k1 0.2 (every context can do both)
        // but keep the intent explicit for older libraries.
        let flags = UInt32(SECP256K1_FLAGS_TYPE_CONTEXT | SECP256K1_FLAGS_BIT_CONTEXT_SIGN | SECP256K1_FLAGS_BIT_CONTEXT_VERIFY)
        pointer = secp256k1_context_create(flags)
        // Randomisation blinds signing against side channels; it does not change results.
        var generator = SystemRandomNumberGenerator()
        var seed = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        _ = secp256k1_context_randomize(pointer, &seed)
    }
}

/// The group order n of secp256k1, halved: signatures with s above it are the
/// malleable "high-s" twins that Ethereum (EIP-2) refuses.
private let halfOrder: [UInt8] = [
    0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0x5D, 0x57, 0x6E, 0x73, 0x57, 0xA4, 0x50, 0x1D, 0xDF, 0xE9, 0x2F, 0x46, 0x68, 0x1B, 0x20, 0xA0,
]

/// A secp256k1 private key: 32 bytes, non-zero and below the group order.
///
/// Signing is deterministic (RFC 6979 nonces) and always yields low-s signatures.
/// The key never appears in `description`.
///
/// ```swift
/// let key = try PrivateKey(hex: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
/// key.address // 0x2c7536E3605D9C16a7a3D7b1898e529396a65c23
/// let signature = try key.sign(hash: Keccak256.hash(Array("hello".utf8)))
/// ```
public struct PrivateKey: Sendable, Equatable, CustomStringConvertible {
    /// The 32 secret bytes.
    public let bytes: [UInt8]
    /// The matching public key.
    public let publicKey: PublicKey

    /// Wraps `bytes` after checking it is a valid secret key.
    public init<Bytes: Collection<UInt8>>(bytes: Bytes) throws(SignatureError) {
        let bytes = Array(bytes)
        guard bytes.count == 32 else { throw .wrongByteCount(expected: 32, actual: bytes.count) }
        let context = Secp256k1Context.shared.pointer
        guard secp256k1_ec_seckey_verify(context, bytes) == 1 else { throw .invalidPrivateKey }
        var point = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_create(context, &point, bytes) == 1 else { throw .invalidPrivateKey }
        self.bytes = bytes
        self.publicKey = try PublicKey(point: point)
    }

    /// Parses 64 hex digits, with or without `0x`.
    public init(hex: String) throws(SignatureError) {
        let bytes: [UInt8]
        do {
            bytes = try Hex.decode(hex, prefix: .optional)
        } catch {
            throw .invalidHex(error)
        }
        try self.init(bytes: bytes)
    }

    /// A fresh key from the system's secure random number generator.
    public static func random() -> PrivateKey {
        var generator = SystemRandomNumberGenerator()
        while true {
            let candidate = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            if let key = try? PrivateKey(bytes: candidate) { return key }
        }
    }

    /// The account address this key controls.
    public var address: Address { publicKey.address }

    /// Signs the 32-byte `hash` (RFC 6979 nonce; the result is always low-s).
    public func sign(hash: Bytes32) throws(SignatureError) -> Signature {
        let context = Secp256k1Context.shared.pointer
        var signature = secp256k1_ecdsa_recoverable_signature()
        guard secp256k1_ecdsa_sign_recoverable(context, &signature, hash.bytes, bytes, nil, nil) == 1 else {
            throw .signingFailed
        }
        var compact = [UInt8](repeating: 0, count: 64)
        var recoveryID: Int32 = 0
        _ = secp256k1_ecdsa_recoverable_signature_serialize_compact(context, &compact, &recoveryID, &signature)
        let result = Signature(
            unchecked: Array(compact[0..<32]), s: Array(compact[32..<64]), recoveryID: UInt8(truncatingIfNeeded: recoveryID)
        )
        // libsecp256k1 normalises s when signing; a high s here would be a library bug.
        guard result.isLowS else { throw .signingFailed }
        return result
    }

    public var description: String { "PrivateKey(address: \(address))" }

    public static func == (lhs: PrivateKey, rhs: PrivateKey) -> Bool {
        // Constant-time comparison: keys are secrets.
        zip(lhs.bytes, rhs.bytes).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// A point on secp256k1, kept as its 64-byte uncompressed form x ‖ y.
///
/// ```swift
/// let key = try PublicKey(bytes: Hex.decode("0x04…"))   // 33, 64 or 65 bytes
/// key.address
/// ```
public struct PublicKey: Hashable, Sendable {
    /// x ‖ y, 32 bytes each, big-endian (no 0x04 prefix).
    public let uncompressed: [UInt8]

    /// Parses a compressed (33 bytes), uncompressed (65 bytes, 0x04 prefix) or raw
    /// (64 bytes) public key, checking the point lies on the curve.
    public init<Bytes: Collection<UInt8>>(bytes: Bytes) throws(SignatureError) {
        var input = Array(bytes)
        if input.count == 64 { input.insert(0x04, at: 0) }
        guard input.count == 33 || input.count == 65 else {
            throw .wrongByteCount(expected: 65, actual: input.count)
        }
        var point = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_parse(Secp256k1Context.shared.pointer, &point, input, input.count) == 1 else {
            throw .invalidPublicKey
        }
        try self.init(point: point)
    }

    init(point: secp256k1_pubkey) throws(SignatureError) {
        uncompressed = try Array(Self.serializeUncompressed(point).dropFirst())
    }

    /// The 33-byte compressed form (0x02 or 0x03, then x).
    public var compressed: [UInt8] {
        let y = uncompressed[63]
        return [y & 1 == 0 ? 0x02 : 0x03] + uncompressed[0..<32]
    }

    /// The address: the last 20 bytes of keccak256(x ‖ y).
    public var address: Address { Address(publicKey: self) }

    private static func serializeUncompressed(_ point: secp256k1_pubkey) throws(SignatureError) -> [UInt8] {
        var point = point
        var output = [UInt8](repeating: 0, count: 65)
        var length = output.count
        let flags = UInt32(SECP256K1_EC_UNCOMPRESSED)
        guard secp256k1_ec_pubkey_serialize(Secp256k1Context.shared.pointer, &output, &length, &point, flags) == 1,
              length == 65 else {
            throw .invalidPublicKey
        }
        return output
    }
}

/// Why a key or signature was refused, or signing or recovery failed.
///
/// ```swift
/// do { _ = try twin.recoverAddress(from: hash) } catch .highS { /* malleable twin refused */ } catch {}
/// ```
public enum SignatureError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Input of the wrong size.
    case wrongByteCount(expected: Int, actual: Int)
    /// Not hex.
    case invalidHex(HexError)
    /// Zero, or not below the group order.
    case invalidPrivateKey
    /// Not a point on the curve.
    case invalidPublicKey
    /// The recovery value v is not 0, 1, 27 or 28 (or, in a transaction, not what its type allows).
    case invalidRecoveryValue(String)
    /// r or s is zero or not below the group order.
    case scalarOutOfRange
    /// s is above n/2: the malleable twin of a valid signature (EIP-2).
    case highS
    /// No public key recovers from this signature and hash.
    case recoveryFailed
    /// libsecp256k1 could not produce a signature.
    case signingFailed

    public var description: String {
        switch self {
        case .wrongByteCount(let expected, let actual): "expected \(expected) bytes, got \(actual)"
        case .invalidHex(let error): "invalid hex: \(error)"
        case .invalidPrivateKey: "private key is zero or not below the secp256k1 order"
        case .invalidPublicKey: "bytes are not a secp256k1 public key"
        case .invalidRecoveryValue(let value): "signature recovery value v = \(value) is not allowed"
        case .scalarOutOfRange: "signature r or s is zero or not below the secp256k1 order"
        case .highS: "signature s is in the upper half of the order (malleable, rejected per EIP-2)"
        case .recoveryFailed: "no public key recovers from this signature"
        case .signingFailed: "libsecp256k1 failed to sign"
        }
    }
}

extension Signature {
    /// Whether s ≤ n/2, the only form Ethereum accepts (EIP-2).
    public var isLowS: Bool {
        !halfOrder.lexicographicallyPrecedes(s.bytes)
    }

    /// The public key that produced this signature over `hash`. High-s signatures are
    /// refused even though they verify mathematically.
    public func recoverPublicKey(from hash: Bytes32) throws(SignatureError) -> PublicKey {
        guard isLowS else { throw .highS }
        let context = Secp256k1Context.shared.pointer
        var signature = secp256k1_ecdsa_recoverable_signature()
        let compact = r.bytes + s.bytes
        guard secp256k1_ecdsa_recoverable_signature_parse_compact(context, &signature, compact, Int32(recoveryID)) == 1 else {
            throw .scalarOutOfRange
        }
        var point = secp256k1_pubkey()
        guard secp256k1_ecdsa_recover(context, &point, &signature, hash.bytes) == 1 else {
            throw .recoveryFailed
        }
        return try PublicKey(point: point)
    }

    /// The address that signed `hash`.
    public func recoverAddress(from hash: Bytes32) throws(SignatureError) -> Address {
        try recoverPublicKey(from: hash).address
    }
}
