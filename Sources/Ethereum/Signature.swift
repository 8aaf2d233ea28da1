/// A recoverable ECDSA signature over secp256k1: r, s and the recovery id (0 or 1).
///
/// The 65-byte wire form is r ‖ s ‖ v; parsing accepts v in {0, 1, 27, 28} and
/// ``bytes`` writes v as 27 or 28, as wallets do for `personal_sign`. Transactions
/// carry v in their own encodings (see ``SignedTransaction``).
///
/// ```swift
/// let signature = try Signature(bytes: Hex.decode("0x…65 bytes…"))
/// let signer = try signature.recoverAddress(from: PersonalMessage("hello").hash)
/// ```
public struct Signature: Hashable, Sendable, CustomStringConvertible {
    /// The x coordinate of the nonce point, modulo n.
    public let r: Bytes32
    /// The proof scalar; ``isLowS`` for every signature this module produces.
    public let s: Bytes32
    /// Which of the two candidate points is the signer's nonce point: 0 or 1.
    public let recoveryID: UInt8

    /// Builds a signature from its parts; `recoveryID` must be 0 or 1.
    public init(r: Bytes32, s: Bytes32, recoveryID: UInt8) throws(SignatureError) {
        guard recoveryID <= 1 else { throw .invalidRecoveryValue(String(recoveryID)) }
        self.r = r
        self.s = s
        self.recoveryID = recoveryID
    }

    /// Parses r ‖ s ‖ v (65 bytes) with v in {0, 1, 27, 28}.
    public init<Bytes: Collection<UInt8>>(bytes: Bytes) throws(SignatureError) {
        let bytes = Array(bytes)
        guard bytes.count == 65 else { throw .wrongByteCount(expected: 65, actual: bytes.count) }
        let v = bytes[64]
        let recoveryID: UInt8
        switch v {
        case 0, 1: recoveryID = v
        case 27, 28: recoveryID = v - 27
        default: throw .invalidRecoveryValue(String(v))
        }
        self.init(unchecked: Array(bytes[0..<32]), s: Array(bytes[32..<64]), recoveryID: recoveryID)
    }

    init(unchecked r: [UInt8], s: [UInt8], recoveryID: UInt8) {
        self.r = Bytes32(unchecked: r)
        self.s = Bytes32(unchecked: s)
        self.recoveryID = recoveryID
    }

    /// r ‖ s ‖ v with v = 27 + recovery id.
    public var bytes: [UInt8] {
        r.bytes + s.bytes + [27 + recoveryID]
    }

    /// `0x`-prefixed hex of ``bytes``.
    public var description: String { Hex.encode(bytes) }
}
