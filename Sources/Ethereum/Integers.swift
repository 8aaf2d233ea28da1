import BigInt

// 256-bit integers are attaswift/BigInt's `BigUInt` and `BigInt`; these helpers
// convert them to and from the big-endian byte strings Ethereum uses and check
// the ranges of Solidity's uintN / intN.

extension BigUInt {
    /// The unsigned integer spelled by `bytes`, most significant byte first (any length).
    public init<Bytes: Collection<UInt8>>(bigEndian bytes: Bytes) {
        // Most decoded uint256 words are ids, counts and block numbers: when
        // only the last 8 bytes can be non-zero, build the value from one
        // word (BigUInt keeps it inline) instead of a words array.
        if bytes.count <= 8 || bytes.dropLast(8).allSatisfy({ $0 == 0 }) {
            var value: UInt64 = 0
            for byte in bytes.suffix(8) { value = value << 8 | UInt64(byte) }
            self.init(value)
            return
        }
        var words = [UInt](repeating: 0, count: (bytes.count + UInt.bitWidth / 8 - 1) / (UInt.bitWidth / 8))
        var shift = 0
        var index = 0
        for byte in bytes.reversed() {
            words[index] |= UInt(byte) << shift
            shift += 8
            if shift == UInt.bitWidth {
                shift = 0
                index += 1
            }
        }
        self.init(words: words)
    }

    /// Big-endian bytes without leading zeros (empty for zero), as RLP wants integers.
    public var minimalBigEndianBytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(words.count * UInt.bitWidth / 8)
        for word in words.reversed() {
            for shift in stride(from: UInt.bitWidth - 8, through: 0, by: -8) {
                bytes.append(UInt8(truncatingIfNeeded: word >> shift))
            }
        }
        guard let first = bytes.firstIndex(where: { $0 != 0 }) else { return [] }
        return Array(bytes[first...])
    }

    /// Big-endian bytes left-padded with zeros to `count`, or nil if the value needs more.
    public func bigEndianBytes(count: Int) -> [UInt8]? {
        let minimal = minimalBigEndianBytes
        guard minimal.count <= count else { return nil }
        return [UInt8](repeating: 0, count: count - minimal.count) + minimal
    }

    /// Whether the value fits Solidity's `uint<bits>`.
    public func fits(unsignedBits bits: Int) -> Bool {
        bitWidth <= bits
    }
}

extension BigInt {
    /// The signed integer whose 256-bit two's complement is `word` (exactly 32 bytes).
    public init(twosComplement word: [UInt8]) {
        let magnitude = BigUInt(bigEndian: word)
        if let first = word.first, first & 0x80 != 0 {
            self = BigInt(magnitude) - (BigInt(1) << 256)
        } else {
            self = BigInt(magnitude)
        }
    }

    /// The 32-byte two's complement of the value, or nil outside int256.
    public var twosComplementWord: [UInt8]? {
        guard fits(signedBits: 256) else { return nil }
        let unsigned = sign == .minus ? (BigInt(1) << 256) + self : self
        return unsigned.magnitude.bigEndianBytes(count: 32)
    }

    /// Whether the value fits Solidity's `int<bits>`: -2^(bits-1) ... 2^(bits-1) - 1.
    public func fits(signedBits bits: Int) -> Bool {
        let limit = BigUInt(1) << (bits - 1)
        return sign == .minus ? magnitude <= limit : magnitude < limit
    }
}
