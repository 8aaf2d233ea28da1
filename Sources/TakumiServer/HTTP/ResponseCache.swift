import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// A short-lived in-process cache of successful `GET /api/v1/…` responses,
/// keyed by path and query. Off by default; `takumi serve --cache-ttl-ms N`
/// turns it on. The projections change only when a batch commits (seconds
/// apart at best), so a TTL of about a second serves hot reads from memory
/// while staying as fresh as the index itself. Answers say `X-Cache: hit|miss`.
final class ResponseCache: Sendable {
    struct Entry {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: ByteBuffer
        var expires: ContinuousClock.Instant
    }

    let ttl: Duration
    let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(ttl: Duration, capacity: Int = 50_000) {
        self.ttl = ttl
        self.capacity = capacity
    }

    func lookup(_ key: String, now: ContinuousClock.Instant) -> Entry? {
        entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            if entry.expires <= now {
                entries[key] = nil
                return nil
            }
            return entry
        }
    }

    func store(_ key: String, _ entry: Entry) {
        entries.withLock { entries in
            // Full: drop what has expired; still full: start over (bounded memory beats LRU bookkeeping here).
            if entries.count >= capacity {
                let now = ContinuousClock.now
                entries = entries.filter { $0.value.expires > now }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[key] = entry
        }
    }
}

struct ResponseCacheMiddleware<Context: RequestContext>: RouterMiddleware {
    let cache: ResponseCache
    static var header: HTTPField.Name? { HTTPField.Name("X-Cache") }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get, request.uri.path.hasPrefix("/api/v1/"), !request.uri.path.hasPrefix("/api/v1/me"),
              !request.uri.path.hasPrefix("/api/v1/admin"), !request.uri.path.hasPrefix("/api/v1/auth"),
              request.headers[.authorization] == nil
        else { return try await next(request, context) }
        let key = request.uri.description
        let now = ContinuousClock.now
        if let entry = cache.lookup(key, now: now) {
            var headers = entry.headers
            if let header = Self.header { headers[header] = "hit" }
            return Response(status: entry.status, headers: headers, body: .init(byteBuffer: entry.body))
        }
        let response = try await next(request, context)
        guard response.status == .ok else { return response }
        // Collect the body once (our JSON bodies are small and already whole) to keep a copy.
        let collector = BodyCollector()
        try await response.body.write(CollectingWriter(collector: collector))
        let collected = collector.buffer
        cache.store(key, .init(status: response.status, headers: response.headers, body: collected, expires: now + cache.ttl))
        var headers = response.headers
        if let header = Self.header { headers[header] = "miss" }
        return Response(status: response.status, headers: headers, body: .init(byteBuffer: collected))
    }
}

/// Where ``CollectingWriter`` gathers a body (the writer itself is consumed by `write`).
final class BodyCollector {
    var buffer = ByteBuffer()
}

/// Gathers a response body into one buffer.
struct CollectingWriter: ResponseBodyWriter {
    let collector: BodyCollector

    mutating func write(_ buffer: ByteBuffer) async throws {
        collector.buffer.writeImmutableBuffer(buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
