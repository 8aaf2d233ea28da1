import Ethereum
import EthereumRPC
import Foundation
import Prometheus
import Takumi
import TakumiStore
import Testing
import TestSupport
@testable import TakumiIndexer

/// The indexer against one real seeded dev chain (chain/seed.py: 50 profiles,
/// 200 skills, 100 claims in every state, 300 endorsements, 5 verifiers),
/// deployed under the network label "sepolia" so the runbook's resync SQL
/// applies verbatim. The chain is seeded once for the suite; each test
/// reverts what it does to it.
@Suite("Indexer on a seeded chain", .serialized, .sharedChain(seed: true, network: "sepolia"))
struct SeededChainTests {}

// MARK: - Oracle: ledger and contract views

extension SeededChainTests {
    @Test("indexing in batches of 50 yields exactly the seed ledger's entities and the contracts' own views",
          arguments: Backend.allCases)
    func oracle(backend: Backend) async throws {
        try await SharedChain.withSnapshot { chain in
            let ledger = try SeedLedger.load(try #require(chain.seedLedger))
            try await TestDatabase.with(backend) { database in
                let indexer = try Rig.indexer(chain, store: database.store, batch: 50)
                let head = try await chain.client.blockNumber()
                let batches = try await Rig.indexToHead(indexer, store: database.store)
                #expect(batches >= Int(head - indexer.configuration.startBlock) / 50, "small batches: many of them")
                let label = indexer.configuration.chain
                #expect(label == "sepolia")
                let state = try #require(try await database.store.state(chain: label))
                #expect(state.lastSyncedBlock == head)
                #expect(state.lastSyncedHash == (try await chain.client.block(.number(head)))?.hash.hex)

                let dump = try await database.reader.dump(chain: label)

                // (a) the seed ledger
                let fromLedger = Oracle.expected(from: ledger)
                for table in Oracle.tables {
                    let issues = Oracle.compare(dump.tables[table.name] ?? [:], fromLedger[table.name] ?? [:], table: table.name)
                    #expect(issues.isEmpty, "\(backend) \(table.name) vs the seed ledger:\n\(issues.prefix(8).joined(separator: "\n"))")
                }
                #expect(dump.count("profiles") == 50)
                #expect(dump.count("skills") == 200)
                #expect(dump.count("skill_claims") == 100)
                #expect(dump.count("endorsements") == 300)
                #expect(dump.count("verifiers") == 5)
                let statuses = Dictionary(grouping: dump.tables["skill_claims"]!.values) { $0["status"].flatMap { $0 } ?? "NULL" }.mapValues(\.count)
                var wanted: [String: Int] = [:]
                for claim in ledger.claims { wanted[claim.statusName, default: 0] += 1 }
                #expect(statuses == wanted)
                #expect(Set(statuses.keys) == ["pending", "assigned", "approved", "rejected", "disputed", "rejection_upheld"])

                // Every event the seed's transactions emitted, per contract and name, is in chain_events once.
                let events = dump.tables["chain_events"] ?? [:]
                for (contract, counts) in ledger.events {
                    let address = try #require(ledger.contracts[contract]).lowercased()
                    for (name, count) in counts {
                        let stored = events.values.filter {
                            $0["address"] == address && $0["event_name"] == name
                                && Int($0["block_number"].flatMap { $0 } ?? "") ?? 0 >= ledger.fromBlock
                        }.count
                        #expect(stored == count, "\(contract).\(name): \(stored) stored, the seed emitted \(count)")
                    }
                }
                let logs = try await chain.client.logs(addresses: indexer.configuration.addresses, from: 0, to: head)
                #expect(events.count == logs.count, "chain_events holds every log of our contracts (eth_getLogs)")

                // (b) the contracts' view functions, read with eth_call for every entity
                let owners = ledger.profiles.map(\.owner) + (dump.tables["profiles"] ?? [:]).values.compactMap { $0["owner"] ?? nil }
                let accounts = ledger.verifiers.map(\.account) + (dump.tables["verifiers"] ?? [:]).values.compactMap { $0["account"] ?? nil }
                let fromChain = try await Oracle.expected(
                    from: chain, manifest: try #require(chain.manifest), head: head, owners: owners, accounts: accounts
                )
                for table in Oracle.tables {
                    let issues = Oracle.compare(dump.tables[table.name] ?? [:], fromChain[table.name] ?? [:], table: table.name)
                    #expect(issues.isEmpty, "\(backend) \(table.name) vs eth_call views:\n\(issues.prefix(8).joined(separator: "\n"))")
                }
            }
        }
    }
}
