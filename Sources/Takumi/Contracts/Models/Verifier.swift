import Ethereum

/// An accredited verifier, as `VerifierRegistry.getVerifier` returns it. Only
/// active verifiers may be assigned claims or decide them.
///
/// ```swift
/// let verifier = try Verifier(decoding: getVerifierReturnData)
/// print(verifier.name, verifier.specialisations.joined(separator: ", "))
/// ```
public struct Verifier: Sendable, Hashable {
    public var account: Address
    public var name: String
    public var organisation: String
    public var specialisations: [String]
    public var active: Bool
    public var registeredAt: UInt64
    public var updatedAt: UInt64

    public init(
        account: Address, name: String, organisation: String, specialisations: [String],
        active: Bool, registeredAt: UInt64, updatedAt: UInt64
    ) {
        self.account = account
        self.name = name
        self.organisation = organisation
        self.specialisations = specialisations
        self.active = active
        self.registeredAt = registeredAt
        self.updatedAt = updatedAt
    }

    /// The verifier in `getVerifier`'s return data; ``ContractBindingError/notFound(function:)`` for the zero struct.
    public init(decoding returnData: [UInt8]) throws(ContractBindingError) {
        guard let verifier = try VerifierRegistryCalls.getVerifier(.zero).decodeOutput(returnData) else {
            throw .notFound(function: VerifierRegistryABI.getVerifier.name)
        }
        self = verifier
    }

    /// The `struct Verifier` tuple next in `output`; `nil` when the account is zero (not registered).
    static func read(from output: inout ABIFields) throws(ContractBindingError) -> Verifier? {
        var fields = try output.tuple(VerifierRegistryABI.verifierFields, context: "Verifier")
        let verifier = Verifier(
            account: try fields.address(), name: try fields.string(), organisation: try fields.string(),
            specialisations: try fields.strings(), active: try fields.bool(),
            registeredAt: try fields.uint64(), updatedAt: try fields.uint64()
        )
        return verifier.account == .zero ? nil : verifier
    }
}
