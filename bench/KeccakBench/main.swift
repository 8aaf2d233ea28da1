// Keccak-256 throughput against swift-crypto's SHA3-256 on the same input: 64 MiB
// hashed in 1 MiB chunks, best of 5 rounds each. Run in release: `make bench`.
import Crypto
import Ethereum
import Foundation

let chunkSize = 1 << 20
let chunkCount = 64
let rounds = 5

var generator = SystemRandomNumberGenerator()
let chunk = (0..<chunkSize).map { _ in UInt8.random(in: .min ... .max, using: &generator) }

/// Best throughput in MiB/s over `rounds` runs of `body` on every chunk.
func bestThroughput(_ body: ([UInt8]) -> UInt8) -> Double {
    var best = Double.infinity
    var sink: UInt8 = 0
    for _ in 0..<rounds {
        let start = ContinuousClock.now
        for _ in 0..<chunkCount { sink ^= body(chunk) }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        best = min(best, seconds)
    }
    // Keep the digests observable so the optimiser cannot drop the work.
    if sink == 0x42 { print("", terminator: "") }
    return Double(chunkCount) / best
}

let keccak = bestThroughput { Keccak256.hash($0).bytes[0] }
let sha3 = bestThroughput { bytes in
    var first: UInt8 = 0
    SHA3_256.hash(data: bytes).withUnsafeBytes { first = $0[0] }
    return first
}
let ratio = keccak / sha3
print(
    "keccak256: \(String(format: "%.1f", keccak)) MiB/s, SHA3-256: \(String(format: "%.1f", sha3)) MiB/s, "
        + "ratio: \(String(format: "%.2f", ratio)) (target >= 0.5)"
)
exit(ratio >= 0.5 ? 0 : 1)
