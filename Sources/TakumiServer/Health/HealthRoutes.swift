import Ethereum
import Foundation
import Hummingbird
import NIOCore
import Takumi
import TakumiStore

/// `/health`, `/ready`, `/metrics`, `/metrics/indexer` and the `/status`
/// page: all answered from the health monitor's last probe, never by
/// calling a dependency while the client waits.
struct HealthRoutes: Sendable {
    let monitor: HealthMonitor
    let metrics: MetricsRegistry
    let build: BuildInfo

    func add(to router: Router<TakumiRequestContext>) {
        router.get("health") { _, _ in self.health() }
        // A constant answer: what the API benchmark measures as the framework's ceiling.
        let version = JSONResponse.make(["version": build.version, "commit": build.commit])
        router.get("version") { _, _ in version }
        router.get("ready") { _, _ in
            let snapshot = monitor.snapshot
            let body: [String: Any] = [
                "ready": snapshot.isReady, "database": snapshot.database.name,
                "lag": snapshot.lag.map { $0 as Any } ?? NSNull(), "maxLag": snapshot.maxReadyLag,
            ]
            return JSONResponse.make(body, status: snapshot.isReady ? .ok : .serviceUnavailable)
        }
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: MetricsRegistry.contentType], body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
        router.get("metrics/indexer") { _, _ in
            let snapshot = monitor.snapshot
            return JSONResponse.make([
                "chains": [[
                    "chain": snapshot.chain, "head": snapshot.head.map { $0 as Any } ?? NSNull(),
                    "syncedBlock": snapshot.synced.map { $0 as Any } ?? NSNull(), "lag": snapshot.lag.map { $0 as Any } ?? NSNull(),
                    "headAgeSeconds": snapshot.headAge().map { $0 as Any } ?? NSNull(),
                ]],
            ])
        }
        router.get("status") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: StatusPage.render(monitor.snapshot, build: build, incidentsTracked: monitor.probes.openIncidents != nil))))
        }
    }

    func health() -> Response {
        let snapshot = monitor.snapshot
        let now = Date()
        func component(_ health: ComponentHealth) -> [String: Any] {
            switch health {
            case .unknown, .notConfigured: return ["status": health.name]
            case let .up(detail, latency):
                var object: [String: Any] = ["status": "up", "detail": detail]
                if let latency { object["latencyMs"] = (latency * 10).rounded() / 10 }
                return object
            case let .down(reason): return ["status": "down", "error": reason]
            }
        }
        var indexer: [String: Any] = [
            "chain": snapshot.chain, "head": snapshot.head.map { $0 as Any } ?? NSNull(),
            "syncedBlock": snapshot.synced.map { $0 as Any } ?? NSNull(), "lag": snapshot.lag.map { $0 as Any } ?? NSNull(),
            "headAgeSeconds": snapshot.headAge(at: now).map { ($0 * 10).rounded() / 10 as Any } ?? NSNull(),
            "lastError": snapshot.indexerError.map { $0 as Any } ?? NSNull(), "stopped": snapshot.indexerStopped,
        ]
        if let running = snapshot.indexerRunning { indexer["leader"] = running }
        return JSONResponse.make([
            "status": snapshot.status(at: now).rawValue, "version": build.version, "commit": build.commit,
            "checkedAt": snapshot.checkedAt.map { ISO8601DateFormatter().string(from: $0) as Any } ?? NSNull(),
            "components": [
                "database": component(snapshot.database), "rpc": component(snapshot.rpc), "redis": component(snapshot.redis),
                "indexer": indexer,
                "contracts": ["paused": snapshot.paused.values.contains(true), "pausedContracts": snapshot.paused.filter(\.value).keys.sorted()],
            ],
        ])
    }
}

/// A plain HTML page an operator (or a user) can read without JavaScript.
enum StatusPage {
    static func render(_ snapshot: HealthSnapshot, build: BuildInfo, incidentsTracked: Bool = true, now: Date = Date()) -> String {
        let status = snapshot.status()
        let pausedNames = snapshot.paused.filter(\.value).keys.sorted()
        var html = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Takumi status: \(status.rawValue)</title>
        <meta http-equiv="refresh" content="15">
        <style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}
        table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}
        .banner{background:#b00020;color:#fff;padding:1rem;font-weight:bold}.ok{color:#1b5e20}.degraded{color:#e65100}.down{color:#b00020}</style>
        </head><body>

        """
        if !pausedNames.isEmpty {
            html += "<p class=\"banner\" role=\"alert\">Contracts paused: \(escape(pausedNames.joined(separator: ", "))). Transactions to them revert until they are unpaused.</p>\n"
        }
        html += "<h1>Takumi status: <span class=\"\(status.rawValue)\">\(status.rawValue)</span></h1>\n<table>\n<tr><th>Component</th><th>State</th></tr>\n"
        for (name, component) in [("Database", snapshot.database), ("RPC", snapshot.rpc), ("Redis", snapshot.redis)] {
            var detail = component.name
            if case let .down(reason) = component { detail += ": " + reason }
            if case let .up(info, _) = component { detail += " (" + info + ")" }
            html += "<tr><td>\(name)</td><td>\(escape(detail))</td></tr>\n"
        }
        html += "<tr><td>Chain</td><td>\(escape(snapshot.chain))</td></tr>\n"
        html += "<tr><td>Chain head</td><td>\(snapshot.head.map(String.init) ?? "unknown")</td></tr>\n"
        html += "<tr><td>Indexed to</td><td>\(snapshot.synced.map(String.init) ?? "nothing yet")</td></tr>\n"
        html += "<tr><td>Lag (blocks)</td><td>\(snapshot.lag.map(String.init) ?? "unknown")</td></tr>\n"
        if let error = snapshot.indexerError { html += "<tr><td>Indexer error</td><td>\(escape(error))</td></tr>\n" }
        html += "</table>\n" + incidents(snapshot.openIncidents, tracked: incidentsTracked, now: now)
        html += "<p><small>takumi \(escape(build.version)) (\(escape(build.commit)))</small></p>\n</body></html>\n"
        return html
    }

    /// The unresolved incidents as a table (title and summary are free text
    /// typed by people, so escaped like everything else on the page). Who
    /// opened an incident is left out: the page is public.
    static func incidents(_ incidents: [IncidentRecord]?, tracked: Bool, now: Date) -> String {
        var html = "<h2>Open incidents</h2>\n"
        guard tracked else { return html + "<p>This process does not list incidents.</p>\n" }
        guard let incidents else { return html + "<p>Not known yet: the incident list has not been read from the database.</p>\n" }
        guard !incidents.isEmpty else { return html + "<p class=\"ok\">No open incidents.</p>\n" }
        html += "<table>\n<tr><th>Severity</th><th>Incident</th><th>Status</th><th>Opened</th></tr>\n"
        for incident in incidents {
            let opened = RFC3339Timestamp(incident.openedAt).text
            var description = "<strong>#\(incident.id) \(escape(incident.title))</strong>"
            if !incident.summary.isEmpty { description += "<br>" + escape(incident.summary) }
            html += "<tr><td>\(escape(incident.severity))</td><td>\(description)</td><td>\(escape(incident.status))</td>"
                + "<td><time datetime=\"\(escape(opened))\">\(escape(opened))</time> (\(age(from: incident.openedAt, to: now)) ago)</td></tr>\n"
        }
        return html + "</table>\n"
    }

    /// `3 min`, `2 h 5 min`, `4 d 2 h`: how long an incident has been open, at a glance.
    static func age(from start: Date, to now: Date) -> String {
        let minutes = max(0, Int(now.timeIntervalSince(start) / 60))
        if minutes < 60 { return "\(minutes) min" }
        if minutes < 24 * 60 { return "\(minutes / 60) h \(minutes % 60) min" }
        return "\(minutes / (24 * 60)) d \(minutes / 60 % 24) h"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
