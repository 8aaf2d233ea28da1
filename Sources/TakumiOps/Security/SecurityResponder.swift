import Foundation
import Logging
import Takumi
import TakumiStore

/// The exploit detector's response (``EmergencyResponder``, called by the
/// indexer after it recorded the alert's P0 incident and counted it): logs
/// the alert, and with `AUTO_PAUSE=true` and a guardian key (a
/// ``ContractPauser``) pauses every contract, writing the outcome into the
/// incident's timeline (`incident_events`, kind `auto-pause`).
///
/// An actor, so alerts arriving together (several rules on one exploit
/// transaction) pause once: a second alert waits for the pause in flight
/// and reuses its report; later alerts find the contracts paused (skipped).
///
/// ```swift
/// let responder = SecurityResponder(autoPause: config.autoPause, pauser: GuardianPauser(sender: sender), store: database.access(), logger: logger)
/// let detector = ExploitDetector(rules: config.securityRules, store: database.access(), responder: responder)
/// ```
public actor SecurityResponder: EmergencyResponder {
    let autoPause: Bool
    let pauser: (any ContractPauser)?
    let store: AccessStore?
    let logger: Logger
    private var pausing: Task<PauseReport, any Error>?
    /// Reports of the pauses run so far (tests and `takumi` read them).
    public private(set) var pauses: [PauseReport] = []

    public init(autoPause: Bool, pauser: (any ContractPauser)?, store: AccessStore?, logger: Logger) {
        self.autoPause = autoPause
        self.pauser = pauser
        self.store = store
        self.logger = logger
    }

    public func respond(to alert: SecurityAlert) async {
        guard autoPause else {
            logger.warning("AUTO_PAUSE is off: not pausing; the on-call engineer decides (takumi contracts pause --all)", metadata: [
                "rule": "\(alert.rule)", "incident": "\(alert.incidentID.map(String.init) ?? "-")",
            ])
            return
        }
        guard let pauser else {
            logger.error("AUTO_PAUSE=true but no guardian key (EMERGENCY_ADMIN_KEY) is configured: cannot pause", metadata: [
                "rule": "\(alert.rule)",
            ])
            await note(alert, "auto-pause impossible: AUTO_PAUSE=true but no guardian key is configured")
            return
        }
        let task: Task<PauseReport, any Error>
        if let running = pausing {
            task = running
        } else {
            task = Task { try await pauser.pauseAll() }
            pausing = task
        }
        do {
            let report = try await task.value
            if pausing == task {
                pausing = nil
                pauses.append(report)
            }
            logger.critical("exploit detector paused the contracts", metadata: [
                "rule": "\(alert.rule)", "succeeded": "\(report.succeeded)", "outcome": "\(report.lines.joined(separator: " | "))",
            ])
            await note(alert, "auto-pause (\(report.succeeded ? "done" : "incomplete")): " + report.lines.joined(separator: "; "))
        } catch {
            if pausing == task { pausing = nil }
            logger.critical("exploit detector could not pause the contracts: pause by hand (takumi contracts pause --all)", metadata: [
                "rule": "\(alert.rule)", "error": "\(error)",
            ])
            await note(alert, "auto-pause failed: \(error); pause by hand (takumi contracts pause --all)")
        }
    }

    /// An incident timeline entry; a failure to write it is logged, never thrown.
    private func note(_ alert: SecurityAlert, _ message: String) async {
        guard let store, let incident = alert.incidentID else { return }
        do {
            try await store.appendIncidentEvent(incidentID: incident, kind: "auto-pause", actor: AccessStore.detectorActor, message: message)
        } catch {
            logger.error("could not write the incident timeline", metadata: ["incident": "\(incident)", "error": "\(error)"])
        }
    }
}
