import Ethereum
import Foundation
import Testing
import TestSupport

/// `takumi eth`, run as a process: one line of output, exit 0; bad input →
/// one-line error and exit 2; a negative SIWE verdict → exit 1.
@Suite("takumi eth")
struct EthCommandTests {
    let key = TestChain.devKeys[6]

    func eth(_ arguments: String...) async throws -> Takumi.Result {
        try await Takumi.run(["eth"] + arguments)
    }

    @Test("keccak: 0x-hex is bytes, anything else is UTF-8 text")
    func keccak() async throws {
        #expect(try await eth("keccak", "hello").output == "0x1c8aff950685c2ed4bc3174f3472287b56d9517b9c948127319a09a7a36deac8\n")
        #expect(try await eth("keccak", "0x").output == "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470\n")
        #expect(try await eth("keccak", "0x68656c6c6f").output == "0x1c8aff950685c2ed4bc3174f3472287b56d9517b9c948127319a09a7a36deac8\n")
        let bad = try await eth("keccak", "0xzz")
        #expect(bad.status == 2)
        #expect(bad.error.split(separator: "\n").count == 1)
    }

    @Test("sig prints the selector")
    func selector() async throws {
        #expect(try await eth("sig", "transfer(address,uint256)").output == "0xa9059cbb\n")
        #expect(try await eth("sig", "version()").output == "0x54fd4d50\n")
        #expect(try await eth("sig", "transfer(address,").status == 2)
    }

    @Test("abi-encode and abi-decode round-trip nested values")
    func abiRoundTrip() async throws {
        let encoded = try await eth("abi-encode", "f(uint256,address,string,uint8[],(bool,bytes2))", "42",
                              "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", "hi, there", "[1,2,3]", "(true,0xbeef)")
        #expect(encoded.status == 0)
        let data = encoded.output.trimmingCharacters(in: .newlines)
        let decoded = try await eth("abi-decode", "(uint256,address,string,uint8[],(bool,bytes2))", data)
        #expect(decoded.output == #"["42","0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266","hi, there","[1, 2, 3]","(true, 0xbeef)"]"# + "\n")
        // Return data of `version()(string)`.
        let version = try await eth("abi-encode", "f(string)", "1.0.0").output.trimmingCharacters(in: .newlines)
        #expect(try await eth("abi-decode", "version()(string)", version).output == "[\"1.0.0\"]\n")
        // Out of range, wrong count, truncated data: exit 2.
        #expect(try await eth("abi-encode", "f(uint8)", "256").status == 2)
        #expect(try await eth("abi-encode", "f(uint8,bool)", "1").status == 2)
        #expect(try await eth("abi-decode", "(uint256)", "0x1234").status == 2)
    }

    @Test("to-checksum accepts one-case hex and rejects a wrong mixed-case checksum")
    func checksum() async throws {
        #expect(try await eth("to-checksum", "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266").output == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266\n")
        #expect(try await eth("to-checksum", "0xF39FD6E51AAD88F6F4CE6AB8827279CFFFB92266").output == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266\n")
        let wrong = try await eth("to-checksum", "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92267")
        #expect(wrong.status == 2)
        #expect(wrong.error.contains("checksum"))
    }

    @Test("recover returns the signer of a personal message")
    func recover() async throws {
        let signature = try key.sign(PersonalMessage("takumi drill"))
        let result = try await eth("recover", "--message", "takumi drill", "--signature", Hex.encode(signature.bytes))
        #expect(result.output == key.address.checksummed + "\n")
        #expect(try await eth("recover", "--message", "x", "--signature", "0x1234").status == 2)
    }

    @Test("siwe-verify prints a JSON verdict: exit 0 valid, 1 invalid")
    func siweVerify() async throws {
        let folder = try Takumi.temporaryFolder()
        let file = folder.appendingPathComponent("message.txt")
        let text = """
            takumi.example wants you to sign in with your Ethereum account:
            \(key.address.checksummed)

            Sign in to Takumi.

            URI: https://takumi.example/login
            Version: 1
            Chain ID: 31337
            Nonce: abcdef123456
            Issued At: 2026-11-29T10:00:00Z
            Expiration Time: 2026-11-29T11:00:00Z
            """
        try text.write(to: file, atomically: true, encoding: .utf8)
        let signature = Hex.encode(try key.sign(PersonalMessage(text)).bytes)
        let valid = try await eth("siwe-verify", "--message-file", file.path, "--signature", signature, "--domain", "takumi.example",
                            "--nonce", "abcdef123456", "--time", "2026-11-29T10:30:00Z")
        #expect(valid.status == 0, "\(valid.error)")
        #expect(valid.output == "{\"valid\":true,\"address\":\"\(key.address.checksummed)\",\"reason\":null}\n")

        let expired = try await eth("siwe-verify", "--message-file", file.path, "--signature", signature, "--time", "2026-11-29T12:00:00Z")
        #expect(expired.status == 1)
        #expect(expired.output.contains("\"valid\":false") && expired.output.contains("expired"))
        let wrongDomain = try await eth("siwe-verify", "--message-file", file.path, "--signature", signature, "--domain", "evil.example",
                                  "--time", "2026-11-29T10:30:00Z")
        #expect(wrongDomain.status == 1)
        let wrongNonce = try await eth("siwe-verify", "--message-file", file.path, "--signature", signature, "--nonce", "zzzzzzzz99",
                                 "--time", "2026-11-29T10:30:00Z")
        #expect(wrongNonce.status == 1)
        #expect(try await eth("siwe-verify", "--message-file", "/nonexistent", "--signature", signature).status == 2)
    }

    @Test("tx-decode shows the fields, the sender and the hash of a signed transaction")
    func txDecode() async throws {
        let transaction = Transaction.eip1559(EIP1559Transaction(
            chainID: 31337, nonce: 7, maxPriorityFeePerGas: 2, maxFeePerGas: 30, gasLimit: 21000,
            to: TestChain.devKeys[7].address, value: 5, data: [0xAB]
        ))
        let signed = try transaction.signed(with: key)
        let result = try await eth("tx-decode", Hex.encode(signed.rawEncoding))
        #expect(result.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        #expect(object?["from"] as? String == key.address.checksummed)
        #expect(object?["hash"] as? String == signed.hash.hex)
        #expect(object?["nonce"] as? Int == 7)
        #expect(object?["type"] as? Int == 2)
        #expect(try await eth("tx-decode", "0x02c0").status == 2)
    }
}
