import BigInt
import Ethereum
import EthereumRPC
import Testing
import TestSupport

/// Typed JSON-RPC calls against the real dev node.
@Suite("EthereumClient against the dev node")
struct EthereumClientTests {
    @Test("chain id, head, blocks and a Swift-signed transfer mined by the node")
    func roundTrip() async throws {
        try await TestChain.with(deploy: false) { chain in
            let client = chain.client
            #expect(try await client.chainID() == 31337)
            let accounts = try await client.call("eth_accounts").arrayValue?.compactMap(\.stringValue) ?? []
            // The well-known keys in TestChain are the node's funded accounts.
            #expect(accounts.map { $0.lowercased() } .prefix(3) == TestChain.devKeys.prefix(3).map(\.address.lowercased)[...])

            let recipient = TestChain.devKeys[7].address
            let before = try await client.balance(of: recipient)
            let receipt = try await chain.send(from: TestChain.devKeys[6], to: recipient, value: 12345)
            #expect(receipt.succeeded)
            #expect(try await client.balance(of: recipient) == before + 12345)

            let head = try await client.blockNumber()
            #expect(head == receipt.blockNumber)
            let block = try #require(try await client.block(.number(head)))
            #expect(block.hash == receipt.blockHash)
            #expect(block.transactionHashes == [receipt.transactionHash])
            let byHash = try #require(try await client.block(.hash(block.hash)))
            #expect(byHash == block)
            let batch = try await client.blocks([head - 1, head, head + 100])
            #expect(batch[1] == block)
            #expect(batch[2] == nil)
            #expect(try await client.isSyncing() == false)
            let fees = try await client.feeHistory(blocks: 2, percentiles: [50])
            #expect(fees.baseFeePerGas.count == 3)
        }
    }

    @Test("a reverted eth_call carries the raw revert data")
    func revertData() async throws {
        try await TestChain.with(deploy: true) { chain in
            let manifest = try #require(chain.manifest)
            let profile = try #require(manifest.contracts["SkillProfile"])
            // initialize() on an initialised proxy must revert with a reason.
            let selector = Array(Keccak256.hash(Array("upgradeTo(address)".utf8)).bytes.prefix(4))
            let argument = [UInt8](repeating: 0, count: 12) + chain.deployer.address.bytes
            do {
                _ = try await chain.client.call(RPCCall(from: TestChain.devKeys[8].address, to: profile.proxy, data: selector + argument))
                Issue.record("expected a revert")
            } catch let error as RPCError {
                let data = try #require(error.revertData, "no revert data in \(error)")
                // Error(string) selector 0x08c379a0.
                #expect(data.prefix(4) == [0x08, 0xC3, 0x79, 0xA0])
            }
        }
    }

    @Test("chain control: snapshot, mine, revert replaces the block hash")
    func reorgControl() async throws {
        try await TestChain.with(deploy: false) { chain in
            let snapshot = try await chain.snapshot()
            let start = try await chain.client.blockNumber()
            _ = try await chain.send(from: TestChain.devKeys[6], to: TestChain.devKeys[7].address, value: 1)
            let old = try #require(try await chain.client.block(.number(start + 1)))
            #expect(try await chain.revert(to: snapshot))
            #expect(try await chain.client.blockNumber() == start)
            _ = try await chain.send(from: TestChain.devKeys[6], to: TestChain.devKeys[8].address, value: 2)
            let new = try #require(try await chain.client.block(.number(start + 1)))
            #expect(new.hash != old.hash)
            #expect(new.parentHash == old.parentHash)
        }
    }
}
