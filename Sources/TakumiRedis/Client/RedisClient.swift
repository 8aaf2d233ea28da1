import Logging
import Metrics
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// A Redis client over a small pool of pipelined connections: what the API
/// uses for SIWE nonces, rate limits, the read cache and health checks.
///
/// Connections open lazily, on first use. Commands are spread round-robin
/// over them and pipelined: many callers share a connection, each gets its
/// own reply. When a connection cannot be made the client backs off
/// (``Configuration/minReconnectDelay`` doubling up to
/// ``Configuration/maxReconnectDelay``) and, until the next attempt is due,
/// commands fail at once with ``RedisError/unavailable(_:)``: a caller can
/// degrade (skip the cache) instead of hanging on a dead server.
///
/// An outage is logged twice: once when it starts, once when Redis is
/// reachable again; never once per command. The password is never logged.
///
/// Run it as a ServiceLifecycle service (listed before the services that use
/// it, so it stops after them), or call ``shutdown()`` when done.
///
/// ```swift
/// let redis = try RedisClient(url: "redis://:secret@127.0.0.1:6379/0")
/// // In the server: ServiceGroup(services: [redis, api], …) closes it after the API.
/// if try await redis.set("nonce:\(nonce)", to: "1", expiration: .seconds(300), condition: .ifNotExists) {
///     // stored: the nonce was not in use
/// }
/// let consumed = try await redis.getdel("nonce:\(nonce)") != nil   // true once, then false
/// await redis.shutdown()                                              // without a ServiceGroup
/// ```
public final class RedisClient: Service, Sendable {
    public struct Configuration: Sendable {
        public var url: RedisURL
        /// Connections in the pool; each pipelines any number of commands.
        public var poolSize = 4
        /// Deadline for one command (or one transaction), from the call until
        /// the reply: waiting for a connection to open counts against it.
        public var commandTimeout: Duration = .seconds(2)
        /// Deadline for the TCP connect, and then for the login handshake.
        public var connectTimeout: Duration = .seconds(2)
        /// Wait after the first failed connect; doubles per failure up to ``maxReconnectDelay``.
        public var minReconnectDelay: Duration = .milliseconds(100)
        public var maxReconnectDelay: Duration = .seconds(5)
        /// `CLIENT SETNAME` on connect, so `CLIENT LIST` shows who is connected; nil skips it.
        public var clientName: String? = "takumi"

        public init(url: RedisURL) {
            self.url = url
        }
    }

    /// What ``status`` reports, for `/health` and `takumi` status commands.
    public struct Status: Sendable, Hashable {
        /// False during an outage (the last connect attempt failed).
        public var isUp: Bool
        public var openConnections: Int
        /// Why the last connect failed, while down.
        public var lastError: String?
    }

    public let configuration: Configuration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let metrics: RedisMetrics
    private let state: Mutex<State>

    public init(
        configuration: Configuration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "takumi.redis"),
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        var configuration = configuration
        configuration.poolSize = max(1, configuration.poolSize)
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        self.metrics = RedisMetrics(factory: metricsFactory)
        self.state = Mutex(State(slots: Array(repeating: .empty, count: configuration.poolSize)))
    }

    /// A client for `url` with the default configuration.
    public convenience init(url: String, logger: Logger = Logger(label: "takumi.redis")) throws(RedisURL.ParseError) {
        self.init(configuration: Configuration(url: try RedisURL(url)), logger: logger)
    }

    // MARK: Lifecycle

    /// Waits for a graceful shutdown (or cancellation), then closes every
    /// connection. Commands work before and during `run()`; it only exists
    /// so a ServiceGroup closes the client in order.
    public func run() async throws {
        // Cancellation ends the wait just as a graceful shutdown does.
        try? await gracefulShutdown()
        await shutdown()
    }

    /// Closes every connection; commands in flight fail with
    /// ``RedisError/connectionClosed(_:)``, later ones with ``RedisError/shutDown``.
    /// Safe to call more than once.
    public func shutdown() async {
        let (connections, attempts) = state.withLock { state -> ([RedisConnection], [EventLoopFuture<RedisConnection>]) in
            state.isShutDown = true
            var connections: [RedisConnection] = []
            var attempts: [EventLoopFuture<RedisConnection>] = []
            for slot in state.slots {
                switch slot {
                case let .ready(connection): connections.append(connection)
                case let .connecting(attempt): attempts.append(attempt)
                case .empty: break
                }
            }
            state.slots = Array(repeating: .empty, count: state.slots.count)
            return (connections, attempts)
        }
        for connection in connections { await connection.close() }
        // A connect under way finishes within the connect timeout, sees the
        // shutdown and closes what it opened; wait so no channel outlives us.
        for attempt in attempts { _ = try? await attempt.get() }
    }

    public var status: Status {
        state.withLock { state in
            Status(
                isUp: state.outage == nil,
                openConnections: state.slots.count { if case let .ready(connection) = $0 { connection.isActive } else { false } },
                lastError: state.outage?.lastError.description
            )
        }
    }

    // MARK: Commands

    /// Sends one command (`["HSET", "h", "f", "v"]`) and returns the reply.
    /// An error reply throws ``RedisError/server(_:)``.
    ///
    /// Connections are shared by every caller, so commands that change a
    /// connection's state (`MULTI`, `WATCH`, `SELECT`, `SUBSCRIBE`,
    /// `CLIENT TRACKING`, blocking pops) would affect or stall other callers:
    /// use ``transaction(_:)`` or ``eval(_:keys:arguments:)`` instead.
    public func send(_ command: [String]) async throws -> RESPValue {
        try await execute(command.map { ByteBuffer(string: $0) })
    }

    /// ``send(_:)`` for binary-safe arguments.
    public func send(arguments: [ByteBuffer]) async throws -> RESPValue {
        try await execute(arguments)
    }

    func execute(_ arguments: [ByteBuffer]) async throws -> RESPValue {
        let name = RedisConnection.commandName(arguments)
        let started = ContinuousClock.now
        let timeout = configuration.commandTimeout
        // One deadline for the whole command: waiting for a connection counts against it too.
        let deadline = NIODeadline.now() + timeout.timeAmount
        do {
            let reply: RESPValue
            do {
                reply = try await connection(for: name, deadline: deadline).send(arguments, timeout: timeout, deadline: deadline)
            } catch let error as RedisError where error.wasNotSent {
                // The server closed that connection (restart, idle kill) just
                // before the write; the pool now sees it inactive and hands
                // out or opens another. Once: a second failure is an outage.
                reply = try await connection(for: name, deadline: deadline).send(arguments, timeout: timeout, deadline: deadline)
            }
            metrics.command(name, status: "ok", seconds: (ContinuousClock.now - started).seconds)
            return reply
        } catch {
            metrics.command(name, status: RedisMetrics.status(of: error), seconds: (ContinuousClock.now - started).seconds)
            throw error
        }
    }

    /// Runs `commands` as one `MULTI` … `EXEC` transaction on one connection
    /// and returns `EXEC`'s replies, one per command. A command's runtime
    /// error is its ``RESPValue/error(_:)`` element (Redis runs the others);
    /// a command Redis refuses to queue (unknown, wrong arity) aborts the
    /// whole transaction and is thrown.
    ///
    /// ```swift
    /// let replies = try await redis.transaction([["INCR", key], ["PEXPIRE", key, "60000", "NX"]])
    /// ```
    public func transaction(_ commands: [[String]]) async throws -> [RESPValue] {
        guard !commands.isEmpty else { return [] }
        let batch = [["MULTI"]] + commands + [["EXEC"]]
        let started = ContinuousClock.now
        let results: [Result<RESPValue, any Error>]
        do {
            let timeout = configuration.commandTimeout
            let deadline = NIODeadline.now() + timeout.timeAmount
            let connection = try await connection(for: "MULTI", deadline: deadline)
            results = await connection.send(batch.map { $0.map { ByteBuffer(string: $0) } }, timeout: timeout, deadline: deadline)
        } catch {
            metrics.command("MULTI", status: RedisMetrics.status(of: error), seconds: (ContinuousClock.now - started).seconds)
            throw error
        }
        do {
            // The first failure says most: a refused command explains the EXECABORT after it.
            for result in results.dropLast() { _ = try result.get() }
            let reply = try results[results.count - 1].get()
            guard let replies = reply.array, replies.count == commands.count else {
                throw RedisError.unexpectedReply(command: "EXEC", reply: reply.description)
            }
            metrics.command("MULTI", status: "ok", seconds: (ContinuousClock.now - started).seconds)
            return replies
        } catch {
            metrics.command("MULTI", status: RedisMetrics.status(of: error), seconds: (ContinuousClock.now - started).seconds)
            throw error
        }
    }

    // MARK: Pool

    private struct State {
        enum Slot {
            case empty
            /// Completed by ``open(slot:id:promise:)``; every command for the slot waits on it.
            case connecting(EventLoopFuture<RedisConnection>)
            case ready(RedisConnection)
        }

        /// A failed connect and what followed: the client is down until a connect succeeds.
        struct Outage {
            var since: ContinuousClock.Instant
            var failures: Int
            var retryAt: ContinuousClock.Instant
            var lastError: RedisError
        }

        var slots: [Slot]
        var next = 0
        var outage: Outage?
        var isShutDown = false
        var connectionIDs = 0
    }

    private enum Lease {
        case use(RedisConnection)
        case wait(EventLoopFuture<RedisConnection>)
        case fail(RedisError)
    }

    /// A live connection for the next command: the next slot's (round
    /// robin), opening it if needed, or a fast failure during backoff.
    private func connection(for command: String, deadline: NIODeadline) async throws -> RedisConnection {
        let now = ContinuousClock.now
        let lease = state.withLock { state -> Lease in
            guard !state.isShutDown else { return .fail(.shutDown) }
            let index = state.next % state.slots.count
            state.next = (state.next + 1) % state.slots.count
            switch state.slots[index] {
            case let .ready(connection) where connection.isActive:
                return .use(connection)
            case let .connecting(attempt):
                return .wait(attempt)
            case .ready, .empty:
                if let outage = state.outage, now < outage.retryAt {
                    // Still backing off; another connection that survived the outage will do.
                    for case let .ready(connection) in state.slots where connection.isActive { return .use(connection) }
                    return .fail(.unavailable(
                        "\(outage.lastError.reason); next connection attempt in \((outage.retryAt - now).formattedSeconds)"
                    ))
                }
                state.connectionIDs += 1
                let id = state.connectionIDs
                let promise = eventLoopGroup.any().makePromise(of: RedisConnection.self)
                // Unstructured on purpose: the attempt outlives a caller that gives up waiting for it.
                Task { await self.open(slot: index, id: id, promise: promise) }
                state.slots[index] = .connecting(promise.futureResult)
                return .wait(promise.futureResult)
            }
        }
        switch lease {
        case let .use(connection): return connection
        case let .wait(attempt):
            // Wait for the shared attempt only until this command's deadline.
            let waiter = attempt.eventLoop.makePromise(of: RedisConnection.self)
            attempt.cascade(to: waiter)
            let timer = attempt.eventLoop.scheduleTask(deadline: deadline) {
                waiter.fail(RedisError.timeout(command: command, after: self.configuration.commandTimeout))
            }
            defer { timer.cancel() }
            return try await waiter.futureResult.get()
        case let .fail(error): throw error
        }
    }

    /// Opens the connection of one slot and records the outcome: the slot's
    /// connection, or the outage and its backoff.
    private func open(slot index: Int, id: Int, promise: EventLoopPromise<RedisConnection>) async {
        do {
            promise.succeed(try await connect(slot: index, id: id))
        } catch {
            promise.fail(error)
        }
    }

    private func connect(slot index: Int, id: Int) async throws -> RedisConnection {
        let url = configuration.url
        let connection: RedisConnection
        do {
            connection = try await RedisConnection.connect(
                to: url, id: id, clientName: configuration.clientName, on: eventLoopGroup.next(),
                connectTimeout: configuration.connectTimeout, logger: logger
            )
        } catch {
            metrics.connect(ok: false)
            let reason = error as? RedisError ?? .unavailable("\(error)")
            let startedOutage = state.withLock { state -> Bool in
                if case .connecting = state.slots[index] { state.slots[index] = .empty }
                guard !state.isShutDown else { return false }
                let now = ContinuousClock.now
                var outage = state.outage ?? State.Outage(since: now, failures: 0, retryAt: now, lastError: reason)
                let isNew = state.outage == nil
                // Concurrent attempts that fail together count as one failure: the backoff
                // should grow with time spent down, not with the pool size.
                if now >= outage.retryAt {
                    outage.failures += 1
                    outage.retryAt = now + backoff(afterFailures: outage.failures)
                }
                outage.lastError = reason
                state.outage = outage
                return isNew
            }
            if startedOutage {
                metrics.up(false)
                logger.warning("Redis unavailable", metadata: [
                    "redis.endpoint": "\(url.endpoint)",
                    "redis.error": "\(reason)",
                ])
            }
            throw reason
        }

        metrics.connect(ok: true)
        let (isShutDown, endedOutage, wasFirst) = state.withLock { state in
            guard !state.isShutDown else { return (true, State.Outage?.none, false) }
            state.slots[index] = .ready(connection)
            let outage = state.outage
            state.outage = nil
            return (false, outage, id == 1)
        }
        if isShutDown {
            await connection.close()
            throw RedisError.shutDown
        }
        if let endedOutage {
            metrics.up(true)
            logger.info("Redis reachable again", metadata: [
                "redis.endpoint": "\(url.endpoint)",
                "redis.outage_seconds": "\((ContinuousClock.now - endedOutage.since).formattedSeconds)",
                "redis.failed_attempts": "\(endedOutage.failures)",
            ])
        } else if wasFirst {
            metrics.up(true)
        }
        return connection
    }

    /// min · 2^(failures-1), capped at max, less up to a quarter of jitter so
    /// several API instances do not reconnect in lockstep.
    private func backoff(afterFailures failures: Int) -> Duration {
        let minimum = configuration.minReconnectDelay
        let doubled = minimum * (1 << min(max(failures - 1, 0), 20))
        let capped = min(doubled, configuration.maxReconnectDelay)
        return capped * Double.random(in: 0.75...1.0)
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
