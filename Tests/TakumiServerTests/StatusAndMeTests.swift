import Ethereum
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Prometheus
import Takumi
@testable import TakumiServer
@testable import TakumiStore
import Testing
import TestSupport

/// The status page's open incidents (read from `incidents` by the health
/// monitor, on both backends), and the pages of `/api/v1/me`.
@Suite("Status page incidents; /me pages", .serialized)
struct StatusAndMeTests {
    // MARK: /status

    @Test("/status lists unresolved incidents from the database, most severe first, HTML-escaped; resolved ones are not shown", arguments: AuthBackend.allCases)
    func statusIncidents(_ backend: AuthBackend) async throws {
        try await AuthRig.withStore(backend) { store in
            let access = store.access()
            #expect(try await access.openIncidents().isEmpty)
            let monitor = HealthMonitor(
                probes: .init(
                    chain: "dev", database: { try await store.check() }, rpcHead: { throw ServerTestError("no chain in the status tests") },
                    indexer: nil, checkpoint: { nil }, pausedContracts: { [:] }, openIncidents: { try await access.openIncidents() }
                ),
                // Probes bounded generously: on a loaded machine a 2-s SQLite read
                // would time out and the page would keep the previous list.
                timeout: .seconds(60),
                logger: ServerRig.quietLogger, metricsFactory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())
            )
            let dependencies = ServerDependencies(store: store, manifest: try AuthRig.manifest(), monitor: monitor, metrics: MetricsRegistry(registry: PrometheusCollectorRegistry()))
            try await buildApplication(ServerConfiguration(chain: "dev", finalityDepth: 5), dependencies, logger: ServerRig.quietLogger).test(.router) { client in
                // Before the first probe the page does not guess.
                #expect(try await Self.page(client).contains("Not known yet"))
                await monitor.probeOnce()
                #expect(try await Self.page(client).contains("No open incidents."))

                try await Self.raw(store, """
                    INSERT INTO incidents (title, severity, status, opened_by, summary) VALUES
                        ('Indexer <script>alert(1)</script> stalled', 'P2', 'open', 'alice', 'RPC "primary" & backup both lag');
                    INSERT INTO incidents (title, severity, status, opened_by, summary) VALUES
                        ('Contracts paused', 'P1', 'mitigated', 'bob', '');
                    INSERT INTO incidents (title, severity, status, opened_by, resolved_at) VALUES
                        ('Old outage', 'P3', 'resolved', 'carol', CURRENT_TIMESTAMP);
                    """)
                let open = try await access.openIncidents()
                #expect(open.map(\.title) == ["Contracts paused", "Indexer <script>alert(1)</script> stalled"], "P1 first, resolved left out")
                #expect(open.map(\.status) == ["mitigated", "open"] && open.map(\.severity) == ["P1", "P2"])
                #expect(open.allSatisfy { abs($0.openedAt.timeIntervalSinceNow) < 300 }, "\(open.map(\.openedAt))")
                #expect(open.last?.summary == #"RPC "primary" & backup both lag"# && open.last?.openedBy == "alice")

                // The page shows what the last probe read: nothing new until the monitor runs.
                #expect(try await Self.page(client).contains("No open incidents."))
                await monitor.probeOnce()
                let html = try await Self.page(client)
                #expect(html.contains("<h2>Open incidents</h2>"))
                #expect(html.contains("Indexer &lt;script&gt;alert(1)&lt;/script&gt; stalled"), "\(html)")
                #expect(html.contains("RPC &quot;primary&quot; &amp; backup both lag"))
                #expect(!html.contains("<script"), "no markup from the database reaches the page")
                #expect(!html.contains("Old outage"))
                #expect(!html.contains("alice"), "who opened an incident stays internal")
                let p1 = try #require(html.range(of: "Contracts paused"))
                let p2 = try #require(html.range(of: "Indexer &lt;script"))
                #expect(p1.lowerBound < p2.lowerBound)
                #expect(html.contains("<td>mitigated</td>") && html.contains("<td>P1</td>"))
                #expect(!html.contains("No open incidents."))

                // Resolved: gone at the next probe.
                try await Self.raw(store, "UPDATE incidents SET status = 'resolved', resolved_at = CURRENT_TIMESTAMP")
                await monitor.probeOnce()
                #expect(try await Self.page(client).contains("No open incidents."))
            }
        }
    }

    @Test("a process whose monitor reads no incidents says so instead of claiming there are none")
    func statusWithoutIncidentProbe() async throws {
        let page = StatusPage.render(HealthSnapshot(chain: "dev"), build: .current, incidentsTracked: false)
        #expect(page.contains("does not list incidents") && !page.contains("No open incidents"))
        #expect(StatusPage.age(from: Date(timeIntervalSince1970: 0), to: Date(timeIntervalSince1970: 3 * 86_400 + 7_500)) == "3 d 2 h")
        #expect(StatusPage.age(from: Date(timeIntervalSince1970: 0), to: Date(timeIntervalSince1970: 7_500)) == "2 h 5 min")
    }

    static func page(_ client: any TestClientProtocol) async throws -> String {
        try await client.execute(uri: "/status", method: .get) { response in
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            return String(buffer: response.body)
        }
    }

    /// Plain SQL on either backend (the store's own test door): incidents
    /// are written by the operations tool, which has no API route.
    static func raw(_ store: any DatabaseStore, _ script: String) async throws {
        guard let raw = store as? any RawSQL else { throw ServerTestError("\(type(of: store)) runs no raw SQL") }
        for statement in script.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }) where !statement.isEmpty {
            try await raw.rawExecute(statement)
        }
    }

    // MARK: /me pages

    @Test("/me shows first pages of my claims and of the claims assigned to me; me/claims and me/assigned-claims page on by cursor", arguments: AuthBackend.allCases)
    func mePages(_ backend: AuthBackend) async throws {
        try await AuthRig.with(backend) { rig, client in
            let me = TestChain.devKeys[6].address
            let other = TestChain.devKeys[8].address
            // Mine: 1, 2, 4, 6, 7 (five); assigned to me and open: 3, 5, 8 (8 approved: not listed), 9.
            let claims: [(Int64, Address, Address, String)] = [
                (1, me, other, "assigned"), (2, me, other, "approved"), (3, other, me, "assigned"), (4, me, other, "pending"),
                (5, other, me, "assigned"), (6, me, other, "rejected"), (7, me, me, "assigned"), (8, other, me, "approved"), (9, other, me, "assigned"),
            ]
            try await Self.insertClaims(rig.store, claims)
            let session = try await rig.signIn(client, keys: [TestChain.devKeys[6]])[0]

            let first = try await rig.call(client, .get, "/api/v1/me?limit=2", token: session.access)
            #expect(first.status == .ok, "\(first.text)")
            let mine = try #require(first.json["claims"] as? [String: Any])
            let assigned = try #require(first.json["assignedClaims"] as? [String: Any])
            #expect(Self.ids(mine) == [1, 2] && mine["nextCursor"] as? String == "2")
            #expect(Self.ids(assigned) == [3, 5] && assigned["nextCursor"] as? String == "5")

            // Following nextCursor gives every row once, in id order, and ends with null.
            #expect(try await Self.walk(rig, client, "/api/v1/me/claims", token: session.access, limit: 2) == [1, 2, 4, 6, 7])
            #expect(try await Self.walk(rig, client, "/api/v1/me/assigned-claims", token: session.access, limit: 2) == [3, 5, 7, 9])
            #expect(try await Self.walk(rig, client, "/api/v1/me/claims", token: session.access, limit: 100) == [1, 2, 4, 6, 7])
            let whole = try await rig.call(client, .get, "/api/v1/me", token: session.access)
            #expect(Self.ids(whole.json["claims"] as? [String: Any]) == [1, 2, 4, 6, 7], "default limit 20")
            #expect((whole.json["claims"] as? [String: Any])?["nextCursor"] is NSNull)
            let row = try #require(((whole.json["claims"] as? [String: Any])?["items"] as? [[String: Any]])?.first)
            #expect(row["claimant"] as? String == me.checksummed && row["finalized"] is Bool && row["chain"] == nil, "rendered like /api/v1/claims")

            // Bad parameters: 400 naming them, as on the other lists; no token: 401.
            for uri in ["/api/v1/me?limit=0", "/api/v1/me/claims?limit=101", "/api/v1/me/assigned-claims?limit=x"] {
                let answer = try await rig.call(client, .get, uri, token: session.access)
                #expect(answer.status == .badRequest && answer.json["parameter"] as? String == "limit", "\(uri): \(answer.text)")
            }
            let badCursor = try await rig.call(client, .get, "/api/v1/me/claims?cursor=abc", token: session.access)
            #expect(badCursor.status == .badRequest && badCursor.json["parameter"] as? String == "cursor")
            for uri in ["/api/v1/me/claims", "/api/v1/me/assigned-claims"] {
                rig.expectAuthFailure(try await rig.call(client, .get, uri), reason: "token-missing")
            }
        }
    }

    static func ids(_ page: [String: Any]?) -> [Int] {
        ((page?["items"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? Int }
    }

    static func walk(_ rig: AuthRig, _ client: any TestClientProtocol, _ path: String, token: String, limit: Int) async throws -> [Int] {
        var ids: [Int] = []
        var cursor: String?
        for _ in 0..<20 {
            let answer = try await rig.call(client, .get, path + "?limit=\(limit)" + (cursor.map { "&cursor=\($0)" } ?? ""), token: token)
            #expect(answer.status == .ok, "\(path): \(answer.text)")
            let page = answer.json
            #expect(Self.ids(page).count <= limit)
            ids += Self.ids(page)
            guard let next = page["nextCursor"] as? String else {
                #expect(page["nextCursor"] is NSNull)
                return ids
            }
            cursor = next
        }
        Issue.record("\(path): more than 20 pages")
        return ids
    }

    static func insertClaims(_ store: any DatabaseStore, _ claims: [(Int64, Address, Address, String)]) async throws {
        let lease = try await store.acquireLease(chain: "dev", wait: .seconds(10))
        do {
            try await store.write(lease) { tx in
                for (id, claimant, verifier, status) in claims {
                    try await tx.upsert(ProjectionRow(.skillClaims, [
                        "chain": "dev", "id": .int(id), "claimant": .text(claimant.lowercased), "skill_id": 1, "evidence_uri": .text("ipfs://e\(id)"),
                        "verifier": .text(verifier.lowercased), "status": .text(status), "rejection_reason": nil, "dispute_reason": nil,
                        "resolution_note": nil, "created_block": 5, "updated_block": 6, "last_block": 6,
                    ]), journalBlock: nil)
                }
            }
            await lease.release()
        } catch {
            await lease.release()
            throw error
        }
    }
}
