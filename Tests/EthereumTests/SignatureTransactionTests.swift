import BigInt
import Ethereum
import Testing

@Suite("secp256k1 keys and signatures")
struct SignatureTests {
    static let key = try? PrivateKey(hex: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")

    @Test("key to address (eth-account documentation key)")
    func address() throws {
        let key = try #require(Self.key)
        #expect(key.address.checksummed == "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23")
        #expect(!key.description.contains("4c0883a6"))
        #expect(try PublicKey(bytes: key.publicKey.compressed) == key.publicKey)
        #expect(try PublicKey(bytes: [0x04] + key.publicKey.uncompressed).address == key.address)
    }

    /// Signature produced by eth-account 0.13.7: `Account.sign_message(encode_defunct(text="I♥SF"), key)`.
    @Test("personal_sign of I♥SF matches eth-account and recovers")
    func personalSign() throws {
        let key = try #require(Self.key)
        let message = PersonalMessage("I♥SF")
        let signature = try key.sign(message)
        #expect(signature.description == "0x87f6856afaa7684bc6ecccef96246c155da984e7889dbdda1ae59940bdab8e676cd3055bd38ac073cd5710e3040f1ed08073ca026266caeb097213d52665c4c01b")
        #expect(try message.signer(of: signature) == key.address)
    }

    @Test("v may be 0, 1, 27 or 28; anything else is refused")
    func recoveryValues() throws {
        let key = try #require(Self.key)
        let hash = Keccak256.hash(Array("hello".utf8))
        let bytes = try key.sign(hash: hash).bytes
        for v: UInt8 in [bytes[64] - 27, bytes[64]] {
            #expect(try Signature(bytes: bytes.prefix(64) + [v]).recoverAddress(from: hash) == key.address)
        }
        for v: UInt8 in [2, 26, 29, 37] {
            #expect(throws: SignatureError.invalidRecoveryValue(String(v))) { try Signature(bytes: bytes.prefix(64) + [v]) }
        }
        #expect(throws: SignatureError.wrongByteCount(expected: 65, actual: 64)) { try Signature(bytes: bytes.prefix(64)) }
    }

    @Test("high-s twins are refused on recovery (EIP-2); signing is always low-s")
    func malleability() throws {
        let key = try #require(Self.key)
        let order = try #require(BigUInt("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", radix: 16))
        for index in 0..<50 {
            let hash = Keccak256.hash(Array("message \(index)".utf8))
            let signature = try key.sign(hash: hash)
            #expect(signature.isLowS)
            let highS = try #require((order - BigUInt(bigEndian: signature.s.bytes)).bigEndianBytes(count: 32))
            let twin = try Signature(r: signature.r, s: Bytes32(highS), recoveryID: 1 - signature.recoveryID)
            #expect(!twin.isLowS)
            #expect(throws: SignatureError.highS) { try twin.recoverAddress(from: hash) }
        }
    }

    @Test("invalid private keys and r/s out of range")
    func invalidKeys() throws {
        #expect(throws: SignatureError.invalidPrivateKey) { try PrivateKey(bytes: [UInt8](repeating: 0, count: 32)) }
        #expect(throws: SignatureError.invalidPrivateKey) {
            try PrivateKey(hex: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141")
        }
        #expect(throws: SignatureError.wrongByteCount(expected: 32, actual: 31)) { try PrivateKey(bytes: [UInt8](repeating: 1, count: 31)) }
        let zero = Bytes32.zero
        let signature = try Signature(r: zero, s: try Bytes32([UInt8](repeating: 0, count: 31) + [1]), recoveryID: 0)
        #expect(throws: SignatureError.self) { try signature.recoverAddress(from: zero) }
    }
}

/// The example transaction of EIP-155 and strict raw decoding.
@Suite("Transactions")
struct TransactionTests {
    static func eip155Example() throws -> (LegacyTransaction, PrivateKey) {
        let transaction = LegacyTransaction(
            nonce: 9, gasPrice: 20_000_000_000, gasLimit: 21_000,
            to: try Address("0x3535353535353535353535353535353535353535"),
            value: BigUInt(10).power(18), chainID: 1
        )
        return (transaction, try PrivateKey(hex: "0x" + String(repeating: "46", count: 32)))
    }

    @Test("EIP-155 example: signing hash, signature, raw bytes, sender")
    func eip155() throws {
        let (transaction, key) = try Self.eip155Example()
        #expect(transaction.signingHash.hex == "0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53")
        let signed = try Transaction.legacy(transaction).signed(with: key)
        #expect(signed.legacyV == 37)
        #expect(BigUInt(bigEndian: signed.signature.r.bytes).description
            == "18515461264373351373200002665853028612451056578545711640558177340181847433846")
        #expect(BigUInt(bigEndian: signed.signature.s.bytes).description
            == "46948507304638947509940763649030358759909902576025900602547168820602576006531")
        #expect(Hex.encode(signed.rawEncoding) == "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83")
        #expect(signed.hash.hex == "0x33469b22e9f636356c4160a87eb19df52b7412e8eac32a4a55ffe88ea8350788")
        let decoded = try SignedTransaction(decoding: signed.rawEncoding)
        #expect(decoded == signed)
        #expect(try decoded.sender() == key.address)
    }

    @Test("EIP-1559 with an access list round-trips")
    func dynamicFee() throws {
        let (_, key) = try Self.eip155Example()
        let transaction = EIP1559Transaction(
            chainID: 31337, nonce: 0, maxPriorityFeePerGas: 1_000_000_000, maxFeePerGas: 30_000_000_000,
            gasLimit: 100_000, to: try Address("0x3535353535353535353535353535353535353535"), data: [0xA9, 0x05, 0x9C, 0xBB],
            accessList: [AccessListEntry(address: .zero, storageKeys: [.zero])]
        )
        let signed = try Transaction.eip1559(transaction).signed(with: key)
        #expect(signed.rawEncoding.first == 0x02)
        let decoded = try SignedTransaction(decoding: signed.rawEncoding)
        #expect(decoded == signed)
        #expect(try decoded.sender() == key.address)
    }

    @Test("malformed raw transactions are typed errors")
    func malformed() throws {
        let (transaction, key) = try Self.eip155Example()
        let raw = try Transaction.legacy(transaction).signed(with: key).rawEncoding
        #expect(throws: TransactionError.empty) { try SignedTransaction(decoding: []) }
        #expect(throws: TransactionError.unsupportedType(0x01)) { try SignedTransaction(decoding: [0x01, 0xC0]) }
        #expect(throws: TransactionError.rlp(.trailingBytes(offset: raw.count))) { try SignedTransaction(decoding: raw + [0]) }
        #expect(throws: TransactionError.wrongFieldCount(expected: 9, actual: 0)) { try SignedTransaction(decoding: [0xC0]) }
        // nonce 9 written with a leading zero byte
        let leadingZero = RLP.encode(.list([.bytes([0, 9])] + Array(repeating: RLPItem.bytes([1]), count: 8)))
        #expect(throws: TransactionError.invalidField("nonce")) { try SignedTransaction(decoding: leadingZero) }
        let one = RLPItem.bytes([1])
        let badV = RLP.encode(.list([one, one, one, .bytes([]), one, .bytes([]), one, one, one]))
        #expect(throws: TransactionError.invalidV("1")) { try SignedTransaction(decoding: badV) }
    }
}
