import Logging
import NIOCore
import NIOPosix

/// One TCP connection to Redis, logged in and on the right database,
/// carrying any number of pipelined commands. ``RedisClient`` pools these;
/// nothing outside the module uses one directly.
final class RedisConnection: Sendable {
    let channel: any Channel
    let id: Int
    private let closing: ClosingFlag

    private init(channel: any Channel, id: Int, closing: ClosingFlag) {
        self.channel = channel
        self.id = id
        self.closing = closing
    }

    /// Usable for new commands: open, and not being closed after a failure.
    var isActive: Bool { !closing.isSet && channel.isActive }

    /// Connects, then sends `AUTH` (if the URL has a password), `SELECT` (if
    /// the database is not 0) and `CLIENT SETNAME`, pipelined in one round trip.
    /// Every failure closes the channel; the error says what failed.
    static func connect(
        to url: RedisURL, id: Int, clientName: String?, on eventLoop: any EventLoop,
        connectTimeout: Duration, logger: Logger
    ) async throws -> RedisConnection {
        let endpoint = url.endpoint
        let closing = ClosingFlag()
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: eventLoop)
                .connectTimeout(connectTimeout.timeAmount)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.addHandler(MessageToByteHandler(RESPEncoder()))
                        try pipeline.addHandler(ByteToMessageHandler(RESPDecoder()))
                        try pipeline.addHandler(RedisCommandHandler(endpoint: endpoint, closing: closing))
                    }
                }
                .connect(host: url.host, port: url.port)
                .get()
        } catch {
            throw RedisError.unavailable("cannot connect to \(endpoint): \(describe(error))")
        }
        let connection = RedisConnection(channel: channel, id: id, closing: closing)

        var handshake: [[String]] = []
        if let password = url.password {
            handshake.append(["AUTH"] + (url.username.map { [$0] } ?? []) + [password])
        }
        if url.database != 0 { handshake.append(["SELECT", String(url.database)]) }
        if let clientName { handshake.append(["CLIENT", "SETNAME", clientName]) }

        let results = handshake.isEmpty
            ? []
            : await connection.send(handshake.map { $0.map { ByteBuffer(string: $0) } }, timeout: connectTimeout)
        for (command, result) in zip(handshake, results) {
            guard case let .failure(error) = result else { continue }
            await connection.close()
            switch (command[0], error) {
            case let ("AUTH", RedisError.server(message)):
                throw RedisError.authenticationFailed("\(message) (user \(url.username ?? "default") at \(endpoint))")
            case let (_, RedisError.server(message)) where message.hasPrefix("NOAUTH"):
                throw RedisError.authenticationFailed("\(message) (the Redis URL has no password for \(endpoint))")
            case let (_, RedisError.server(message)):
                // Never echo the AUTH command: it holds the password. Other commands are safe to name.
                throw RedisError.unavailable("\(command.prefix(2).joined(separator: " ")) on connect failed at \(endpoint): \(message)")
            default:
                throw (error as? RedisError).map { RedisError.unavailable("handshake with \(endpoint) failed: \($0)") } ?? error
            }
        }
        logger.debug("Redis connection opened", metadata: ["redis.endpoint": "\(endpoint)", "redis.connection": "\(id)"])
        return connection
    }

    /// Sends one command and waits for its reply until `deadline`.
    /// How a command that never reached the socket fails (the channel had
    /// closed between the pool's check and the write): see ``RedisError/wasNotSent``.
    static let notSentPrefix = "write failed: "

    func send(_ arguments: [ByteBuffer], timeout: Duration, deadline: NIODeadline) async throws -> RESPValue {
        try await send([arguments], timeout: timeout, deadline: deadline)[0].get()
    }

    /// Sends `commands` in one flush and waits for all their replies, or
    /// until `deadline` (default: `timeout` from now; `timeout` is what the
    /// error reports). On timeout the connection closes: replies
    /// come in order, so everything queued behind a stalled command would
    /// stall too, and a fresh connection is the quickest way out.
    ///
    /// Cancelling the calling task fails its commands at once but keeps
    /// their places in the FIFO, so the late replies are dropped, not
    /// handed to the next caller.
    func send(_ commands: [[ByteBuffer]], timeout: Duration, deadline: NIODeadline? = nil) async -> [Result<RESPValue, any Error>] {
        let eventLoop = channel.eventLoop
        let promises = commands.map { _ in eventLoop.makePromise(of: RESPValue.self) }
        let name = commands.count == 1 ? Self.commandName(commands[0]) : "pipeline of \(commands.count) commands"
        let channel = channel
        let closing = closing
        let timer = eventLoop.scheduleTask(deadline: deadline ?? .now() + timeout.timeAmount) {
            closing.set()
            for promise in promises { promise.fail(RedisError.timeout(command: name, after: timeout)) }
            channel.close(promise: nil)
        }
        let written = eventLoop.makePromise(of: Void.self)
        written.futureResult.whenFailure { error in
            // The handler fails commands it saw; this covers a channel already
            // closed before the request reached it. Completing twice is a no-op.
            let reason = error as? RedisError ?? .connectionClosed(RedisConnection.notSentPrefix + "\(error)")
            for promise in promises { promise.fail(reason) }
        }
        channel.writeAndFlush(RedisRequest(commands: commands, promises: promises), promise: written)

        return await withTaskCancellationHandler {
            var results: [Result<RESPValue, any Error>] = []
            results.reserveCapacity(promises.count)
            for promise in promises {
                do {
                    results.append(.success(try await promise.futureResult.get()))
                } catch {
                    results.append(.failure(error))
                }
            }
            timer.cancel()
            return results
        } onCancel: {
            for promise in promises { promise.fail(CancellationError()) }
        }
    }

    func close() async {
        closing.set()
        try? await channel.close()
    }

    /// The command word for errors and metrics: never an argument, which may be a secret or a key.
    static func commandName(_ arguments: [ByteBuffer]) -> String {
        guard let first = arguments.first else { return "(empty)" }
        return String(buffer: first).prefix(32).uppercased()
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? NIOConnectionError {
            // The per-address errors say what actually happened (refused, unreachable).
            let reasons = error.connectionErrors.map { "\($0.target): \($0.error)" }
            if !reasons.isEmpty { return reasons.joined(separator: "; ") }
            if let dnsError = error.dnsAAAAError ?? error.dnsAError { return "DNS lookup of \(error.host) failed: \(dnsError)" }
        }
        if case ChannelError.connectTimeout = error { return "no connection within the connect timeout" }
        return "\(error)"
    }
}

extension Duration {
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
