import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A lease on SQLite: an exclusive `flock` on a file beside the database
/// (`takumi.sqlite.indexer-<chain>.lock`). `flock` locks belong to an open
/// file, so two stores in one process exclude each other as two processes
/// do, and the kernel drops the lock when the process dies.
final class SQLiteLeaseHandle: LeaseHandle, @unchecked Sendable {
    /// The open, locked file; nil once released.
    private let descriptor: LockedValue<Int32?>

    private init(descriptor: Int32) { self.descriptor = LockedValue(descriptor) }

    var lostReason: String? { descriptor.current == nil ? "the lease was released" : nil }

    func release() async {
        descriptor.withLock { fd in
            guard let file = fd else { return }
            _ = flock(file, LOCK_UN)
            _ = close(file)
            fd = nil
        }
    }

    /// Polls the lock until it is free or `wait` has passed.
    static func acquire(path: String, chain: String, wait: Duration) async throws -> SQLiteLeaseHandle {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StoreError.leaseLost(chain: chain, reason: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        let clock = ContinuousClock()
        let deadline = clock.now + wait
        while true {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return SQLiteLeaseHandle(descriptor: fd) }
            let failure = errno
            guard failure == EWOULDBLOCK || failure == EINTR else {
                _ = close(fd)
                throw StoreError.leaseLost(chain: chain, reason: "cannot lock \(path): \(String(cString: strerror(failure)))")
            }
            guard clock.now < deadline else {
                _ = close(fd)
                throw StoreError.leaseTimeout(chain: chain, waited: wait)
            }
            do {
                try await Task.sleep(for: min(.milliseconds(50), deadline - clock.now))
            } catch {
                _ = close(fd)
                throw error
            }
        }
    }

    /// The lock file of `chain` beside `databasePath`; the chain label is
    /// kept readable but reduced to characters safe in a file name.
    static func lockPath(databasePath: String, chain: String) -> String {
        let safe = chain.unicodeScalars.map { scalar -> String in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "-_".unicodeScalars.contains(scalar))
                ? String(scalar) : String(format: "%%%02X", scalar.value)
        }.joined()
        return "\(databasePath).indexer-\(safe).lock"
    }
}
