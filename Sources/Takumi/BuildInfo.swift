import Foundation

/// Which Takumi this is: the release version and the git commit it was built
/// from, shown by `takumi version` and `/health`.
///
/// The commit comes from `TAKUMI_COMMIT` (set by the Docker build, where no
/// `.git` exists) or else from the `.git` folder above the running executable
/// (a `swift build` inside a checkout), read directly so no `git` binary is
/// needed. Without either it is "unknown", never a made-up value.
///
/// ```swift
/// BuildInfo.current.version  // "0.1.0"
/// ```
public struct BuildInfo: Sendable, Equatable {
    public static let version = "0.1.0"

    public var version: String
    public var commit: String

    public static let current = BuildInfo(
        version: version,
        commit: ProcessInfo.processInfo.environment["TAKUMI_COMMIT"]
            ?? GitCheckout.headCommit(searchingUpFrom: URL(fileURLWithPath: CommandLine.arguments.first ?? ".").deletingLastPathComponent())
            ?? "unknown"
    )
}

/// Reads a checkout's HEAD commit from its `.git` folder without running git.
enum GitCheckout {
    static func headCommit(searchingUpFrom start: URL) -> String? {
        var folder = start.standardizedFileURL.resolvingSymlinksInPath()
        for _ in 0..<12 {
            let gitFolder = folder.appendingPathComponent(".git")
            if let commit = headCommit(gitFolder: gitFolder) { return commit }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { break }
            folder = parent
        }
        return nil
    }

    static func headCommit(gitFolder: URL) -> String? {
        guard let head = try? String(contentsOf: gitFolder.appendingPathComponent("HEAD"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        else { return nil }
        guard head.hasPrefix("ref: ") else { return isCommitHash(head) ? head : nil }
        let ref = String(head.dropFirst("ref: ".count))
        if let loose = try? String(contentsOf: gitFolder.appendingPathComponent(ref), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines), isCommitHash(loose) {
            return loose
        }
        // Refs may live only in packed-refs after `git gc` or a fresh clone.
        guard let packed = try? String(contentsOf: gitFolder.appendingPathComponent("packed-refs"), encoding: .utf8) else { return nil }
        for line in packed.split(separator: "\n") where line.hasSuffix(" " + ref) {
            let hash = String(line.prefix(40))
            if isCommitHash(hash) { return hash }
        }
        return nil
    }

    static func isCommitHash(_ text: String) -> Bool {
        text.count == 40 && text.allSatisfy(\.isHexDigit)
    }
}
