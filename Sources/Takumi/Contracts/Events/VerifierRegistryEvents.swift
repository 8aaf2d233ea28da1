import Ethereum

extension TakumiEvent {
    /// `VerifierRegistry.VerifierRegistered`: an operator accredited a verifier (active from now on).
    ///
    /// ```swift
    /// TakumiEvent.VerifierRegistered(account: verifier, operator: operatorKey, name: "Kenji Sato",
    ///                                organisation: "JSCE", specialisations: ["civil", "structural"])
    /// ```
    public struct VerifierRegistered: ContractEvent {
        public static let abi = VerifierRegistryABI.verifierRegistered
        public var account: Address
        public var `operator`: Address
        public var name: String
        public var organisation: String
        public var specialisations: [String]

        public init(account: Address, operator: Address, name: String, organisation: String, specialisations: [String]) {
            self.account = account
            self.operator = `operator`
            self.name = name
            self.organisation = organisation
            self.specialisations = specialisations
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            account = try fields.address()
            self.operator = try fields.address()
            name = try fields.string()
            organisation = try fields.string()
            specialisations = try fields.strings()
        }

        public var abiValues: [ABIValue] {
            [.address(account), .address(self.operator), .string(name), .string(organisation), .array(specialisations.map(ABIValue.string))]
        }
    }

    /// `VerifierRegistry.VerifierUpdated`: a verifier's details, as they now are.
    ///
    /// ```swift
    /// TakumiEvent.VerifierUpdated(account: verifier, operator: operatorKey, name: "Kenji Sato",
    ///                             organisation: "JSCE", specialisations: [])
    /// ```
    public struct VerifierUpdated: ContractEvent {
        public static let abi = VerifierRegistryABI.verifierUpdated
        public var account: Address
        public var `operator`: Address
        public var name: String
        public var organisation: String
        public var specialisations: [String]

        public init(account: Address, operator: Address, name: String, organisation: String, specialisations: [String]) {
            self.account = account
            self.operator = `operator`
            self.name = name
            self.organisation = organisation
            self.specialisations = specialisations
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            account = try fields.address()
            self.operator = try fields.address()
            name = try fields.string()
            organisation = try fields.string()
            specialisations = try fields.strings()
        }

        public var abiValues: [ABIValue] {
            [.address(account), .address(self.operator), .string(name), .string(organisation), .array(specialisations.map(ABIValue.string))]
        }
    }

    /// `VerifierRegistry.VerifierSuspended`: the verifier may neither be assigned nor decide claims.
    ///
    /// ```swift
    /// TakumiEvent.VerifierSuspended(account: verifier, operator: operatorKey, reason: "licence expired")
    /// ```
    public struct VerifierSuspended: ContractEvent {
        public static let abi = VerifierRegistryABI.verifierSuspended
        public var account: Address
        public var `operator`: Address
        public var reason: String

        public init(account: Address, operator: Address, reason: String) {
            self.account = account
            self.operator = `operator`
            self.reason = reason
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            account = try fields.address()
            self.operator = try fields.address()
            reason = try fields.string()
        }

        public var abiValues: [ABIValue] { [.address(account), .address(self.operator), .string(reason)] }
    }

    /// `VerifierRegistry.VerifierReactivated`: a suspended verifier is active again.
    ///
    /// ```swift
    /// TakumiEvent.VerifierReactivated(account: verifier, operator: operatorKey)
    /// ```
    public struct VerifierReactivated: ContractEvent {
        public static let abi = VerifierRegistryABI.verifierReactivated
        public var account: Address
        public var `operator`: Address

        public init(account: Address, operator: Address) {
            self.account = account
            self.operator = `operator`
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            account = try fields.address()
            self.operator = try fields.address()
        }

        public var abiValues: [ABIValue] { [.address(account), .address(self.operator)] }
    }
}
