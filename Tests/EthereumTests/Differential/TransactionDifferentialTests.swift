import BigInt
import Ethereum
import Testing

/// Legacy (EIP-155 and unprotected) and EIP-1559 transactions against eth-account:
/// raw bytes, transaction hash, decoding and sender recovery.
/// Seeded: TAKUMI_DIFF_SEED=<n> replays a run.
@Suite("Differential: transactions", .serialized)
struct TransactionDifferentialTests {
    static let cases = 1_000

    @Test("legacy transactions: raw bytes and hash match eth-account; decode and sender round-trip")
    func legacy() async throws {
        var random = SeededGenerator(for: "tx-legacy")
        let transactions = (0..<Self.cases).map { _ in Transaction.legacy(random.legacyTransaction()) }
        try await compareWithOracle(transactions, random: &random)
        print("legacy transactions: \(transactions.count) cases agree with eth-account")
    }

    @Test("EIP-1559 transactions: raw bytes and hash match eth-account; decode and sender round-trip")
    func dynamicFee() async throws {
        var random = SeededGenerator(for: "tx-1559")
        let transactions = (0..<Self.cases).map { _ in Transaction.eip1559(random.dynamicFeeTransaction()) }
        try await compareWithOracle(transactions, random: &random)
        print("EIP-1559 transactions: \(transactions.count) cases agree with eth-account")
    }

    private func compareWithOracle(_ transactions: [Transaction], random: inout SeededGenerator) async throws {
        let oracle = try await PythonOracle.get()
        let keys = try transactions.map { _ in try random.privateKey() }
        let answers = try await oracle.callBatched(zip(transactions, keys).map { transaction, key in
            ["op": "tx_sign", "tx": transaction.json, "key": .string(Hex.encode(key.bytes))]
        })
        var recoveries: [JSON] = []
        for ((transaction, key), answer) in zip(zip(transactions, keys), answers) {
            let theirs = try answer.get()
            let signed = try transaction.signed(with: key)
            #expect(Hex.encode(signed.rawEncoding) == theirs["raw"]?.string, "\(transaction)")
            #expect(signed.hash.hex == theirs["hash"]?.string)
            let decoded = try SignedTransaction(decoding: signed.rawEncoding)
            #expect(decoded == signed)
            #expect(try decoded.sender() == key.address)
            recoveries.append(["op": "tx_recover", "raw": .string(Hex.encode(signed.rawEncoding))])
        }
        for (key, answer) in zip(keys, try await oracle.callBatched(recoveries)) {
            #expect(try answer.get().string == key.address.lowercased)
        }
    }
}

extension SeededGenerator {
    mutating func quantity(bits: Int) -> BigUInt {
        bigUInt(bits: Int.random(in: 1...bits, using: &self))
    }

    mutating func legacyTransaction() -> LegacyTransaction {
        LegacyTransaction(
            nonce: UInt64(quantity(bits: 64)), gasPrice: quantity(bits: 80), gasLimit: UInt64(quantity(bits: 40)),
            to: Int.random(in: 0..<8, using: &self) == 0 ? nil : address(), value: quantity(bits: 256),
            data: bytes(length(upTo: 200, edges: [0, 1, 55, 56])),
            chainID: Int.random(in: 0..<6, using: &self) == 0 ? nil : UInt64(quantity(bits: 40)) + 1
        )
    }

    mutating func dynamicFeeTransaction() -> EIP1559Transaction {
        let accessList = (0..<Int.random(in: 0...3, using: &self)).map { _ in
            AccessListEntry(
                address: address(),
                storageKeys: (0..<Int.random(in: 0...3, using: &self)).compactMap { _ in try? Bytes32(bytes(32)) }
            )
        }
        return EIP1559Transaction(
            chainID: UInt64(quantity(bits: 40)) + 1, nonce: UInt64(quantity(bits: 64)),
            maxPriorityFeePerGas: quantity(bits: 80), maxFeePerGas: quantity(bits: 80),
            gasLimit: UInt64(quantity(bits: 40)), to: Int.random(in: 0..<8, using: &self) == 0 ? nil : address(),
            value: quantity(bits: 256), data: bytes(length(upTo: 200, edges: [0, 1, 55, 56])), accessList: accessList
        )
    }
}

extension Transaction {
    /// The oracle's transaction dictionary.
    var json: JSON {
        switch self {
        case .legacy(let tx):
            var fields: [String: JSON] = [
                "type": 0, "nonce": .string(String(tx.nonce)), "gasPrice": .string(String(tx.gasPrice)),
                "gasLimit": .string(String(tx.gasLimit)), "value": .string(String(tx.value)),
                "data": .string(Hex.encode(tx.data)),
            ]
            if let to = tx.to { fields["to"] = .string(to.lowercased) }
            if let chainID = tx.chainID { fields["chainId"] = .string(String(chainID)) }
            return .object(fields)
        case .eip1559(let tx):
            var fields: [String: JSON] = [
                "type": 2, "chainId": .string(String(tx.chainID)), "nonce": .string(String(tx.nonce)),
                "maxPriorityFeePerGas": .string(String(tx.maxPriorityFeePerGas)),
                "maxFeePerGas": .string(String(tx.maxFeePerGas)), "gasLimit": .string(String(tx.gasLimit)),
                "value": .string(String(tx.value)), "data": .string(Hex.encode(tx.data)),
                "accessList": .array(tx.accessList.map { entry in
                    ["address": .string(entry.address.lowercased), "storageKeys": .array(entry.storageKeys.map { .string($0.hex) })]
                }),
            ]
            if let to = tx.to { fields["to"] = .string(to.lowercased) }
            return .object(fields)
        }
    }
}
