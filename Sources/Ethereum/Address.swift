import Synchronization

/// Recently rendered EIP-55 forms: the indexer renders the same few
/// addresses for every event it stores, and each rendering is a Keccak-256.
/// Bounded: emptied when full.
enum ChecksumCache {
    static let capacity = 4096
    static let shared = Mutex<[Key: String]>([:])

    /// The 20 bytes as integers: cheap to hash, unlike an array.
    struct Key: Hashable {
        var high: UInt64
        var middle: UInt64
        var low: UInt32

        init?(_ bytes: [UInt8]) {
            guard bytes.count == 20 else { return nil }
            var high: UInt64 = 0, middle: UInt64 = 0, low: UInt32 = 0
            for index in 0..<8 { high = high << 8 | UInt64(bytes[index]) }
            for index in 8..<16 { middle = middle << 8 | UInt64(bytes[index]) }
            for index in 16..<20 { low = low << 8 | UInt32(bytes[index]) }
            self.high = high
            self.middle = middle
            self.low = low
        }
    }
}

/// A 20-byte Ethereum account address, rendered with its EIP-55 mixed-case checksum.
///
/// ``init(_:)`` accepts all-lowercase or all-uppercase hex (no checksum to check) and
/// mixed case only when the checksum is right; ``init(checksummed:)`` insists on the
/// checksum (Sign-In with Ethereum does). `Codable` as the checksummed string.
///
/// ```swift
/// let address = try Address("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
/// address.checksummed // "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
/// try Address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD") // throws .checksumMismatch
/// ```
public struct Address: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// The 20 bytes.
    public let bytes: [UInt8]

    /// 0x0000000000000000000000000000000000000000.
    public static let zero = Address(unchecked: [UInt8](repeating: 0, count: 20))

    /// Wraps `bytes`, which must hold exactly 20 bytes.
    public init<Bytes: Collection<UInt8>>(bytes: Bytes) throws(AddressError) {
        guard bytes.count == 20 else { throw .wrongByteCount(bytes.count) }
        self.bytes = Array(bytes)
    }

    /// Parses `0x` and 40 hex digits: all lowercase, all uppercase, or EIP-55 mixed case
    /// with a correct checksum.
    public init(_ text: String) throws(AddressError) {
        let bytes = try Self.decode(text)
        self.bytes = bytes
        let digits = text.utf8.dropFirst(2)
        let hasLower = digits.contains { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f") }
        let hasUpper = digits.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "F") }
        if hasLower && hasUpper {
            try checkChecksum(of: text)
        }
    }

    /// Parses `0x` and 40 hex digits whose case must be exactly the EIP-55 checksum.
    public init(checksummed text: String) throws(AddressError) {
        self.bytes = try Self.decode(text)
        try checkChecksum(of: text)
    }

    /// The address of `publicKey`: the last 20 bytes of the Keccak-256 of its 64-byte
    /// uncompressed form.
    public init(publicKey: PublicKey) {
        self.bytes = Array(Keccak256.hash(publicKey.uncompressed).bytes.suffix(20))
    }

    init(unchecked bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The EIP-55 rendering: a hex letter is uppercase when the matching nibble of
    /// keccak256(lowercase hex) is 8 or more.
    public var checksummed: String {
        let key = ChecksumCache.Key(bytes)
        if let key, let cached = ChecksumCache.shared.withLock({ $0[key] }) { return cached }
        let text = computeChecksummed()
        if let key {
            ChecksumCache.shared.withLock { cache in
                if cache.count >= ChecksumCache.capacity { cache.removeAll(keepingCapacity: true) }
                cache[key] = text
            }
        }
        return text
    }

    /// The EIP-55 form of `text` when it is `0x` and 40 lowercase hex digits
    /// (how the store keeps addresses), nil for anything else. The same
    /// answer as `Address(text).checksummed`, without decoding to bytes and
    /// encoding back: the API renders an address per row it serves, mostly
    /// different ones, so the cache rarely helps there.
    public static func checksummed(lowercaseHex text: String) -> String? {
        var text = text
        return text.withUTF8 { utf8 -> String? in
            guard utf8.count == 42, utf8[0] == UInt8(ascii: "0"), utf8[1] == UInt8(ascii: "x") else { return nil }
            let digits = UnsafeBufferPointer(rebasing: utf8[2...])
            for byte in digits where !((byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))) {
                return nil
            }
            let hash = Keccak256.hash(UnsafeRawBufferPointer(digits)).bytes
            return String(unsafeUninitializedCapacity: 42) { out in
                out[0] = UInt8(ascii: "0")
                out[1] = UInt8(ascii: "x")
                for (index, character) in digits.enumerated() {
                    let nibble = index % 2 == 0 ? hash[index / 2] >> 4 : hash[index / 2] & 0x0F
                    out[index + 2] = character >= UInt8(ascii: "a") && nibble >= 8 ? character - 32 : character
                }
                return 42
            }
        }
    }

    private func computeChecksummed() -> String {
        let lower = Array(Hex.encode(bytes, prefixed: false).utf8)
        let hash = Keccak256.hash(lower).bytes
        var out: [UInt8] = [UInt8(ascii: "0"), UInt8(ascii: "x")]
        out.reserveCapacity(42)
        for (index, character) in lower.enumerated() {
            let nibble = index % 2 == 0 ? hash[index / 2] >> 4 : hash[index / 2] & 0x0F
            if character >= UInt8(ascii: "a") && nibble >= 8 {
                out.append(character - 32)
            } else {
                out.append(character)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `0x` and 40 lowercase hex digits.
    public var lowercased: String { Hex.encode(bytes) }

    /// `Address(text).lowercased`, with the same errors, but `text` itself
    /// when it already is `0x` and 40 lowercase hex digits (the common form
    /// in API paths): no bytes decoded and no string built for it.
    public static func lowercased(_ text: String) throws(AddressError) -> String {
        let utf8 = text.utf8
        if utf8.count == 42, utf8.starts(with: "0x".utf8),
            utf8.dropFirst(2).allSatisfy({ ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f")) })
        {
            return text
        }
        return try Address(text).lowercased
    }

    public var description: String { checksummed }

    public static func < (lhs: Address, rhs: Address) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(checksummed)
    }

    private static func decode(_ text: String) throws(AddressError) -> [UInt8] {
        guard text.utf8.starts(with: [UInt8(ascii: "0"), UInt8(ascii: "x")]) else {
            throw .invalidHex(.missingPrefix)
        }
        let bytes: [UInt8]
        do {
            bytes = try Hex.decode(text)
        } catch {
            throw .invalidHex(error)
        }
        guard bytes.count == 20 else { throw .wrongByteCount(bytes.count) }
        return bytes
    }

    private func checkChecksum(of text: String) throws(AddressError) {
        let expected = checksummed
        guard text == expected else { throw .checksumMismatch(given: text, expected: expected) }
    }
}

/// Why a string or byte string is not an address.
///
/// ```swift
/// try Address(bytes: [1, 2, 3]) // throws .wrongByteCount(3)
/// ```
public enum AddressError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Not `0x`-prefixed hex.
    case invalidHex(HexError)
    /// Addresses are 20 bytes.
    case wrongByteCount(Int)
    /// Mixed case that is not the EIP-55 checksum (or, for a checksummed parse, any other case).
    case checksumMismatch(given: String, expected: String)

    public var description: String {
        switch self {
        case .invalidHex(let error): "invalid address: \(error)"
        case .wrongByteCount(let count): "an address is 20 bytes, got \(count)"
        case .checksumMismatch(let given, let expected): "address \(given) fails its EIP-55 checksum (expected \(expected))"
        }
    }
}
