import BigInt

/// One entry of an EIP-2930 access list: a contract and the storage slots a
/// transaction declares it will touch.
///
/// ```swift
/// let entry = AccessListEntry(address: token, storageKeys: [Bytes32.zero])
/// ```
public struct AccessListEntry: Hashable, Sendable {
    public var address: Address
    public var storageKeys: [Bytes32]

    public init(address: Address, storageKeys: [Bytes32] = []) {
        self.address = address
        self.storageKeys = storageKeys
    }

    var rlp: RLPItem {
        .list([.bytes(address.bytes), .list(storageKeys.map { .bytes($0.bytes) })])
    }
}

/// A legacy (type 0) transaction, replay-protected by EIP-155 when `chainID` is set.
///
/// ```swift
/// let transfer = LegacyTransaction(
///     nonce: 9, gasPrice: 20_000_000_000, gasLimit: 21_000,
///     to: try Address("0x3535353535353535353535353535353535353535"),
///     value: BigUInt(10).power(18), chainID: 1)
/// let signed = try Transaction.legacy(transfer).signed(with: key)
/// ```
public struct LegacyTransaction: Hashable, Sendable {
    public var nonce: UInt64
    public var gasPrice: BigUInt
    public var gasLimit: UInt64
    /// The recipient, or nil to create a contract.
    public var to: Address?
    public var value: BigUInt
    public var data: [UInt8]
    /// The EIP-155 chain id; nil for a pre-EIP-155 transaction (v = 27 or 28).
    public var chainID: UInt64?

    public init(
        nonce: UInt64, gasPrice: BigUInt, gasLimit: UInt64, to: Address?,
        value: BigUInt = 0, data: [UInt8] = [], chainID: UInt64?
    ) {
        self.nonce = nonce
        self.gasPrice = gasPrice
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.chainID = chainID
    }

    var fields: [RLPItem] {
        [RLPItem(nonce), RLPItem(gasPrice), RLPItem(gasLimit), .bytes(to?.bytes ?? []), RLPItem(value), .bytes(data)]
    }

    /// keccak256(rlp([nonce, gasPrice, gasLimit, to, value, data, chainID, 0, 0])), or
    /// the six-field form without a chain id.
    public var signingHash: Bytes32 {
        var items = fields
        if let chainID { items += [RLPItem(chainID), .bytes([]), .bytes([])] }
        return Keccak256.hash(RLP.encode(.list(items)))
    }
}

/// A dynamic-fee (EIP-1559, type 2) transaction with an access list.
///
/// ```swift
/// let call = EIP1559Transaction(
///     chainID: 31337, nonce: 0, maxPriorityFeePerGas: 1_000_000_000,
///     maxFeePerGas: 30_000_000_000, gasLimit: 100_000, to: contract, data: calldata)
/// let raw = try Transaction.eip1559(call).signed(with: key).rawEncoding
/// ```
public struct EIP1559Transaction: Hashable, Sendable {
    public var chainID: UInt64
    public var nonce: UInt64
    public var maxPriorityFeePerGas: BigUInt
    public var maxFeePerGas: BigUInt
    public var gasLimit: UInt64
    /// The recipient, or nil to create a contract.
    public var to: Address?
    public var value: BigUInt
    public var data: [UInt8]
    public var accessList: [AccessListEntry]

    public init(
        chainID: UInt64, nonce: UInt64, maxPriorityFeePerGas: BigUInt, maxFeePerGas: BigUInt,
        gasLimit: UInt64, to: Address?, value: BigUInt = 0, data: [UInt8] = [], accessList: [AccessListEntry] = []
    ) {
        self.chainID = chainID
        self.nonce = nonce
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.maxFeePerGas = maxFeePerGas
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.accessList = accessList
    }

    /// The transaction type byte that prefixes the encodings.
    public static let typeByte: UInt8 = 0x02

    var fields: [RLPItem] {
        [
            RLPItem(chainID), RLPItem(nonce), RLPItem(maxPriorityFeePerGas), RLPItem(maxFeePerGas),
            RLPItem(gasLimit), .bytes(to?.bytes ?? []), RLPItem(value), .bytes(data),
            .list(accessList.map(\.rlp)),
        ]
    }

    /// keccak256(0x02 ‖ rlp([chainID, nonce, maxPriorityFeePerGas, maxFeePerGas,
    /// gasLimit, to, value, data, accessList])).
    public var signingHash: Bytes32 {
        Keccak256.hash([Self.typeByte] + RLP.encode(.list(fields)))
    }
}

/// An unsigned transaction of either supported type.
///
/// ```swift
/// let signed = try Transaction.eip1559(call).signed(with: key)
/// try signed.sender() == key.address // true
/// ```
public enum Transaction: Hashable, Sendable {
    case legacy(LegacyTransaction)
    case eip1559(EIP1559Transaction)

    /// The hash the sender signs.
    public var signingHash: Bytes32 {
        switch self {
        case .legacy(let transaction): transaction.signingHash
        case .eip1559(let transaction): transaction.signingHash
        }
    }

    /// The chain this transaction is bound to, if any.
    public var chainID: UInt64? {
        switch self {
        case .legacy(let transaction): transaction.chainID
        case .eip1559(let transaction): transaction.chainID
        }
    }

    /// Signs with `key` (deterministic, low-s).
    public func signed(with key: PrivateKey) throws(SignatureError) -> SignedTransaction {
        SignedTransaction(transaction: self, signature: try key.sign(hash: signingHash))
    }
}
