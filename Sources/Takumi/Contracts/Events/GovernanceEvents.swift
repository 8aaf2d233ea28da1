import Ethereum

extension TakumiEvent {
    /// `RoleGranted` (every upgradeable contract): `account` now holds `role`; `sender` granted it.
    ///
    /// ```swift
    /// TakumiEvent.RoleGranted(role: TakumiRole.pauser.id, account: guardian, sender: multisig)
    /// ```
    public struct RoleGranted: ContractEvent {
        public static let abi = GovernanceABI.roleGranted
        public var role: Bytes32
        public var account: Address
        public var sender: Address

        public init(role: Bytes32, account: Address, sender: Address) {
            self.role = role
            self.account = account
            self.sender = sender
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            role = try fields.bytes32()
            account = try fields.address()
            sender = try fields.address()
        }

        public var abiValues: [ABIValue] { [.fixedBytes(role), .address(account), .address(sender)] }
    }

    /// `RoleRevoked` (every upgradeable contract): `account` no longer holds `role`.
    ///
    /// ```swift
    /// TakumiEvent.RoleRevoked(role: TakumiRole.operator.id, account: leakedKey, sender: multisig)
    /// ```
    public struct RoleRevoked: ContractEvent {
        public static let abi = GovernanceABI.roleRevoked
        public var role: Bytes32
        public var account: Address
        public var sender: Address

        public init(role: Bytes32, account: Address, sender: Address) {
            self.role = role
            self.account = account
            self.sender = sender
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            role = try fields.bytes32()
            account = try fields.address()
            sender = try fields.address()
        }

        public var abiValues: [ABIValue] { [.fixedBytes(role), .address(account), .address(sender)] }
    }

    /// `RoleAdminChanged` (every upgradeable contract): holders of `newAdminRole` now administer `role`.
    ///
    /// ```swift
    /// TakumiEvent.RoleAdminChanged(role: TakumiRole.operator.id, previousAdminRole: .zero, newAdminRole: .zero)
    /// ```
    public struct RoleAdminChanged: ContractEvent {
        public static let abi = GovernanceABI.roleAdminChanged
        public var role: Bytes32
        public var previousAdminRole: Bytes32
        public var newAdminRole: Bytes32

        public init(role: Bytes32, previousAdminRole: Bytes32, newAdminRole: Bytes32) {
            self.role = role
            self.previousAdminRole = previousAdminRole
            self.newAdminRole = newAdminRole
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            role = try fields.bytes32()
            previousAdminRole = try fields.bytes32()
            newAdminRole = try fields.bytes32()
        }

        public var abiValues: [ABIValue] { [.fixedBytes(role), .fixedBytes(previousAdminRole), .fixedBytes(newAdminRole)] }
    }

    /// `Upgraded` (proxies, at deployment and on every UUPS upgrade): the proxy now runs `implementation`.
    ///
    /// ```swift
    /// TakumiEvent.Upgraded(implementation: newImplementation)
    /// ```
    public struct Upgraded: ContractEvent {
        public static let abi = GovernanceABI.upgraded
        public var implementation: Address

        public init(implementation: Address) {
            self.implementation = implementation
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            implementation = try fields.address()
        }

        public var abiValues: [ABIValue] { [.address(implementation)] }
    }

    /// `Paused` (every upgradeable contract): the emergency stop, by `account` (the guardian).
    ///
    /// ```swift
    /// TakumiEvent.Paused(account: guardian)
    /// ```
    public struct Paused: ContractEvent {
        public static let abi = GovernanceABI.paused
        public var account: Address

        public init(account: Address) {
            self.account = account
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            account = try fields.address()
        }

        public var abiValues: [ABIValue] { [.address(account)] }
    }

    /// `Unpaused` (every upgradeable contract): resumed by `account` (the multisig).
    ///
    /// ```swift
    /// TakumiEvent.Unpaused(account: multisig)
    /// ```
    public struct Unpaused: ContractEvent {
        public static let abi = GovernanceABI.unpaused
        public var account: Address

        public init(account: Address) {
            self.account = account
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            account = try fields.address()
        }

        public var abiValues: [ABIValue] { [.address(account)] }
    }

    /// `Initialized` (every upgradeable contract, once, through its proxy): OpenZeppelin's signature.
    ///
    /// ```swift
    /// TakumiEvent.Initialized(version: 1)
    /// ```
    public struct Initialized: ContractEvent {
        public static let abi = GovernanceABI.initialized
        public var version: UInt64

        public init(version: UInt64) {
            self.version = version
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            version = try fields.uint64()
        }

        public var abiValues: [ABIValue] { [.uint64(version)] }
    }
}
