import NIOCore
import Synchronization

/// Set as soon as a connection is known to be finished, before its callers
/// hear about it: `Channel.isActive` only turns false once the close has
/// run on the event loop, and a caller that just got a timeout must not be
/// handed the same connection again in between.
final class ClosingFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}

/// Commands written back to back in one flush, each with the promise its
/// reply completes. A transaction (`MULTI` … `EXEC`) is one request, so no
/// other caller's command can land between its parts.
struct RedisRequest: Sendable {
    var commands: [[ByteBuffer]]
    var promises: [EventLoopPromise<RESPValue>]
}

/// Pipelining: replies arrive in the order commands were sent, so each
/// reply completes the oldest waiting promise (a FIFO). Sits after
/// ``RESPDecoder`` (inbound) and before ``RESPEncoder`` (outbound).
///
/// A top-level error reply fails its promise with ``RedisError/server(_:)``.
/// When the connection closes or the stream breaks, every waiting promise
/// fails, so no caller waits for a reply that cannot come.
final class RedisCommandHandler: ChannelDuplexHandler {
    typealias InboundIn = RESPValue
    typealias OutboundIn = RedisRequest
    typealias OutboundOut = RESPValue

    private var waiting = CircularBuffer<EventLoopPromise<RESPValue>>(initialCapacity: 64)
    /// Set once the connection is unusable; later writes fail with it at once.
    private var failure: RedisError?
    private let endpoint: String
    private let closing: ClosingFlag

    init(endpoint: String, closing: ClosingFlag) {
        self.endpoint = endpoint
        self.closing = closing
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        if let failure {
            for command in request.promises { command.fail(failure) }
            promise?.fail(failure)
            return
        }
        guard !request.commands.isEmpty else {
            promise?.succeed(())
            return
        }
        for (index, (arguments, command)) in zip(request.commands, request.promises).enumerated() {
            waiting.append(command)
            let isLast = index == request.commands.count - 1
            context.write(wrapOutboundOut(.array(arguments.map(RESPValue.bulkString))), promise: isLast ? promise : nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let reply = unwrapInboundIn(data)
        guard let command = waiting.popFirst() else {
            // Without a waiting command the FIFO is out of step with the server; nothing after this can be trusted.
            fail(.protocolViolation("reply with no command waiting for it: \(reply)"), context: context)
            return
        }
        if case let .error(message) = reply {
            command.fail(RedisError.server(message))
        } else {
            command.succeed(reply)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let reason = error as? RedisError ?? .connectionClosed("\(endpoint): \(error)")
        fail(reason, context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(.connectionClosed("the connection to \(endpoint) closed with the command in flight"))
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        failAll(.connectionClosed("the connection to \(endpoint) was torn down"))
    }

    private func fail(_ error: RedisError, context: ChannelHandlerContext) {
        failAll(error)
        context.close(promise: nil)
    }

    private func failAll(_ error: RedisError) {
        closing.set()
        if failure == nil { failure = error }
        while let command = waiting.popFirst() { command.fail(error) }
    }
}
