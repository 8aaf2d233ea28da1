import BigInt

/// Why a call reverted, decoded from its revert data: nothing, `Error(string)`,
/// `Panic(uint256)`, one of the caller's custom errors, or an unknown selector.
///
/// ```swift
/// switch try RevertReason(decoding: data, customErrors: [notVerifier]) {
/// case .error(let message): print(message)              // require(…, "message") / assert
/// case .panic(let code): print(RevertReason.panicMeaning(code) ?? "unknown panic")
/// case .custom(let error, let values): print(error.name, values)
/// case .empty, .unrecognized: break
/// }
/// ```
public enum RevertReason: Hashable, Sendable, CustomStringConvertible {
    /// No revert data (a bare `revert()` or an out-of-gas failure).
    case empty
    /// `Error(string)`, what `require(cond, "message")` and Vyper's `assert … , "message"` produce.
    case error(String)
    /// `Panic(uint256)`, Solidity's checked failures; see ``panicMeaning(_:)``.
    case panic(BigUInt)
    /// A custom error from the list given, with its decoded values.
    case custom(ABICustomError, [ABIValue])
    /// A selector that matches none of the known errors.
    case unrecognized(selector: [UInt8], data: [UInt8])

    /// The selector of `Error(string)`: 0x08c379a0.
    public static let errorSelector: [UInt8] = [0x08, 0xC3, 0x79, 0xA0]
    /// The selector of `Panic(uint256)`: 0x4e487b71.
    public static let panicSelector: [UInt8] = [0x4E, 0x48, 0x7B, 0x71]

    /// Decodes `data`. Known selectors with malformed payloads throw, and so does
    /// non-empty data shorter than a selector.
    public init(decoding data: [UInt8], customErrors: [ABICustomError] = []) throws(ABIError) {
        guard !data.isEmpty else {
            self = .empty
            return
        }
        guard data.count >= 4 else { throw .truncated(position: 0, needed: 4, available: data.count) }
        let selector = Array(data.prefix(4))
        let payload = Array(data.dropFirst(4))
        if selector == Self.errorSelector {
            guard case .string(let message) = try ABI.decode(payload, as: [.string])[0] else {
                throw .valueMismatch(type: "string", value: "non-string")
            }
            self = .error(message)
        } else if selector == Self.panicSelector {
            guard case .uint(let code) = try ABI.decode(payload, as: [.uint256])[0] else {
                throw .valueMismatch(type: "uint256", value: "non-integer")
            }
            self = .panic(code)
        } else if let custom = customErrors.first(where: { $0.selector == selector }) {
            self = .custom(custom, try custom.decode(data))
        } else {
            self = .unrecognized(selector: selector, data: payload)
        }
    }

    /// What a Solidity panic code means, or nil for an unassigned code.
    public static func panicMeaning(_ code: BigUInt) -> String? {
        switch code {
        case 0x00: "generic compiler-inserted panic"
        case 0x01: "assertion failed"
        case 0x11: "arithmetic overflow or underflow"
        case 0x12: "division or modulo by zero"
        case 0x21: "conversion to an enum out of range"
        case 0x22: "incorrectly encoded storage byte array"
        case 0x31: "pop() on an empty array"
        case 0x32: "array index out of bounds"
        case 0x41: "too much memory allocated or array too large"
        case 0x51: "call to a zero-initialized internal function"
        default: nil
        }
    }

    /// A one-line rendering for logs and CLI output.
    public var description: String {
        switch self {
        case .empty: "reverted without data"
        case .error(let message): "reverted: \(message)"
        case .panic(let code): "panic 0x\(String(code, radix: 16)): \(Self.panicMeaning(code) ?? "unknown panic code")"
        case .custom(let error, let values): "reverted with \(error.name)(\(values.map { "\($0)" }.joined(separator: ", ")))"
        case .unrecognized(let selector, _): "reverted with unknown error \(Hex.encode(selector))"
        }
    }
}
