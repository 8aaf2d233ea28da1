import BigInt

/// A transaction with its signature: the raw bytes for `eth_sendRawTransaction`, the
/// transaction hash, and the sender recovered from the signature.
///
/// ``init(decoding:)`` reads raw legacy (RLP list) and EIP-1559 (0x02 ‖ RLP)
/// transactions strictly: canonical RLP, canonical integers, exact field counts.
///
/// ```swift
/// let signed = try SignedTransaction(decoding: Hex.decode("0xf86c098504a817c800…"))
/// signed.hash      // keccak256 of the raw bytes
/// try signed.sender()
/// ```
public struct SignedTransaction: Hashable, Sendable {
    public let transaction: Transaction
    public let signature: Signature

    public init(transaction: Transaction, signature: Signature) {
        self.transaction = transaction
        self.signature = signature
    }

    /// The v value a legacy encoding carries: 27/28, or 35 + 2·chainID + recovery id.
    public var legacyV: BigUInt {
        let recovery = BigUInt(signature.recoveryID)
        guard case .legacy(let legacy) = transaction, let chainID = legacy.chainID else { return 27 + recovery }
        return 35 + 2 * BigUInt(chainID) + recovery
    }

    /// The bytes a node accepts in `eth_sendRawTransaction`.
    public var rawEncoding: [UInt8] {
        let r = RLPItem(BigUInt(bigEndian: signature.r.bytes))
        let s = RLPItem(BigUInt(bigEndian: signature.s.bytes))
        switch transaction {
        case .legacy(let legacy):
            return RLP.encode(.list(legacy.fields + [RLPItem(legacyV), r, s]))
        case .eip1559(let dynamicFee):
            let parity = RLPItem(UInt64(signature.recoveryID))
            return [EIP1559Transaction.typeByte] + RLP.encode(.list(dynamicFee.fields + [parity, r, s]))
        }
    }

    /// The transaction hash: keccak256 of ``rawEncoding``.
    public var hash: Bytes32 { Keccak256.hash(rawEncoding) }

    /// The account that signed; high-s signatures are refused.
    public func sender() throws(SignatureError) -> Address {
        try signature.recoverAddress(from: transaction.signingHash)
    }

    /// Decodes a raw signed transaction of type 0 (legacy) or 2 (EIP-1559).
    public init<Bytes: Collection<UInt8>>(decoding raw: Bytes) throws(TransactionError) {
        let raw = Array(raw)
        guard let first = raw.first else { throw .empty }
        if first >= 0xC0 {
            self = try Self.decodeLegacy(raw)
        } else if first == EIP1559Transaction.typeByte {
            self = try Self.decodeEIP1559(Array(raw.dropFirst()))
        } else {
            throw .unsupportedType(first)
        }
    }

    private static func decodeLegacy(_ raw: [UInt8]) throws(TransactionError) -> SignedTransaction {
        let fields = try TransactionFields(raw, count: 9)
        var legacy = LegacyTransaction(
            nonce: try fields.uint64(0, "nonce"), gasPrice: try fields.integer(1, "gasPrice"),
            gasLimit: try fields.uint64(2, "gasLimit"), to: try fields.recipient(3),
            value: try fields.integer(4, "value"), data: try fields.bytes(5, "data"), chainID: nil
        )
        let v = try fields.integer(6, "v")
        let recoveryID: UInt8
        if v == 27 || v == 28 {
            recoveryID = UInt8(v - 27)
        } else if v >= 35 {
            guard let id = UInt64(exactly: (v - 35) / 2) else { throw .fieldOutOfRange("v") }
            legacy.chainID = id
            recoveryID = UInt8((v - 35) % 2)
        } else {
            throw .invalidV(String(v))
        }
        let signature = try fields.signature(r: 7, s: 8, recoveryID: recoveryID)
        return SignedTransaction(transaction: .legacy(legacy), signature: signature)
    }

    private static func decodeEIP1559(_ payload: [UInt8]) throws(TransactionError) -> SignedTransaction {
        let fields = try TransactionFields(payload, count: 12)
        let transaction = EIP1559Transaction(
            chainID: try fields.uint64(0, "chainId"), nonce: try fields.uint64(1, "nonce"),
            maxPriorityFeePerGas: try fields.integer(2, "maxPriorityFeePerGas"),
            maxFeePerGas: try fields.integer(3, "maxFeePerGas"), gasLimit: try fields.uint64(4, "gasLimit"),
            to: try fields.recipient(5), value: try fields.integer(6, "value"), data: try fields.bytes(7, "data"),
            accessList: try fields.accessList(8)
        )
        let parity = try fields.integer(9, "yParity")
        guard parity <= 1 else { throw .invalidV(String(parity)) }
        let signature = try fields.signature(r: 10, s: 11, recoveryID: UInt8(parity))
        return SignedTransaction(transaction: .eip1559(transaction), signature: signature)
    }
}

/// The decoded top-level list of a raw transaction, read field by field with the
/// field's name in any error.
private struct TransactionFields {
    let items: [RLPItem]

    init(_ encoded: [UInt8], count: Int) throws(TransactionError) {
        let item: RLPItem
        do {
            item = try RLP.decode(encoded)
        } catch {
            throw .rlp(error)
        }
        guard let items = item.items else { throw .rlp(.expectedList) }
        guard items.count == count else { throw .wrongFieldCount(expected: count, actual: items.count) }
        self.items = items
    }

    func bytes(_ index: Int, _ name: String) throws(TransactionError) -> [UInt8] {
        guard let bytes = items[index].byteString else { throw .invalidField(name) }
        return bytes
    }

    func integer(_ index: Int, _ name: String) throws(TransactionError) -> BigUInt {
        let bytes = try bytes(index, name)
        guard bytes.first != 0 else { throw .invalidField(name) }
        guard bytes.count <= 32 else { throw .fieldOutOfRange(name) }
        return BigUInt(bigEndian: bytes)
    }

    func uint64(_ index: Int, _ name: String) throws(TransactionError) -> UInt64 {
        guard let value = UInt64(exactly: try integer(index, name)) else { throw .fieldOutOfRange(name) }
        return value
    }

    func recipient(_ index: Int) throws(TransactionError) -> Address? {
        let bytes = try bytes(index, "to")
        if bytes.isEmpty { return nil }
        guard bytes.count == 20 else { throw .invalidField("to") }
        return Address(unchecked: bytes)
    }

    func signature(r: Int, s: Int, recoveryID: UInt8) throws(TransactionError) -> Signature {
        guard let rBytes = try integer(r, "r").bigEndianBytes(count: 32),
              let sBytes = try integer(s, "s").bigEndianBytes(count: 32) else {
            throw .fieldOutOfRange("signature")
        }
        return Signature(unchecked: rBytes, s: sBytes, recoveryID: recoveryID)
    }

    func accessList(_ index: Int) throws(TransactionError) -> [AccessListEntry] {
        guard let entries = items[index].items else { throw .invalidField("accessList") }
        var result: [AccessListEntry] = []
        for entry in entries {
            guard let pair = entry.items, pair.count == 2,
                  let address = pair[0].byteString, address.count == 20,
                  let keys = pair[1].items else {
                throw .invalidField("accessList")
            }
            var storageKeys: [Bytes32] = []
            for key in keys {
                guard let bytes = key.byteString, bytes.count == 32 else { throw .invalidField("accessList") }
                storageKeys.append(Bytes32(unchecked: bytes))
            }
            result.append(AccessListEntry(address: Address(unchecked: address), storageKeys: storageKeys))
        }
        return result
    }
}

/// Why raw bytes are not a transaction this module reads.
///
/// ```swift
/// try SignedTransaction(decoding: [0x01, 0xC0]) // throws .unsupportedType(0x01)
/// ```
public enum TransactionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No bytes at all.
    case empty
    /// A typed transaction other than type 2 (EIP-2930, blob and set-code transactions are not supported).
    case unsupportedType(UInt8)
    /// The payload is not canonical RLP.
    case rlp(RLPError)
    /// The top-level list has the wrong number of fields.
    case wrongFieldCount(expected: Int, actual: Int)
    /// A field has the wrong shape (a list for bytes, a leading zero, a 19-byte address…).
    case invalidField(String)
    /// A field's value is larger than its type allows.
    case fieldOutOfRange(String)
    /// The signature's v (or yParity) is not allowed.
    case invalidV(String)

    public var description: String {
        switch self {
        case .empty: "transaction bytes are empty"
        case .unsupportedType(let type): "transaction type 0x\(String(type, radix: 16)) is not supported"
        case .rlp(let error): "transaction is not canonical RLP: \(error)"
        case .wrongFieldCount(let expected, let actual): "transaction has \(actual) fields, expected \(expected)"
        case .invalidField(let name): "transaction field \(name) is malformed"
        case .fieldOutOfRange(let name): "transaction field \(name) is out of range"
        case .invalidV(let value): "transaction signature v = \(value) is not allowed"
        }
    }
}
