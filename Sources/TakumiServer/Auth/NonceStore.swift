import Ethereum
import Foundation
import Synchronization

/// The nonces of Sign-In with Ethereum: each issued for a while, and
/// accepted once. ``RedisNonceStore`` shares them between API processes
/// (`REDIS_URL`); ``InMemoryNonceStore`` serves a single process.
///
/// ```swift
/// let nonce = try await nonces.issue(ttl: .seconds(300))   // the wallet signs a message with it
/// try await nonces.consume(nonce)                          // true once, then false
/// ```
public protocol NonceStore: Sendable {
    /// A fresh nonce (EIP-4361: at least 8 letters or digits), valid for `ttl`.
    func issue(ttl: Duration) async throws -> String
    /// True exactly once per issued, unexpired nonce; false for unknown, expired or used ones.
    func consume(_ nonce: String) async throws -> Bool
    /// Whether `nonce` was consumed and its lifetime has not yet ended, so a
    /// refused sign-in can be reported as a replay rather than an unknown
    /// nonce. Only informative; stores that cannot tell answer false.
    func wasConsumed(_ nonce: String) async throws -> Bool
}

extension NonceStore {
    public func wasConsumed(_ nonce: String) async throws -> Bool { false }
}

public enum NonceStoreError: Error, Sendable, CustomStringConvertible {
    /// Too many unexpired nonces: someone is asking for them faster than wallets sign.
    case full(capacity: Int)
    /// The shared store (Redis) did not answer: no nonce can be issued or
    /// checked until it does. The reason never holds credentials.
    case unavailable(String)

    public var description: String {
        switch self {
        case let .full(capacity): "\(capacity) sign-in nonces are outstanding; try again shortly"
        case let .unavailable(reason): "the sign-in nonce store does not answer (\(reason))"
        }
    }
}

/// Nonces in this process's memory. Expired entries are swept at most every
/// few seconds while nonces are issued, and the number outstanding is capped
/// so anonymous `GET /auth/nonce` calls cannot grow memory without bound.
public final class InMemoryNonceStore: NonceStore {
    private struct State {
        var issued: [String: ContinuousClock.Instant] = [:]
        /// Consumed nonces until their original expiry, to tell replays from unknown nonces.
        var consumed: [String: ContinuousClock.Instant] = [:]
        var lastSweep: ContinuousClock.Instant
    }

    private let state: Mutex<State>
    private let clock = ContinuousClock()
    public let capacity: Int
    static let sweepInterval: Duration = .seconds(5)

    public init(capacity: Int = 100_000) {
        self.capacity = capacity
        state = Mutex(State(lastSweep: ContinuousClock().now))
    }

    public func issue(ttl: Duration) async throws -> String {
        let now = clock.now
        // 128 random bits as hex: letters and digits only, as EIP-4361 requires.
        let nonce = Hex.encode(Secrets.randomBytes(16), prefixed: false)
        try state.withLock { (state: inout State) throws(NonceStoreError) in
            if now - state.lastSweep >= Self.sweepInterval || state.issued.count + state.consumed.count >= capacity {
                state.issued = state.issued.filter { $0.value > now }
                state.consumed = state.consumed.filter { $0.value > now }
                state.lastSweep = now
            }
            guard state.issued.count + state.consumed.count < capacity else { throw .full(capacity: capacity) }
            state.issued[nonce] = now + ttl
        }
        return nonce
    }

    public func consume(_ nonce: String) async throws -> Bool {
        let now = clock.now
        return state.withLock { state in
            guard let expiry = state.issued.removeValue(forKey: nonce), expiry > now else { return false }
            state.consumed[nonce] = expiry
            return true
        }
    }

    public func wasConsumed(_ nonce: String) async throws -> Bool {
        let now = clock.now
        return state.withLock { state in (state.consumed[nonce]).map { $0 > now } ?? false }
    }

    /// Issued nonces not yet consumed or swept (for tests and diagnostics).
    public var outstanding: Int { state.withLock { $0.issued.count } }
}
