import Foundation
import Logging
import PostgresNIO

/// A lease on PostgreSQL: a session advisory lock held by a connection of
/// its own (not from the pool), so the lock lives exactly as long as that
/// connection. If PostgreSQL restarts or the network drops it, the lock is
/// gone and the next ``PostgresStore/write(_:_:)`` fails with
/// ``StoreError/leaseLost(chain:reason:)``.
final class PostgresLeaseHandle: LeaseHandle, @unchecked Sendable {
    /// Advisory lock keys: a namespace ("TAKU") and a hash of the chain label.
    static let namespace: Int32 = 0x5441_4B55
    let connection: PostgresConnection
    let chain: String
    /// The server process holding the lock, to find it in `pg_locks`.
    let backendPID: Int32
    let key: Int32
    let logger: Logger
    private let released = LockedValue(false)

    init(connection: PostgresConnection, chain: String, backendPID: Int32, key: Int32, logger: Logger) {
        self.connection = connection
        self.chain = chain
        self.backendPID = backendPID
        self.key = key
        self.logger = logger
    }

    var lostReason: String? {
        if released.current { return "the lease was released" }
        if connection.isClosed { return "its PostgreSQL connection closed" }
        return nil
    }

    func release() async {
        let first = released.withLock { released in
            defer { released = true }
            return !released
        }
        guard first else { return }
        // Ending the session releases the lock. No unlock query first: on a
        // connection the server already dropped it would never be answered.
        try? await connection.close()
        logger.info("indexer lease released", metadata: ["chain": "\(chain)"])
    }

    /// The lock's second key: FNV-1a of the chain label (stable across releases and platforms).
    static func key(for chain: String) -> Int32 {
        var hash: UInt32 = 0x811C_9DC5
        for byte in chain.utf8 {
            hash = (hash ^ UInt32(byte)) &* 0x0100_0193
        }
        return Int32(bitPattern: hash)
    }

    /// The key as `pg_locks.objid` shows it (an unsigned oid).
    static func oid(_ key: Int32) -> Int64 { Int64(UInt32(bitPattern: key)) }
}

extension PostgresStore {
    public func acquireLease(chain: String, wait: Duration) async throws -> IndexerLease {
        let key = PostgresLeaseHandle.key(for: chain)
        let connection = try await PostgresConnection.connect(
            configuration: url.connectionConfiguration, id: nextConnectionID(), logger: logger
        )
        do {
            let clock = ContinuousClock()
            let deadline = clock.now + wait
            while true {
                let rows = try await connection.query(
                    "SELECT pg_try_advisory_lock(\(PostgresLeaseHandle.namespace), \(key))", logger: logger
                ).collect()
                if try rows.first?.decode(Bool.self) == true { break }
                guard clock.now < deadline else { throw StoreError.leaseTimeout(chain: chain, waited: wait) }
                try await Task.sleep(for: min(.milliseconds(100), deadline - clock.now))
            }
            let rows = try await connection.query("""
                INSERT INTO indexer_state (chain, epoch) VALUES (\(chain), 1)
                ON CONFLICT (chain) DO UPDATE SET epoch = indexer_state.epoch + 1
                RETURNING epoch, pg_backend_pid()
                """, logger: logger).collect()
            guard let row = rows.first else {
                throw StoreError.corruptRow(table: "indexer_state", reason: "no epoch returned")
            }
            let (epoch, pid) = try row.decode((Int64, Int32).self)
            // If this host vanishes, let the server notice within a minute and free the lock.
            for (setting, value) in [("tcp_keepalives_idle", "20"), ("tcp_keepalives_interval", "10"), ("tcp_keepalives_count", "3")] {
                try await connection.query("SELECT set_config(\(setting), \(value), false)", logger: logger)
            }
            let handle = PostgresLeaseHandle(connection: connection, chain: chain, backendPID: pid, key: key, logger: logger)
            leases.withLock { leases in
                leases.removeAll { $0.lostReason != nil }
                leases.append(handle)
            }
            logger.info("indexer lease acquired", metadata: ["chain": "\(chain)", "epoch": "\(epoch)"])
            return IndexerLease(chain: chain, epoch: epoch, handle: handle)
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Inside the batch transaction: the epoch is still the lease's (the row
    /// stays locked until commit, so a successor's increment waits for this
    /// batch), and the lease's session still holds the advisory lock.
    func verify(_ lease: IndexerLease, on connection: PostgresConnection) async throws {
        let rows = try await connection.query(
            "SELECT epoch FROM indexer_state WHERE chain = \(lease.chain) FOR UPDATE", logger: logger
        ).collect()
        let current = try rows.first?.decode(Int64.self)
        guard current == lease.epoch else {
            throw StoreError.fenced(chain: lease.chain, leaseEpoch: lease.epoch, currentEpoch: current)
        }
        guard let handle = lease.handle as? PostgresLeaseHandle else {
            throw StoreError.leaseLost(chain: lease.chain, reason: "the lease belongs to another store")
        }
        if let reason = handle.lostReason {
            throw StoreError.leaseLost(chain: lease.chain, reason: reason)
        }
        let held = try await connection.query("""
            SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2
                AND pid = \(handle.backendPID) AND classid = \(Int64(PostgresLeaseHandle.namespace))::oid
                AND objid = \(PostgresLeaseHandle.oid(handle.key))::oid)
            """, logger: logger).collect()
        guard try held.first?.decode(Bool.self) == true else {
            throw StoreError.leaseLost(chain: lease.chain, reason: "its advisory lock is no longer held (PostgreSQL restarted or the session ended)")
        }
    }
}
