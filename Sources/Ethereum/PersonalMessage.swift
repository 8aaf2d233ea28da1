/// A message for EIP-191 version 0x45 signing, what wallets call `personal_sign`:
/// the signed hash is keccak256("\u{19}Ethereum Signed Message:\n" + length + message).
///
/// ```swift
/// let message = PersonalMessage("Sign in to Takumi")
/// let signature = try key.sign(message)
/// try message.signer(of: signature) == key.address // true
/// ```
public struct PersonalMessage: Hashable, Sendable {
    /// The message bytes (UTF-8 for text messages).
    public let bytes: [UInt8]

    /// A text message, signed as its UTF-8 bytes.
    public init(_ text: String) {
        self.bytes = Array(text.utf8)
    }

    /// A message of arbitrary bytes.
    public init<Bytes: Sequence<UInt8>>(bytes: Bytes) {
        self.bytes = Array(bytes)
    }

    /// The hash a wallet signs: the prefix, the decimal byte length, then the bytes.
    public var hash: Bytes32 {
        var hasher = Keccak256()
        hasher.update(Array("\u{19}Ethereum Signed Message:\n\(bytes.count)".utf8))
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The address whose key produced `signature` over this message.
    public func signer(of signature: Signature) throws(SignatureError) -> Address {
        try signature.recoverAddress(from: hash)
    }
}

extension PrivateKey {
    /// Signs `message` as `personal_sign` does.
    public func sign(_ message: PersonalMessage) throws(SignatureError) -> Signature {
        try sign(hash: message.hash)
    }
}
