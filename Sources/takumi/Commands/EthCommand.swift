import ArgumentParser
import Ethereum
import Foundation
import TakumiOps

/// `takumi eth`: the runbook's `cast` conversions (keccak, selectors, ABI,
/// checksums, signatures, SIWE, raw transactions). One line out; bad input
/// → one-line error, exit 2.
struct EthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eth",
        abstract: "Ethereum toolbox: keccak, selectors, ABI, checksums, signatures.",
        subcommands: [Keccak.self, Sig.self, AbiEncode.self, AbiDecode.self, ToChecksum.self, Recover.self, SiweVerify.self, TxDecode.self]
    )

    struct Keccak: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "keccak256 of 0x-hex bytes, or of UTF-8 text otherwise.")
        @Argument(help: "0x-hex bytes or text") var input: String
        func run() throws { print(try toolbox { () throws(EthToolboxError) in try EthToolbox.keccak(input) }) }
    }

    struct Sig: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The 4-byte selector of a function signature.")
        @Argument(help: "e.g. 'transfer(address,uint256)'") var signature: String
        func run() throws { print(try toolbox { () throws(EthToolboxError) in try EthToolbox.selector(signature) }) }
    }

    struct AbiEncode: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "abi-encode", abstract: "ABI-encode arguments (no selector).")
        @Argument(help: "e.g. 'f(uint256,address)'") var signature: String
        @Argument(parsing: .allUnrecognized, help: "one argument per input: 42, 0x…, true, [1,2], (a,b)") var arguments: [String] = []
        func run() throws { print(try toolbox { () throws(EthToolboxError) in try EthToolbox.abiEncode(signature, arguments) }) }
    }

    struct AbiDecode: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "abi-decode",
            abstract: "Decode ABI data: 'f()(uint256,string)' decodes return data, '(uint256,string)' plain data."
        )
        @Argument var types: String
        @Argument var data: String
        @Flag(name: .customLong("input"), help: "The data is calldata with a selector for the signature's inputs.")
        var calldata = false
        func run() throws { print(try toolbox { () throws(EthToolboxError) in try EthToolbox.abiDecode(types, data, calldata: calldata) }) }
    }

    struct ToChecksum: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "to-checksum", abstract: "EIP-55 form of an address.")
        @Argument var address: String
        func run() throws { print(try toolbox { () throws(EthToolboxError) in try EthToolbox.toChecksum(address) }) }
    }

    struct Recover: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The signer of an EIP-191 personal message.")
        @Option(help: "the signed text") var message: String
        @Option(help: "65 bytes, 0x-hex") var signature: String
        func run() throws { print(try toolbox { () throws(EthToolboxError) in try EthToolbox.recover(message: message, signature: signature) }) }
    }

    struct SiweVerify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "siwe-verify",
            abstract: "Verify a Sign-In with Ethereum message; prints a JSON verdict, exit 0 when valid, 1 when not."
        )
        @Option(name: .customLong("message-file"), help: "file holding the exact signed message") var messageFile: String
        @Option(help: "65 bytes, 0x-hex") var signature: String
        @Option(help: "expected domain (default: the message's)") var domain: String?
        @Option(help: "expected nonce (default: the message's)") var nonce: String?
        @Option(help: "check times at this RFC 3339 instant or Unix time (default: now)") var time: String?

        func run() async throws {
            guard let text = try? String(contentsOfFile: messageFile, encoding: .utf8) else {
                throw CommandFailure.badInput("cannot read \(messageFile)")
            }
            let instant: Date
            if let time {
                if let seconds = Double(time) {
                    instant = Date(timeIntervalSince1970: seconds)
                } else if let timestamp = RFC3339Timestamp(time) {
                    instant = timestamp.date
                } else {
                    throw CommandFailure.badInput("--time '\(time)' is neither RFC 3339 nor Unix seconds")
                }
            } else {
                instant = Date()
            }
            let verdict: SIWEVerdict
            do {
                verdict = try await EthToolbox.verifySIWE(message: text, signature: signature, domain: domain, nonce: nonce, time: instant)
            } catch {
                throw CommandFailure.badInput(error.description)
            }
            print(verdict.json)
            if !verdict.valid { throw ExitCode(TakumiExit.failure.rawValue) }
        }
    }

    struct TxDecode: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "tx-decode", abstract: "Decode a raw signed transaction to JSON.")
        @Argument var raw: String
        func run() throws { print(try toolbox { () throws(EthToolboxError) in try EthToolbox.decodeTransaction(raw) }) }
    }
}

/// Runs a toolbox function, turning its input errors into exit 2.
func toolbox(_ body: () throws(EthToolboxError) -> String) throws -> String {
    do { return try body() } catch { throw CommandFailure.badInput(error.description) }
}
