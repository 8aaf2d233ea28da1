import Ethereum
import EthereumRPC
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Metrics
import Prometheus
import Takumi
@testable import TakumiIndexer
import TakumiServer
import TakumiStore
import Testing
import TestSupport

/// The read API over a real index: the dev node deployed and seeded by
/// `chain/seed.py`, indexed by the real ChainIndexer into SQLite, then every
/// answer checked against the seed ledger (what the chain holds), not
/// against expectations written by hand.
@Suite("HTTP read API over the seeded dev chain", .serialized)
struct ReadAPITests {
    @Test("profiles, skills, claims, endorsements, verifiers, stats and contracts match the seed ledger; errors are problem+json")
    func readAPI() async throws {
        try await TestChain.with(deploy: true, seed: true) { chain in
            let manifest = try #require(chain.manifest)
            let ledgerURL = try #require(chain.seedLedger)
            let ledgerData = try Data(contentsOf: ledgerURL)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("takumi-api-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let store = try SQLiteStore(path: folder.appendingPathComponent("takumi.sqlite").path, logger: ServerRig.quietLogger)
            try await store.migrate()
            let registry = PrometheusCollectorRegistry()
            let factory = PrometheusMetricsFactory(registry: registry)
            let pool = EndpointPool(urls: [chain.rpcURL], configuration: .init(expectedChainID: TestChain.chainID), logger: ServerRig.quietLogger, metricsFactory: factory)
            let client = EthereumClient(pool)
            let indexer = ChainIndexer(configuration: IndexerConfiguration(manifest: manifest), store: store, client: client, logger: ServerRig.quietLogger, metricsFactory: factory)
            try await ServerRig.indexToHead(indexer, store: store)

            let monitor = ServerRig.monitor(store: store, client: client, chain: manifest.network, factory: factory)
            await monitor.probeOnce()
            let dependencies = ServerDependencies(
                store: store, manifest: manifest, monitor: monitor, metrics: MetricsRegistry(registry: registry), metricsFactory: factory
            )
            let app = buildApplication(ServerConfiguration(chain: manifest.network, finalityDepth: 5, corsOrigins: ["https://app.takumi.dev"]), dependencies)
            try await app.test(.router) { client in
                // The seed ledger: what chain/seed.py put on chain.
                let ledger = try #require(try JSONSerialization.jsonObject(with: ledgerData) as? [String: Any])
                let profiles = try #require(ledger["profiles"] as? [[String: Any]])
                let skills = try #require(ledger["skills"] as? [[String: Any]])
                let claims = try #require(ledger["claims"] as? [[String: Any]])
                let endorsements = try #require(ledger["endorsements"] as? [[String: Any]])
                let verifiers = try #require(ledger["verifiers"] as? [[String: Any]])

                // Every profile, paged 7 at a time by cursor: each exactly once, in owner order.
                var seen: [String] = []
                var cursor: String?
                repeat {
                    let uri = "/api/v1/profiles?limit=7" + (cursor.map { "&cursor=\($0)" } ?? "")
                    let page = try await client.json(uri)
                    let items = try #require(page["items"] as? [[String: Any]])
                    #expect(items.count <= 7)
                    seen += items.compactMap { $0["owner"] as? String }
                    cursor = page["nextCursor"] as? String
                } while cursor != nil
                let ledgerOwners = profiles.compactMap { ($0["owner"] as? String).flatMap { try? Address($0).checksummed } }
                #expect(seen.sorted() == ledgerOwners.sorted(), "paged profiles = the ledger's")
                #expect(Set(seen).count == seen.count, "no profile twice across pages")
                #expect(seen.allSatisfy { (try? Address(checksummed: $0)) != nil }, "responses use EIP-55")

                // One profile by address in all three accepted spellings; fields equal the ledger.
                let first = try #require(profiles.first)
                let owner = try Address(try #require(first["owner"] as? String))
                for spelling in [owner.lowercased, "0x" + owner.lowercased.dropFirst(2).uppercased(), owner.checksummed] {
                    let profile = try await client.json("/api/v1/profiles/\(spelling)")
                    #expect(profile["owner"] as? String == owner.checksummed)
                    #expect(profile["name"] as? String == first["name"] as? String)
                    #expect(profile["bio"] as? String == first["bio"] as? String)
                    #expect(profile["skillCount"] as? Int == first["skillCount"] as? Int)
                    #expect(profile["finalized"] as? Bool == true, "seeded long ago: final")
                    let ownSkills = skills.filter { ($0["owner"] as? String)?.lowercased() == owner.lowercased && $0["removed"] as? Bool == false }
                    #expect((profile["skills"] as? [Any])?.count == ownSkills.count)
                }
                // A wrong checksum is refused, not silently lowercased.
                var broken = Array(owner.checksummed)
                if let index = broken.indices.dropFirst(2).first(where: { broken[$0].isLetter }) {
                    broken[index] = broken[index].isUppercase ? Character(broken[index].lowercased()) : Character(broken[index].uppercased())
                }
                try await client.problem("/api/v1/profiles/\(String(broken))", status: .badRequest, kind: "bad-parameter", parameter: "address")
                try await client.problem("/api/v1/profiles/0x1234", status: .badRequest, kind: "bad-parameter", parameter: "address")
                try await client.problem("/api/v1/profiles/\(Address.zero.lowercased)", status: .notFound, kind: "not-found")
                try await client.problem("/api/v1/profiles?limit=0", status: .badRequest, kind: "bad-parameter", parameter: "limit")
                try await client.problem("/api/v1/profiles?limit=abc", status: .badRequest, kind: "bad-parameter", parameter: "limit")
                try await client.problem("/api/v1/claims?status=lost", status: .badRequest, kind: "bad-parameter", parameter: "status")
                try await client.problem("/api/v1/skills/-1", status: .badRequest, kind: "bad-parameter", parameter: "id")
                try await client.problem("/api/v1/nothing-here", status: .notFound, kind: "not-found")

                // Skills: by id, search, verified filter.
                let skill = try #require(skills.first { $0["removed"] as? Bool == false })
                let skillID = try #require(skill["id"] as? Int)
                let skillJSON = try await client.json("/api/v1/skills/\(skillID)")
                #expect(skillJSON["name"] as? String == skill["name"] as? String)
                #expect(skillJSON["verified"] as? Bool == skill["verified"] as? Bool)
                let verifiedCount = skills.filter { $0["verified"] as? Bool == true && $0["removed"] as? Bool == false }.count
                let verifiedPage = try await client.json("/api/v1/skills?verified=true&limit=100")
                #expect((verifiedPage["items"] as? [Any])?.count == min(verifiedCount, 100))
                let skillName = try #require(skill["name"] as? String)
                let search = try await client.json("/api/v1/skills?q=\(skillName.lowercased().addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")&limit=100")
                #expect((search["items"] as? [[String: Any]])?.contains { $0["id"] as? Int == skillID } == true, "search finds \(skillName)")

                // Claims: by id and by status; statuses as the ledger's.
                let claim = try #require(claims.first)
                let claimID = try #require(claim["id"] as? Int)
                let claimJSON = try await client.json("/api/v1/claims/\(claimID)")
                let state = claim["state"] as? String
                let expectedStatus = state == "overturned" ? "approved" : state == "upheld" ? "rejection_upheld" : state
                #expect(claimJSON["status"] as? String == expectedStatus)
                let approved = claims.filter { ["approved", "overturned"].contains($0["state"] as? String ?? "") }.count
                let approvedPage = try await client.json("/api/v1/claims?status=approved&limit=100")
                #expect((approvedPage["items"] as? [Any])?.count == min(approved, 100))

                // Endorsements received by an endorsee.
                let endorsement = try #require(endorsements.first)
                let endorsee = try Address(try #require(endorsement["endorsee"] as? String))
                let received = endorsements.filter { ($0["endorsee"] as? String)?.lowercased() == endorsee.lowercased }.count
                let receivedPage = try await client.json("/api/v1/profiles/\(endorsee.checksummed)/endorsements?direction=received&limit=100")
                #expect((receivedPage["items"] as? [Any])?.count == min(received, 100))

                // Verifiers with statistics.
                let verifier = try #require(verifiers.first)
                let account = try Address(try #require(verifier["account"] as? String))
                let verifierJSON = try await client.json("/api/v1/verifiers/\(account.lowercased)")
                #expect(verifierJSON["name"] as? String == verifier["name"] as? String)
                #expect(verifierJSON["specialisations"] as? [String] == verifier["specialisations"] as? [String])
                let approvedBy = claims.filter {
                    ($0["verifier"] as? String)?.lowercased() == account.lowercased && ["approved", "overturned"].contains($0["state"] as? String ?? "")
                }.count
                #expect((verifierJSON["statistics"] as? [String: Any])?["approved"] as? Int == approvedBy)

                // Stats: totals equal the ledger's counts.
                let counts = try #require(ledger["counts"] as? [String: Any])
                let stats = try await client.json("/api/v1/stats")
                let totals = try #require(stats["totals"] as? [String: Any])
                #expect(totals["profiles"] as? Int == counts["profiles"] as? Int)
                #expect(totals["claims"] as? Int == counts["claims"] as? Int)
                #expect((stats["recentActivity"] as? [Any])?.isEmpty == false)

                // Contracts: addresses and ABIs a wallet needs; none paused.
                let contracts = try await client.json("/api/v1/contracts")
                #expect(contracts["chainId"] as? Int == Int(TestChain.chainID))
                let entries = try #require(contracts["contracts"] as? [[String: Any]])
                let profileContract = try #require(entries.first { $0["name"] as? String == "SkillProfile" })
                #expect(profileContract["address"] as? String == manifest.contracts["SkillProfile"]?.proxy.checksummed)
                #expect((profileContract["abi"] as? [Any])?.isEmpty == false)
                #expect(contracts["paused"] as? Bool == false)

                // CORS: the allowlisted origin is echoed, another gets nothing.
                try await client.execute(uri: "/api/v1/stats", method: .get, headers: [.origin: "https://app.takumi.dev"]) { response in
                    #expect(response.headers[.accessControlAllowOrigin] == "https://app.takumi.dev")
                }
                try await client.execute(uri: "/api/v1/stats", method: .get, headers: [.origin: "https://evil.example"]) { response in
                    #expect(response.headers[.accessControlAllowOrigin] == nil)
                }
                // Bodies over the limit: 413 problem+json before any handler reads them.
                try await client.execute(
                    uri: "/api/v1/stats", method: .post, headers: [.contentType: "application/json"],
                    body: ByteBuffer(repeating: UInt8(ascii: " "), count: 70_000)
                ) { response in
                    #expect(response.status == .contentTooLarge)
                    #expect(response.headers[.contentType] == "application/problem+json")
                }

                // Health, readiness and metrics from the monitor's last probe.
                let health = try await client.json("/health")
                #expect(health["status"] as? String == "ok", "\(health)")
                let components = try #require(health["components"] as? [String: Any])
                #expect((components["database"] as? [String: Any])?["status"] as? String == "up")
                #expect((components["rpc"] as? [String: Any])?["status"] as? String == "up")
                try await client.execute(uri: "/ready", method: .get) { response in #expect(response.status == .ok) }
                try await client.execute(uri: "/metrics", method: .get) { response in
                    let text = String(buffer: response.body)
                    #expect(text.contains(#"takumi_http_requests_total{method="GET",route="/api/v1/profiles/{address}",status="200"}"#), "route templates, not raw paths")
                    #expect(text.contains(#"takumi_http_requests_total{method="GET",route="/api/v1/profiles/{address}",status="400"}"#))
                    #expect(text.contains(#"takumi_dependency_up{dependency="database"} 1"#))
                    #expect(!text.contains(owner.lowercased), "no address becomes a label")
                }
                try await client.execute(uri: "/status", method: .get) { response in
                    #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                    #expect(String(buffer: response.body).contains("Takumi status: ok"))
                    #expect(!String(buffer: response.body).contains("Contracts paused"))
                }
            }

            // The response cache: a repeated GET is served from memory, byte for byte; errors are never cached.
            let cached = buildApplication(ServerConfiguration(chain: manifest.network, finalityDepth: 5, cacheTTL: .seconds(60)), dependencies)
            try await cached.test(.router) { client in
                let first = try await client.execute(uri: "/api/v1/profiles?limit=3", method: .get) { ($0.headers[HTTPField.Name("X-Cache")!], String(buffer: $0.body)) }
                let second = try await client.execute(uri: "/api/v1/profiles?limit=3", method: .get) { ($0.headers[HTTPField.Name("X-Cache")!], String(buffer: $0.body)) }
                #expect(first.0 == "miss")
                #expect(second.0 == "hit")
                #expect(first.1 == second.1)
                for _ in 0..<2 {
                    try await client.execute(uri: "/api/v1/profiles/\(Address.zero.lowercased)", method: .get) { response in
                        #expect(response.status == .notFound)
                        #expect(response.headers[HTTPField.Name("X-Cache")!] == nil)
                    }
                }
            }
        }
    }
}
