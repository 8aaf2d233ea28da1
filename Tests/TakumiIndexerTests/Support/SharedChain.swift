import Foundation
import Testing
import TestSupport

/// One dev chain for a whole `.serialized` suite (seeding takes 30–60 s, so
/// tests share it): started before the suite's first test, stopped after its
/// last. Each test runs inside ``withSnapshot(_:)``, which reverts whatever
/// the test did to the chain.
///
/// ```swift
/// @Suite(.serialized, .sharedChain(seed: true, network: "sepolia"))
/// struct SeededChainTests {
///     @Test func something() async throws {
///         try await SharedChain.withSnapshot { chain in … }
///     }
/// }
/// ```
struct SharedChain: SuiteTrait, TestScoping {
    let seed: Bool
    let network: String

    @TaskLocal static var current: TestChain?

    var isRecursive: Bool { false }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await TestChain.with(deploy: true, seed: seed, network: network) { chain in
            try await Self.$current.withValue(chain) { try await function() }
        }
    }

    /// Runs `body` with the suite's chain, reverting the chain afterwards (also on failure).
    static func withSnapshot<T: Sendable>(_ body: (TestChain) async throws -> T) async throws -> T {
        let chain = try #require(current, "no shared chain: the suite needs the .sharedChain trait")
        let snapshot = try await chain.snapshot()
        do {
            let result = try await body(chain)
            try await chain.revert(to: snapshot)
            return result
        } catch {
            _ = try? await chain.revert(to: snapshot)
            throw error
        }
    }
}

extension Trait where Self == SharedChain {
    static func sharedChain(seed: Bool, network: String) -> SharedChain {
        SharedChain(seed: seed, network: network)
    }
}
