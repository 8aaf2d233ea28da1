import Foundation
import TestSupport

/// A reproducible random number generator (SplitMix64) for the differential tests.
///
/// The run's seed comes from `TAKUMI_DIFF_SEED` or is drawn at random and printed;
/// each test mixes in its own name so one test can be re-run alone with the same cases.
struct SeededGenerator: RandomNumberGenerator {
    private var source: SplitMix64

    static let runSeed: UInt64 = {
        if let text = ProcessInfo.processInfo.environment["TAKUMI_DIFF_SEED"], let seed = UInt64(text) {
            return seed
        }
        return UInt64.random(in: .min ... .max)
    }()

    init(seed: UInt64) {
        source = SplitMix64(seed: seed)
    }

    /// A generator for the test named `label`, derived from the run seed (printed).
    init(for label: String) {
        var seed = Self.runSeed
        for byte in label.utf8 { seed = (seed ^ UInt64(byte)) &* 0x100_0000_01B3 }
        print("differential seed for \(label): TAKUMI_DIFF_SEED=\(Self.runSeed)")
        self.init(seed: seed)
    }

    mutating func next() -> UInt64 { source.next() }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &self) }
    }

    /// A length skewed towards small values and the edges tests care about.
    mutating func length(upTo maximum: Int, edges: [Int] = []) -> Int {
        if !edges.isEmpty, Bool.random(using: &self), Int.random(in: 0..<3, using: &self) == 0 {
            return edges.randomElement(using: &self) ?? 0
        }
        return Int.random(in: 0...maximum, using: &self) >> Int.random(in: 0...3, using: &self)
    }
}
