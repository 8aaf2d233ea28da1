import AsyncHTTPClient
import EthereumRPC
import Foundation
import NIOCore

/// `scripts/fault-proxy` in front of a real node: forwards JSON-RPC and, on
/// command, answers like a misbehaving provider (429, 500, timeouts,
/// malformed JSON, another chain id, a lagging head, range errors).
///
/// ```swift
/// let proxy = try await FaultProxy.start(upstream: chain.rpcURL)
/// try await proxy.inject(["mode": "http429"])
/// ```
public struct FaultProxy: Sendable {
    public let url: String
    let process: ChildProcess
    let folder: URL

    public static func start(upstream: String) async throws -> FaultProxy {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("takumi-proxy-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let portFile = folder.appendingPathComponent("port")
        let script = TestChain.repositoryRoot.appendingPathComponent("scripts/fault-proxy")
        let process = try ChildProcess.launch(
            "/usr/bin/env", ["python3", script.path, "--upstream", upstream, "--port-file", portFile.path],
            log: folder.appendingPathComponent("proxy.log")
        )
        let port = try await TestChain.waitForFile(portFile, process: process, timeout: .seconds(120))  // generous: a loaded machine starts Python slowly
        return FaultProxy(url: "http://127.0.0.1:\(port)", process: process, folder: folder)
    }

    /// Sets the fault (see scripts/fault-proxy for the modes).
    public func inject(_ fault: JSONValue) async throws {
        var request = HTTPClientRequest(url: url + "/__fault")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: fault.jsonText))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 16)
    }

    /// How many requests per method reached the proxy.
    public func requestCounts() async throws -> [String: Int] {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url + "/__stats"), timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        let value = try JSONParser.parse(body.readableBytesView)
        var counts: [String: Int] = [:]
        for (method, count) in value["requests"]?.objectValue ?? [:] {
            if case let .number(number) = count { counts[method] = Int(number) }
        }
        return counts
    }

    public func stop() {
        process.terminate()
        try? FileManager.default.removeItem(at: folder)
    }
}
