import Ethereum
import EthereumRPC
import Testing
import TestSupport

/// `eth_getLogs` range splitting: provider errors recognised, suggestions
/// taken, otherwise halving, never an endless loop.
@Suite("eth_getLogs range splitting")
struct LogRangeSplittingTests {
    @Test("provider messages are recognised as range errors; others are not")
    func recognisesProviders() {
        let rangeMessages = [
            "query returned more than 10000 results",
            "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range … [0x1, 0x7cf]",
            "exceed maximum block range: 5000",
            "block range is too wide",
            "eth_getLogs is limited to a 10,000 range",
        ]
        for message in rangeMessages {
            #expect(LogRangeLimit.isRangeError(.server(endpoint: "e", code: -32602, message: message, data: nil)), "\(message)")
        }
        #expect(!LogRangeLimit.isRangeError(.server(endpoint: "e", code: -32602, message: "invalid argument 0: hex string", data: nil)))
        #expect(!LogRangeLimit.isRangeError(.httpStatus(endpoint: "e", status: 500)))
    }

    @Test("a suggested range is taken; otherwise the range is halved")
    func splits() {
        let alchemy = RPCError.server(endpoint: "e", code: -32602, message: "this block range should work: [0x64, 0x6d]", data: nil)
        #expect(LogRangeLimit.split(100...1000, after: alchemy) == [100...109, 110...1000])
        let plain = RPCError.server(endpoint: "e", code: -32005, message: "query returned more than 10000 results", data: nil)
        #expect(LogRangeLimit.split(100...1000, after: plain) == [100...550, 551...1000])
        // A suggestion outside the range is ignored.
        let odd = RPCError.server(endpoint: "e", code: -32602, message: "try [0x1, 0x2]", data: nil)
        #expect(LogRangeLimit.split(100...1000, after: odd) == [100...550, 551...1000])
    }

    @Test("split fetches return exactly the logs of one unsplit fetch", arguments: ["alchemy", "plain"])
    func splitFetchMatchesDirect(style: String) async throws {
        try await TestChain.with(deploy: true) { chain in
            let manifest = try #require(chain.manifest)
            let head = try await chain.client.blockNumber()
            let direct = try await chain.client.logs(addresses: manifest.indexedAddresses, from: 0, to: head)
            #expect(direct.count > 10)
            let proxy = try await FaultProxy.start(upstream: chain.rpcURL)
            defer { proxy.stop() }
            try await proxy.inject(["mode": "logrange", "maxBlocks": 3, "style": .string(style)])
            let client = EthereumClient(EndpointPool(urls: [proxy.url], configuration: .init(expectedChainID: 31337)))
            let split = try await client.logs(addresses: manifest.indexedAddresses, from: 0, to: head)
            #expect(split == direct)
            let counts = try await proxy.requestCounts()
            #expect(counts["eth_getLogs", default: 0] > 1)
        }
    }

    @Test("a single block that still fails ends the loop with the error")
    func singleBlockFails() async throws {
        try await TestChain.with(deploy: false) { chain in
            let proxy = try await FaultProxy.start(upstream: chain.rpcURL)
            defer { proxy.stop() }
            // maxBlocks 0: every range, even one block, is "too wide".
            try await proxy.inject(["mode": "logrange", "maxBlocks": 0, "style": "plain"])
            let client = EthereumClient(EndpointPool(urls: [proxy.url], configuration: .init(expectedChainID: 31337)))
            await #expect(throws: RPCError.self) {
                _ = try await client.logs(addresses: [TestChain.devKeys[0].address], from: 0, to: 7)
            }
            // 8 blocks → halving down to single blocks: 1 + 2 + 4 + 8 attempts at most.
            #expect(try await proxy.requestCounts()["eth_getLogs", default: 0] <= 15)
        }
    }
}
