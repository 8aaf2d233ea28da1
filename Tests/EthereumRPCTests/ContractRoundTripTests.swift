import BigInt
import Ethereum
import EthereumRPC
import Testing
import TestSupport

/// Swift-built calls to Takumi's deployed contracts, mined by the dev node,
/// and their logs decoded back with the Swift ABI codec.
@Suite("Contract round trips")
struct ContractRoundTripTests {
    @Test("createProfile and addSkill from Swift; their events decode to what was sent")
    func profileEvents() async throws {
        try await TestChain.with(deploy: true) { chain in
            let profile = try #require(chain.manifest?.contracts["SkillProfile"]).proxy
            let user = TestChain.devKeys[6]

            let create = try ABIFunction("createProfile(string,string,string)")
            let name = "Aiko Tanaka", bio = "Structural engineer — 匠", uri = "ipfs://bafy-profile"
            let created = try await chain.send(
                from: user, to: profile,
                data: try create.encodeCall([.string(name), .string(bio), .string(uri)])
            )
            #expect(created.succeeded)
            let profileCreated = try ABIEvent("ProfileCreated(address indexed owner,string name,string bio,string metadataURI)")
            let log = try #require(created.logs.first { $0.topics.first == profileCreated.topic0 })
            #expect(log.address == profile)
            let values = try profileCreated.decodeLog(topics: log.topics, data: log.data)
            #expect(values == [.address(user.address), .string(name), .string(bio), .string(uri)])

            let addSkill = try ABIFunction("addSkill(string,string)")
            let added = try await chain.send(from: user, to: profile, data: try addSkill.encodeCall([.string("Vyper"), .string("engineering")]))
            let skillAdded = try ABIEvent("SkillAdded(uint256 indexed skillId,address indexed owner,string name,string category)")
            let skillLog = try #require(added.logs.first { $0.topics.first == skillAdded.topic0 })
            let skill = try skillAdded.decodeLog(topics: skillLog.topics, data: skillLog.data)
            #expect(skill[1] == .address(user.address))
            #expect(skill[2] == .string("Vyper"))
            #expect(skill[3] == .string("engineering"))
            let skillID = try #require(skill[0].uint)

            // The same log through eth_getLogs, and the view function agrees with the event.
            let logs = try await chain.client.logs(addresses: [profile], from: added.blockNumber, to: added.blockNumber)
            #expect(logs.contains(skillLog))
            let getSkill = try ABIFunction("getSkill(uint256)((uint256,address,string,string,bool,bool,uint256,uint256))")
            let output = try await chain.client.call(RPCCall(to: profile, data: try getSkill.encodeCall([.uint(skillID)])))
            let decoded = try getSkill.decodeOutput(output)
            guard case .tuple(let fields) = decoded[0] else { Issue.record("expected a tuple"); return }
            #expect(fields[0] == .uint(skillID))
            #expect(fields[1] == .address(user.address))
            #expect(fields[2] == .string("Vyper"))
            #expect(fields[4] == .bool(false))
        }
    }

    @Test("a reverting transaction's reason decodes from eth_call revert data")
    func revertReason() async throws {
        try await TestChain.with(deploy: true) { chain in
            let profile = try #require(chain.manifest?.contracts["SkillProfile"]).proxy
            let tooLong = String(repeating: "x", count: 100)
            let call = try ABIFunction("createProfile(string,string,string)").encodeCall([.string(tooLong), .string(""), .string("")])
            do {
                _ = try await chain.client.call(RPCCall(from: TestChain.devKeys[6].address, to: profile, data: call))
                Issue.record("expected a revert")
            } catch let error as RPCError {
                let data = try #require(error.revertData)
                #expect(try RevertReason(decoding: data).description.contains("SkillProfile: name too long"))
            }
        }
    }
}
