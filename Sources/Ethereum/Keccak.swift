// Keccak-256 as Ethereum uses it: the original Keccak submission padding
// (0x01 … 0x80), not FIPS 202 SHA3 (0x06 … 0x80). Rate 136 bytes, capacity 512 bits.

/// An incremental Keccak-256 hasher, the hash function behind addresses, selectors,
/// topics, transaction hashes and signing hashes.
///
/// Use ``hash(_:)`` for one-shot hashing; feed ``update(_:)`` for data that arrives
/// in pieces. Whole 136-byte blocks are absorbed straight from the caller's buffer.
///
/// ```swift
/// let empty = Keccak256.hash([UInt8]())
/// // 0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470
/// var hasher = Keccak256()
/// hasher.update(Array("transfer(address,uint256)".utf8))
/// let digest = hasher.finalize() // 0xa9059cbb…
/// ```
public struct Keccak256: Sendable {
    /// The sponge rate in bytes: how much input one permutation absorbs.
    public static let blockSize = 136

    private var state = KeccakState()
    /// Input not yet absorbed, always shorter than one block.
    private var pending: [UInt8] = []

    /// Creates a hasher with an empty state.
    public init() {}

    /// Absorbs `bytes`.
    public mutating func update<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            update(UnsafeRawBufferPointer(buffer))
        }
        if handled == nil {
            let copy = Array(bytes)
            copy.withUnsafeBytes { update($0) }
        }
    }

    /// Absorbs the bytes of `buffer`.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard var base = buffer.baseAddress, buffer.count > 0 else { return }
        var remaining = buffer.count
        if !pending.isEmpty {
            let take = min(Self.blockSize - pending.count, remaining)
            pending.append(contentsOf: UnsafeRawBufferPointer(start: base, count: take))
            base += take
            remaining -= take
            guard pending.count == Self.blockSize else { return }
            pending.withUnsafeBytes { state.absorb(blocksAt: $0.baseAddress.unsafelyUnwrapped, count: 1) }
            pending.removeAll(keepingCapacity: true)
        }
        let blocks = remaining / Self.blockSize
        if blocks > 0 {
            state.absorb(blocksAt: base, count: blocks)
            base += blocks * Self.blockSize
            remaining -= blocks * Self.blockSize
        }
        if remaining > 0 {
            pending.append(contentsOf: UnsafeRawBufferPointer(start: base, count: remaining))
        }
    }

    /// Pads, permutes and returns the 32-byte digest. The hasher is not reset.
    public func finalize() -> Bytes32 {
        var final = state
        return withUnsafeTemporaryAllocation(byteCount: Self.blockSize, alignment: 8) { block in
            block.initializeMemory(as: UInt8.self, repeating: 0)
            pending.withUnsafeBytes { block.copyMemory(from: $0) }
            block[pending.count] ^= 0x01
            block[Self.blockSize - 1] ^= 0x80
            final.absorb(blocksAt: UnsafeRawPointer(block.baseAddress.unsafelyUnwrapped), count: 1)
            return final.digest()
        }
    }

    /// The Keccak-256 digest of `bytes`, computed without copying whole blocks.
    public static func hash<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Bytes32 {
        if let digest = bytes.withContiguousStorageIfAvailable({ hash(UnsafeRawBufferPointer($0)) }) {
            return digest
        }
        return Array(bytes).withUnsafeBytes { hash($0) }
    }

    /// The Keccak-256 digest of the bytes in `buffer`.
    public static func hash(_ buffer: UnsafeRawBufferPointer) -> Bytes32 {
        var state = KeccakState()
        let blocks = buffer.count / blockSize
        if blocks > 0, let base = buffer.baseAddress {
            state.absorb(blocksAt: base, count: blocks)
        }
        let tail = buffer.count - blocks * blockSize
        return withUnsafeTemporaryAllocation(byteCount: blockSize, alignment: 8) { block in
            block.initializeMemory(as: UInt8.self, repeating: 0)
            if tail > 0, let base = buffer.baseAddress {
                block.copyMemory(from: UnsafeRawBufferPointer(start: base + blocks * blockSize, count: tail))
            }
            block[tail] ^= 0x01
            block[blockSize - 1] ^= 0x80
            state.absorb(blocksAt: UnsafeRawPointer(block.baseAddress.unsafelyUnwrapped), count: 1)
            return state.digest()
        }
    }
}

/// The 25-lane Keccak-f[1600] state, lane `x + 5y` named `a<x+5y>`. Plain stored
/// properties so the optimiser keeps the lanes in registers across a permutation.
struct KeccakState: Sendable {
    var a0: UInt64 = 0, a1: UInt64 = 0, a2: UInt64 = 0, a3: UInt64 = 0, a4: UInt64 = 0
    var a5: UInt64 = 0, a6: UInt64 = 0, a7: UInt64 = 0, a8: UInt64 = 0, a9: UInt64 = 0
    var a10: UInt64 = 0, a11: UInt64 = 0, a12: UInt64 = 0, a13: UInt64 = 0, a14: UInt64 = 0
    var a15: UInt64 = 0, a16: UInt64 = 0, a17: UInt64 = 0, a18: UInt64 = 0, a19: UInt64 = 0
    var a20: UInt64 = 0, a21: UInt64 = 0, a22: UInt64 = 0, a23: UInt64 = 0, a24: UInt64 = 0

    /// XORs `count` consecutive 136-byte blocks into the rate lanes, permuting after each.
    @inline(__always)
    mutating func absorb(blocksAt start: UnsafeRawPointer, count: Int) {
        var block = start
        for _ in 0..<count {
            a0 ^= block.lane(0); a1 ^= block.lane(1); a2 ^= block.lane(2); a3 ^= block.lane(3)
            a4 ^= block.lane(4); a5 ^= block.lane(5); a6 ^= block.lane(6); a7 ^= block.lane(7)
            a8 ^= block.lane(8); a9 ^= block.lane(9); a10 ^= block.lane(10); a11 ^= block.lane(11)
            a12 ^= block.lane(12); a13 ^= block.lane(13); a14 ^= block.lane(14); a15 ^= block.lane(15)
            a16 ^= block.lane(16)
            permute()
            block += Keccak256.blockSize
        }
    }

    /// The first four lanes, little-endian: the 256-bit digest.
    func digest() -> Bytes32 {
        var bytes = [UInt8](repeating: 0, count: 32)
        bytes.withUnsafeMutableBytes { out in
            out.storeBytes(of: a0.littleEndian, toByteOffset: 0, as: UInt64.self)
            out.storeBytes(of: a1.littleEndian, toByteOffset: 8, as: UInt64.self)
            out.storeBytes(of: a2.littleEndian, toByteOffset: 16, as: UInt64.self)
            out.storeBytes(of: a3.littleEndian, toByteOffset: 24, as: UInt64.self)
        }
        return Bytes32(unchecked: bytes)
    }

    /// Keccak-f[1600]: 24 rounds of θ, ρ and π (fused), χ and ι, each round written
    /// out lane by lane as in XKCP's compact reference implementation.
    @inline(__always)
    mutating func permute() {
        for round in 0..<24 {
            let c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20
            let c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21
            let c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22
            let c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23
            let c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24
            let d0 = c4 ^ rotate(c1, 1)
            let d1 = c0 ^ rotate(c2, 1)
            let d2 = c1 ^ rotate(c3, 1)
            let d3 = c2 ^ rotate(c4, 1)
            let d4 = c3 ^ rotate(c0, 1)

            let b0 = a0 ^ d0
            let b1 = rotate(a6 ^ d1, 44)
            let b2 = rotate(a12 ^ d2, 43)
            let b3 = rotate(a18 ^ d3, 21)
            let b4 = rotate(a24 ^ d4, 14)
            let b5 = rotate(a3 ^ d3, 28)
            let b6 = rotate(a9 ^ d4, 20)
            let b7 = rotate(a10 ^ d0, 3)
            let b8 = rotate(a16 ^ d1, 45)
            let b9 = rotate(a22 ^ d2, 61)
            let b10 = rotate(a1 ^ d1, 1)
            let b11 = rotate(a7 ^ d2, 6)
            let b12 = rotate(a13 ^ d3, 25)
            let b13 = rotate(a19 ^ d4, 8)
            let b14 = rotate(a20 ^ d0, 18)
            let b15 = rotate(a4 ^ d4, 27)
            let b16 = rotate(a5 ^ d0, 36)
            let b17 = rotate(a11 ^ d1, 10)
            let b18 = rotate(a17 ^ d2, 15)
            let b19 = rotate(a23 ^ d3, 56)
            let b20 = rotate(a2 ^ d2, 62)
            let b21 = rotate(a8 ^ d3, 55)
            let b22 = rotate(a14 ^ d4, 39)
            let b23 = rotate(a15 ^ d0, 41)
            let b24 = rotate(a21 ^ d1, 2)

            a0 = b0 ^ (~b1 & b2) ^ keccakRoundConstant(round)
            a1 = b1 ^ (~b2 & b3)
            a2 = b2 ^ (~b3 & b4)
            a3 = b3 ^ (~b4 & b0)
            a4 = b4 ^ (~b0 & b1)
            a5 = b5 ^ (~b6 & b7)
            a6 = b6 ^ (~b7 & b8)
            a7 = b7 ^ (~b8 & b9)
            a8 = b8 ^ (~b9 & b5)
            a9 = b9 ^ (~b5 & b6)
            a10 = b10 ^ (~b11 & b12)
            a11 = b11 ^ (~b12 & b13)
            a12 = b12 ^ (~b13 & b14)
            a13 = b13 ^ (~b14 & b10)
            a14 = b14 ^ (~b10 & b11)
            a15 = b15 ^ (~b16 & b17)
            a16 = b16 ^ (~b17 & b18)
            a17 = b17 ^ (~b18 & b19)
            a18 = b18 ^ (~b19 & b15)
            a19 = b19 ^ (~b15 & b16)
            a20 = b20 ^ (~b21 & b22)
            a21 = b21 ^ (~b22 & b23)
            a22 = b22 ^ (~b23 & b24)
            a23 = b23 ^ (~b24 & b20)
            a24 = b24 ^ (~b20 & b21)
        }
    }
}

@inline(__always)
private func rotate(_ lane: UInt64, _ count: UInt64) -> UInt64 {
    (lane &<< count) | (lane &>> (64 &- count))
}

/// The ι step constants, as a switch so no global array (and its lazy-initialisation
/// check) sits in the round loop; the optimiser turns it into a table lookup.
@inline(__always)
private func keccakRoundConstant(_ round: Int) -> UInt64 {
    switch round {
    case 0: 0x0000_0000_0000_0001
    case 1: 0x0000_0000_0000_8082
    case 2: 0x8000_0000_0000_808A
    case 3: 0x8000_0000_8000_8000
    case 4: 0x0000_0000_0000_808B
    case 5: 0x0000_0000_8000_0001
    case 6: 0x8000_0000_8000_8081
    case 7: 0x8000_0000_0000_8009
    case 8: 0x0000_0000_0000_008A
    case 9: 0x0000_0000_0000_0088
    case 10: 0x0000_0000_8000_8009
    case 11: 0x0000_0000_8000_000A
    case 12: 0x0000_0000_8000_808B
    case 13: 0x8000_0000_0000_008B
    case 14: 0x8000_0000_0000_8089
    case 15: 0x8000_0000_0000_8003
    case 16: 0x8000_0000_0000_8002
    case 17: 0x8000_0000_0000_0080
    case 18: 0x0000_0000_0000_800A
    case 19: 0x8000_0000_8000_000A
    case 20: 0x8000_0000_8000_8081
    case 21: 0x8000_0000_0000_8080
    case 22: 0x0000_0000_8000_0001
    default: 0x8000_0000_8000_8008
    }
}

extension UnsafeRawPointer {
    @inline(__always)
    fileprivate func lane(_ index: Int) -> UInt64 {
        UInt64(littleEndian: loadUnaligned(fromByteOffset: index &* 8, as: UInt64.self))
    }
}
