import Foundation
import Logging
import Metrics
import NIOCore
import NIOPosix
import Synchronization
import TakumiRedis
import TestSupport

/// The shared test Redis (`TAKUMI_TEST_REDIS_URL`), or a failure that says how to start it.
func sharedRedisURL() throws -> RedisURL {
    let (host, port) = try TestServices.redisEndpoint()
    return RedisURL(host: host, port: port)
}

/// A client of the shared test Redis with short timeouts; shut down after `body`.
func withSharedClient<T: Sendable>(
    poolSize: Int = 2,
    // Generous: a loaded CI machine must not turn a slow answer into a failure.
    commandTimeout: Duration = .seconds(15),
    logs: RecordedLogs = RecordedLogs(),
    database: Int = 0,
    clientName: String? = "takumi-tests",
    _ body: (RedisClient) async throws -> T
) async throws -> T {
    var url = try sharedRedisURL()
    url.database = database
    var configuration = RedisClient.Configuration(url: url)
    configuration.poolSize = poolSize
    configuration.commandTimeout = commandTimeout
    configuration.clientName = clientName
    let client = RedisClient(configuration: configuration, logger: logs.logger())
    do {
        let result = try await body(client)
        await client.shutdown()
        return result
    } catch {
        await client.shutdown()
        throw error
    }
}

extension OwnRedisServer {
    var url: RedisURL { RedisURL(host: "127.0.0.1", port: port) }
}

/// A throwaway TCP server that decodes commands with ``RESPDecoder`` and
/// answers each with the bytes `respond` returns, written in chunks (with a
/// flush and a short pause between them) so the client sees split frames.
final class ScriptedServer: Sendable {
    let channel: any Channel
    var port: Int { channel.localAddress?.port ?? 0 }

    private init(channel: any Channel) {
        self.channel = channel
    }

    static func with<T: Sendable>(
        respond: @escaping @Sendable (RESPValue) -> [ByteBuffer],
        _ body: (ScriptedServer) async throws -> T
    ) async throws -> T {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(RESPDecoder()))
                    try channel.pipeline.syncOperations.addHandler(ScriptHandler(respond: respond))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let server = ScriptedServer(channel: channel)
        defer { channel.close(promise: nil) }
        return try await body(server)
    }

    var url: RedisURL { RedisURL(host: "127.0.0.1", port: port) }

    private final class ScriptHandler: ChannelInboundHandler {
        typealias InboundIn = RESPValue
        typealias OutboundOut = ByteBuffer
        let respond: @Sendable (RESPValue) -> [ByteBuffer]
        /// Chunks not yet written; replies stay in order even while paused.
        var queue: [ByteBuffer] = []
        var writing = false

        init(respond: @escaping @Sendable (RESPValue) -> [ByteBuffer]) {
            self.respond = respond
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            queue += respond(unwrapInboundIn(data))
            if !writing { writeNext(context: context) }
        }

        private func writeNext(context: ChannelHandlerContext) {
            guard !queue.isEmpty else {
                writing = false
                return
            }
            writing = true
            context.writeAndFlush(wrapOutboundOut(queue.removeFirst()), promise: nil)
            context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(1)) {
                self.writeNext(context: context)
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}


/// Measures how long `body` takes.
func timed<T>(_ body: () async throws -> T) async rethrows -> (T, Duration) {
    let started = ContinuousClock.now
    let result = try await body()
    return (result, ContinuousClock.now - started)
}

/// Retries `body` until it succeeds (at most `attempts` times, 200 ms apart):
/// for "works again afterwards" checks whose timing is not the subject, so a
/// loaded machine cannot fail them.
@discardableResult
func eventually<T>(attempts: Int = 10, _ body: () async throws -> T) async throws -> T {
    for _ in 1..<attempts {
        if let result = try? await body() { return result }
        try await Task.sleep(for: .milliseconds(200))
    }
    return try await body()
}

/// A metrics backend that keeps every value, so tests can check what the client reported.
/// Keys look like `takumi_redis_commands_total{command=get,status=ok}`.
final class RecordedMetrics: MetricsFactory, Sendable {
    private let history = Mutex<[String: [Double]]>([:])

    /// Every value recorded under `key`, in order (counters: running totals).
    func values(_ key: String) -> [Double] { history.withLock { $0[key] ?? [] } }

    fileprivate func add(_ key: String, _ amount: Double) {
        history.withLock { $0[key, default: []].append(($0[key]?.last ?? 0) + amount) }
    }

    fileprivate func set(_ key: String, _ value: Double) {
        history.withLock { $0[key, default: []].append(value) }
    }

    private func handler(_ label: String, _ dimensions: [(String, String)]) -> Handler {
        let key = dimensions.isEmpty ? label : label + "{" + dimensions.map { "\($0.0)=\($0.1)" }.joined(separator: ",") + "}"
        return Handler(key: key, metrics: self)
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler { handler(label, dimensions) }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler { handler(label, dimensions) }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { handler(label, dimensions) }
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}

    final class Handler: CounterHandler, RecorderHandler, TimerHandler, Sendable {
        let key: String
        let metrics: RecordedMetrics

        init(key: String, metrics: RecordedMetrics) {
            self.key = key
            self.metrics = metrics
        }

        func increment(by amount: Int64) { metrics.add(key, Double(amount)) }
        func reset() { metrics.set(key, 0) }
        func record(_ value: Int64) { metrics.set(key, Double(value)) }
        func record(_ value: Double) { metrics.set(key, value) }
        func recordNanoseconds(_ duration: Int64) { metrics.set(key, Double(duration) / 1e9) }
    }
}
