import Foundation
import Testing
@testable import TakumiStore

@Test func tmpRestart() async throws {
    let env = ProcessInfo.processInfo.environment
    guard let url = env["TMP_RESTART_URL"], let data = env["TMP_RESTART_DATA"] else { return }
    func restart() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/su")
        process.arguments = ["postgres", "-s", "/bin/sh", "-c", "/usr/lib/postgresql/15/bin/pg_ctl -D \(data) -m fast -w restart"]
        try process.run()
        process.waitUntilExit()
        print("[restart] pg_ctl exit \(process.terminationStatus)")
    }
    try await TakumiDatabase.withDatabase(url: url, sqlitePath: "/tmp/unused.sqlite", logger: StoreHarness.logger) { store in
        let lease = try await store.acquireLease(chain: "dev", wait: .seconds(5))
        try await store.write(lease) { tx in try await tx.setCheckpoint(block: 1, hash: "0x01") }
        try restart()
        do {
            try await store.write(lease) { tx in try await tx.setCheckpoint(block: 2, hash: "0x02") }
            print("[restart] write after restart: SUCCEEDED (unexpected)")
        } catch {
            print("[restart] write after restart: \(error)")
        }
        do {
            try await store.write(lease) { tx in try await tx.setCheckpoint(block: 2, hash: "0x02") }
            print("[restart] second write after restart: SUCCEEDED (unexpected)")
        } catch {
            print("[restart] second write after restart: \(error)")
        }
        let again = try await store.acquireLease(chain: "dev", wait: .seconds(10))
        print("[restart] re-acquired epoch \(again.epoch) (old \(lease.epoch)), old isHeld=\(lease.isHeld)")
        try await store.write(again) { tx in try await tx.setCheckpoint(block: 3, hash: "0x03") }
        print("[restart] state: \(String(describing: try await store.state(chain: "dev")))")
        print("[restart] health: \(try await store.check())")
        await again.release()
    }
}
