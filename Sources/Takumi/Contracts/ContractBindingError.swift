import Ethereum

/// Why a Takumi contract log, return value or call could not be turned into (or
/// made from) its typed Swift value. Every case names the event or function and,
/// where it applies, the field, so an operator can find the offending log.
///
/// ```swift
/// do { _ = try TakumiEvent.decode(topics: log.topics, data: log.data) }
/// catch { print(error) } // "SkillAdded log does not decode: ABI data truncated: …"
/// ```
public enum ContractBindingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A log whose topic0 is a known event but whose topics or data do not decode as it.
    case malformedLog(event: String, ABIError)
    /// Return data of `function` that does not decode as its outputs.
    case malformedOutput(function: String, ABIError)
    /// Arguments that do not encode as `function`'s inputs.
    case encodingFailed(function: String, ABIError)
    /// An integer that does not fit its Swift type (an id above `UInt64.max`).
    case valueOutOfRange(context: String, field: String, value: String)
    /// A decoded value of another kind than the binding expects (a binding/ABI mismatch).
    case unexpectedValue(context: String, field: String, expected: String)
    /// A claim status code outside the contract's 1…6.
    case unknownClaimStatus(claimID: UInt64, code: UInt8)
    /// A view returned the zero struct: no entity with that id or address exists.
    case notFound(function: String)

    public var description: String {
        switch self {
        case let .malformedLog(event, error): "\(event) log does not decode: \(error)"
        case let .malformedOutput(function, error): "\(function) return data does not decode: \(error)"
        case let .encodingFailed(function, error): "\(function) arguments do not encode: \(error)"
        case let .valueOutOfRange(context, field, value): "\(context).\(field) = \(value) does not fit a 64-bit integer"
        case let .unexpectedValue(context, field, expected): "\(context).\(field) is not \(expected)"
        case let .unknownClaimStatus(claimID, code): "claim \(claimID) has unknown status code \(code) (expected 1-6)"
        case let .notFound(function): "\(function) returned the zero struct: not found"
        }
    }
}
