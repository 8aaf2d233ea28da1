import BigInt
import Ethereum

extension TakumiEvent {
    /// `TakumiMultisig.Proposed`: an owner proposed a call (counting as their confirmation).
    ///
    /// ```swift
    /// TakumiEvent.Proposed(proposalId: 4, proposer: owner1, target: skillProfile, amount: 0, data: unpauseCalldata)
    /// ```
    public struct Proposed: ContractEvent {
        public static let abi = TakumiMultisigABI.proposed
        public var proposalId: UInt64
        public var proposer: Address
        public var target: Address
        /// Wei sent with the call.
        public var amount: BigUInt
        /// The calldata, e.g. `GovernanceCalls.unpause`'s.
        public var data: [UInt8]

        public init(proposalId: UInt64, proposer: Address, target: Address, amount: BigUInt, data: [UInt8]) {
            self.proposalId = proposalId
            self.proposer = proposer
            self.target = target
            self.amount = amount
            self.data = data
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            proposalId = try fields.uint64()
            proposer = try fields.address()
            target = try fields.address()
            amount = try fields.bigUInt()
            data = try fields.bytes()
        }

        public var abiValues: [ABIValue] { [.uint64(proposalId), .address(proposer), .address(target), .uint(amount), .bytes(data)] }
    }

    /// `TakumiMultisig.Confirmed`: an owner confirmed a proposal; `confirmations` counted now.
    ///
    /// ```swift
    /// TakumiEvent.Confirmed(proposalId: 4, owner: owner2, target: skillProfile, confirmations: 2)
    /// ```
    public struct Confirmed: ContractEvent {
        public static let abi = TakumiMultisigABI.confirmed
        public var proposalId: UInt64
        public var owner: Address
        public var target: Address
        public var confirmations: UInt64

        public init(proposalId: UInt64, owner: Address, target: Address, confirmations: UInt64) {
            self.proposalId = proposalId
            self.owner = owner
            self.target = target
            self.confirmations = confirmations
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            proposalId = try fields.uint64()
            owner = try fields.address()
            target = try fields.address()
            confirmations = try fields.uint64()
        }

        public var abiValues: [ABIValue] { [.uint64(proposalId), .address(owner), .address(target), .uint64(confirmations)] }
    }

    /// `TakumiMultisig.Revoked`: an owner withdrew their confirmation; `confirmations` left.
    ///
    /// ```swift
    /// TakumiEvent.Revoked(proposalId: 4, owner: owner2, target: skillProfile, confirmations: 1)
    /// ```
    public struct Revoked: ContractEvent {
        public static let abi = TakumiMultisigABI.revoked
        public var proposalId: UInt64
        public var owner: Address
        public var target: Address
        public var confirmations: UInt64

        public init(proposalId: UInt64, owner: Address, target: Address, confirmations: UInt64) {
            self.proposalId = proposalId
            self.owner = owner
            self.target = target
            self.confirmations = confirmations
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            proposalId = try fields.uint64()
            owner = try fields.address()
            target = try fields.address()
            confirmations = try fields.uint64()
        }

        public var abiValues: [ABIValue] { [.uint64(proposalId), .address(owner), .address(target), .uint64(confirmations)] }
    }

    /// `TakumiMultisig.Executed`: a sufficiently confirmed proposal ran.
    ///
    /// ```swift
    /// TakumiEvent.Executed(proposalId: 4, executor: owner2, target: skillProfile, proposer: owner1, amount: 0, data: calldata)
    /// ```
    public struct Executed: ContractEvent {
        public static let abi = TakumiMultisigABI.executed
        public var proposalId: UInt64
        public var executor: Address
        public var target: Address
        public var proposer: Address
        public var amount: BigUInt
        public var data: [UInt8]

        public init(proposalId: UInt64, executor: Address, target: Address, proposer: Address, amount: BigUInt, data: [UInt8]) {
            self.proposalId = proposalId
            self.executor = executor
            self.target = target
            self.proposer = proposer
            self.amount = amount
            self.data = data
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            proposalId = try fields.uint64()
            executor = try fields.address()
            target = try fields.address()
            proposer = try fields.address()
            amount = try fields.bigUInt()
            data = try fields.bytes()
        }

        public var abiValues: [ABIValue] {
            [.uint64(proposalId), .address(executor), .address(target), .address(proposer), .uint(amount), .bytes(data)]
        }
    }

    /// `TakumiMultisig.OwnerAdded` (by a proposal the multisig executed on itself, or at deployment).
    ///
    /// ```swift
    /// TakumiEvent.OwnerAdded(owner: newOwner)
    /// ```
    public struct OwnerAdded: ContractEvent {
        public static let abi = TakumiMultisigABI.ownerAdded
        public var owner: Address

        public init(owner: Address) {
            self.owner = owner
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            owner = try fields.address()
        }

        public var abiValues: [ABIValue] { [.address(owner)] }
    }

    /// `TakumiMultisig.OwnerRemoved` (by a proposal the multisig executed on itself).
    ///
    /// ```swift
    /// TakumiEvent.OwnerRemoved(owner: compromisedOwner)
    /// ```
    public struct OwnerRemoved: ContractEvent {
        public static let abi = TakumiMultisigABI.ownerRemoved
        public var owner: Address

        public init(owner: Address) {
            self.owner = owner
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            owner = try fields.address()
        }

        public var abiValues: [ABIValue] { [.address(owner)] }
    }

    /// `TakumiMultisig.ThresholdChanged`: confirmations now needed to execute.
    ///
    /// ```swift
    /// TakumiEvent.ThresholdChanged(threshold: 2)
    /// ```
    public struct ThresholdChanged: ContractEvent {
        public static let abi = TakumiMultisigABI.thresholdChanged
        public var threshold: UInt64

        public init(threshold: UInt64) {
            self.threshold = threshold
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            threshold = try fields.uint64()
        }

        public var abiValues: [ABIValue] { [.uint64(threshold)] }
    }

    /// `TakumiMultisig.Deposited`: ether sent to the multisig.
    ///
    /// ```swift
    /// TakumiEvent.Deposited(sender: funder, amount: 1_000_000_000_000_000_000)
    /// ```
    public struct Deposited: ContractEvent {
        public static let abi = TakumiMultisigABI.deposited
        public var sender: Address
        public var amount: BigUInt

        public init(sender: Address, amount: BigUInt) {
            self.sender = sender
            self.amount = amount
        }

        public init(abiValues: [ABIValue]) throws(ContractBindingError) {
            var fields = Self.fields(abiValues)
            sender = try fields.address()
            amount = try fields.bigUInt()
        }

        public var abiValues: [ABIValue] { [.address(sender), .uint(amount)] }
    }
}
