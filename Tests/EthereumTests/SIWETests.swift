import Ethereum
import Foundation
import Testing

/// The parsing vectors of spruceid/siwe (Vectors/siwe, MIT licence) and verification
/// against a clock, a nonce, a domain and an ERC-1271 hook.
@Suite("Sign-In with Ethereum: parsing")
struct SIWEParsingTests {
    static let vectors = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors/siwe")

    static func positive() throws -> [(String, JSON)] {
        guard case .object(let cases) = try JSON.load(contentsOf: vectors.appendingPathComponent("parsing_positive.json").path) else {
            return []
        }
        return cases.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    static func negative() throws -> [(String, String)] {
        guard case .object(let cases) = try JSON.load(contentsOf: vectors.appendingPathComponent("parsing_negative.json").path) else {
            return []
        }
        return cases.sorted { $0.key < $1.key }.compactMap { key, value in value.string.map { (key, $0) } }
    }

    @Test("positive vectors parse to their fields and render back byte for byte")
    func positiveVectors() throws {
        let cases = try Self.positive()
        #expect(cases.count == 19)
        for (name, vector) in cases {
            let text = try #require(vector["message"]?.string, "\(name)")
            let fields = try #require(vector["fields"], "\(name)")
            let message: SIWEMessage
            do {
                message = try SIWEMessage(parsing: text)
            } catch {
                Issue.record("\(name): \(error)")
                continue
            }
            #expect(message.scheme == fields["scheme"]?.string, "\(name)")
            #expect(message.domain == fields["domain"]?.string, "\(name)")
            #expect(message.address.checksummed == fields["address"]?.string, "\(name)")
            #expect(message.statement == fields["statement"]?.string, "\(name)")
            #expect(message.uri == fields["uri"]?.string, "\(name)")
            #expect(message.version == fields["version"]?.string, "\(name)")
            #expect(Int(message.chainID) == fields["chainId"]?.int, "\(name)")
            #expect(message.nonce == fields["nonce"]?.string, "\(name)")
            #expect(message.issuedAt.text == fields["issuedAt"]?.string, "\(name)")
            #expect(message.expirationTime?.text == fields["expirationTime"]?.string, "\(name)")
            #expect(message.notBefore?.text == fields["notBefore"]?.string, "\(name)")
            #expect(message.requestID == fields["requestId"]?.string, "\(name)")
            #expect(message.resources == fields["resources"]?.array?.compactMap(\.string), "\(name)")
            #expect(message.text == text, "\(name) renders back")
        }
    }

    @Test("negative vectors are rejected")
    func negativeVectors() throws {
        let cases = try Self.negative()
        #expect(cases.count == 29)
        for (name, text) in cases {
            #expect(throws: SIWEError.self, "\(name)") { try SIWEMessage(parsing: text) }
        }
    }

    @Test("optional fields, empty statement and resources render back")
    func allFields() throws {
        let text = """
            https://takumi.example:8443 wants you to sign in with your Ethereum account:
            0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed



            URI: https://takumi.example:8443/login?next=%2Fprofile
            Version: 1
            Chain ID: 31337
            Nonce: a1B2c3D4e5
            Issued At: 2024-02-29T23:59:60.5+05:30
            Expiration Time: 2024-03-01T00:00:00z
            Not Before: 2024-02-29t00:00:00Z
            Request ID: req-1:@!
            Resources:
            """
        let message = try SIWEMessage(parsing: text)
        #expect(message.statement == "")
        #expect(message.resources == [])
        #expect(message.scheme == "https")
        #expect(message.domain == "takumi.example:8443")
        #expect(message.text == text)
    }

    @Test("malformed details", arguments: [
        "Chain ID: 01", "Chain ID: 18446744073709551616", "Issued At: 2023-02-29T00:00:00Z", "Issued At: 2021-09-30T24:00:00Z",
        "Issued At: 2021-09-30T16:25:24", "Issued At: 2021-09-30T16:25:24.Z", "Nonce: 1234567_8",
    ])
    func malformedDetails(replacement: String) throws {
        let field = replacement.prefix { $0 != ":" }
        let base = Self.sample.text
        let lines = base.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasPrefix(field) ? Substring(replacement) : $0 }
        #expect(throws: SIWEError.self) { try SIWEMessage(parsing: lines.joined(separator: "\n")) }
        #expect(try SIWEMessage(parsing: base) == Self.sample)
    }

    @Test("RFC 3339 instants")
    func timestamps() throws {
        let utc = try #require(RFC3339Timestamp("2021-09-30T16:25:24.000Z"))
        #expect(utc.date.timeIntervalSince1970 == 1_633_019_124)
        let offset = try #require(RFC3339Timestamp("2021-09-30T14:25:24-02:00"))
        #expect(offset.date == utc.date)
        #expect(RFC3339Timestamp(Date(timeIntervalSince1970: 0)).text == "1970-01-01T00:00:00.000Z")
        #expect(RFC3339Timestamp(Date(timeIntervalSince1970: 1_709_251_199.25)).text == "2024-02-29T23:59:59.250Z")
        #expect(RFC3339Timestamp("2024-02-29T00:00:00Z") != nil)
        #expect(RFC3339Timestamp("2100-02-29T00:00:00Z") == nil)
        #expect(RFC3339Timestamp("2021-13-01T00:00:00Z") == nil)
    }

    static let sample = SIWEMessage(
        domain: "takumi.example", address: .zero, statement: "Sign in to Takumi", uri: "https://takumi.example/login",
        chainID: 1, nonce: "k3Jd82Hs0aPq", issuedAt: RFC3339Timestamp(Date(timeIntervalSince1970: 1_700_000_000))
    )
}

@Suite("Sign-In with Ethereum: verification")
struct SIWEVerificationTests {
    static let now = Date(timeIntervalSince1970: 1_700_000_000)
    let key: PrivateKey
    let verifier = SIWEVerifier(domain: "takumi.example", uri: "https://takumi.example/login", chainID: 1)

    init() throws {
        key = try PrivateKey(hex: "0x" + String(repeating: "46", count: 32))
    }

    func message(_ change: (inout SIWEMessage) -> Void = { _ in }) -> SIWEMessage {
        var message = SIWEMessage(
            domain: "takumi.example", address: key.address, statement: "Sign in to Takumi",
            uri: "https://takumi.example/login", chainID: 1, nonce: "k3Jd82Hs0aPq",
            issuedAt: RFC3339Timestamp(Self.now.addingTimeInterval(-5)),
            expirationTime: RFC3339Timestamp(Self.now.addingTimeInterval(300))
        )
        change(&message)
        return message
    }

    func verify(_ message: SIWEMessage, signedBy signer: PrivateKey? = nil, with verifier: SIWEVerifier? = nil,
                nonce: String = "k3Jd82Hs0aPq", at now: Date = now) async throws -> SIWEMessage {
        let signature = try (signer ?? key).sign(message.personalMessage).bytes
        return try await (verifier ?? self.verifier).verify(message.text, signature: signature, nonce: nonce, at: now)
    }

    @Test("a correct message verifies")
    func accepts() async throws {
        #expect(try await verify(message()).address == key.address)
    }

    @Test("each check refuses what it should")
    func refusals() async throws {
        await #expect(throws: SIWEVerificationError.domainMismatch(expected: "takumi.example", actual: "evil.example")) {
            try await verify(message { $0.domain = "evil.example" })
        }
        await #expect(throws: SIWEVerificationError.uriMismatch(expected: "https://takumi.example/login", actual: "https://evil.example")) {
            try await verify(message { $0.uri = "https://evil.example" })
        }
        await #expect(throws: SIWEVerificationError.chainIDMismatch(expected: 1, actual: 5)) {
            try await verify(message { $0.chainID = 5 })
        }
        await #expect(throws: SIWEVerificationError.nonceMismatch) { try await verify(message(), nonce: "otherNonce1") }
        await #expect(throws: SIWEVerificationError.self) { try await verify(message(), at: Self.now.addingTimeInterval(300)) }
        await #expect(throws: SIWEVerificationError.self) { try await verify(message(), at: Self.now.addingTimeInterval(-60)) }
        await #expect(throws: SIWEVerificationError.self) {
            try await verify(message { $0.notBefore = RFC3339Timestamp(Self.now.addingTimeInterval(10)) })
        }
        await #expect(throws: SIWEVerificationError.self) {
            try await verify(message { $0.scheme = "http" })
        }
        let other = PrivateKey.random()
        await #expect(throws: SIWEVerificationError.signerMismatch(expected: key.address, recovered: other.address)) {
            try await verify(message(), signedBy: other)
        }
        await #expect(throws: SIWEVerificationError.self) {
            try await verifier.verify(message().text + "\n", signature: [], nonce: "k3Jd82Hs0aPq", at: Self.now)
        }
    }

    @Test("a contract wallet is asked through the ERC-1271 hook")
    func contractWallet() async throws {
        let wallet = try Address("0x3535353535353535353535353535353535353535")
        let contractMessage = message { $0.address = wallet }
        let signature = Array("any wallet-specific proof".utf8)
        var accepting = verifier
        accepting.contractValidator = FakeWallet(wallet: wallet, accepts: true)
        #expect(try await accepting.verify(contractMessage.text, signature: signature, nonce: "k3Jd82Hs0aPq", at: Self.now).address == wallet)
        var rejecting = verifier
        rejecting.contractValidator = FakeWallet(wallet: wallet, accepts: false)
        await #expect(throws: SIWEVerificationError.contractRejected(wallet)) {
            try await rejecting.verify(contractMessage.text, signature: signature, nonce: "k3Jd82Hs0aPq", at: Self.now)
        }
        await #expect(throws: SIWEVerificationError.invalidSignature(.wrongByteCount(expected: 65, actual: signature.count))) {
            try await verifier.verify(contractMessage.text, signature: signature, nonce: "k3Jd82Hs0aPq", at: Self.now)
        }
        #expect(ERC1271.isMagicValue(try ERC1271.isValidSignature.encodeOutput([.fixedBytes(ERC1271.magicValue)])))
        #expect(Hex.encode(ERC1271.calldata(hash: .zero, signature: []).prefix(4)) == "0x1626ba7e")
    }
}

/// A contract wallet that answers from memory (the real one is an eth_call).
private struct FakeWallet: ContractSignatureValidator {
    let wallet: Address
    let accepts: Bool

    func isValidSignature(_ signature: [UInt8], hash: Bytes32, contract: Address) async throws -> Bool {
        contract == wallet && accepts
    }
}
