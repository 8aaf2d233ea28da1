import Foundation
import Hummingbird
import Prometheus
@testable import TakumiServer
import TakumiStore
import Testing
import TestSupport

/// `GET /openapi.yaml` against the router it describes: schemathesis
/// (scripts/api-contract-test) only tests what the document lists, so a
/// route missing from it would go untested. These checks make that a failure.
@Suite("OpenAPI document and router")
struct OpenAPIDocumentTests {
    @Test("every route of the router (auth and admin ones included) is in the document, with its method, and nothing else is")
    func routesMatchTheRouter() async throws {
        try await AuthRig.withStore(.sqlite) { store in
            let registry = PrometheusCollectorRegistry()
            let factory = PrometheusMetricsFactory(registry: registry)
            let monitor = HealthMonitor(
                probes: .init(
                    chain: "dev", database: { try await store.check() }, rpcHead: { throw ServerTestError("no chain") },
                    indexer: nil, checkpoint: { nil }, pausedContracts: { [:] }
                ),
                logger: ServerRig.quietLogger, metricsFactory: factory
            )
            let auth = AuthConfiguration(secret: try JWTSecret(AuthRig.secret), domain: AuthRig.domain, uri: AuthRig.uri, chainID: TestChain.chainID)
            var configuration = ServerConfiguration(chain: "dev", finalityDepth: 5, cacheTTL: .seconds(1), auth: auth)
            configuration.corsOrigins = ["https://app.takumi.test"]
            let dependencies = ServerDependencies(store: store, manifest: try AuthRig.manifest(), monitor: monitor, metrics: MetricsRegistry(registry: registry), metricsFactory: factory)
            let router = buildRouter(configuration, dependencies)
            let served = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
            let documented = Set(OpenAPIDocument.routes.flatMap { route in route.methods.map { "\($0) \(route.template)" } })
            #expect(served.subtracting(documented).isEmpty, "served but not in /openapi.yaml: \(served.subtracting(documented).sorted())")
            #expect(documented.subtracting(served).isEmpty, "in /openapi.yaml but not served: \(documented.subtracting(served).sorted())")
            for route in ["GET /api/v1/auth/nonce", "POST /api/v1/auth/verify", "POST /api/v1/auth/refresh", "POST /api/v1/auth/logout", "GET /api/v1/me",
                          "GET /api/v1/me/claims", "GET /api/v1/me/assigned-claims", "POST /api/v1/admin/api-keys", "GET /api/v1/admin/api-keys",
                          "DELETE /api/v1/admin/api-keys/{id}", "GET /api/v1/admin/audit-log"] {
                #expect(documented.contains(route), "\(route)")
            }
        }
    }

    @Test("every operation documents 500; rate-limited ones 429 and 401; signed-in ones bearerAuth and 401; admin ones 403; body-taking ones 400 and 413")
    func responses() throws {
        let operations = Self.operations(OpenAPIDocument.yaml)
        #expect(operations.count == OpenAPIDocument.routes.reduce(0) { $0 + $1.methods.count })
        let unlimited: Set<String> = ["/health", "/ready", "/metrics", "/metrics/indexer", "/status"]
        for operation in operations {
            let label = "\(operation.method) \(operation.path)"
            #expect(operation.statuses.contains("500"), "\(label): 500")
            if !unlimited.contains(operation.path) {
                #expect(operation.statuses.isSuperset(of: ["429", "401"]), "\(label): 429 and 401 (rate limit, bad X-API-Key)")
            }
            let signedIn = operation.path.hasPrefix("/api/v1/me") || operation.path.hasPrefix("/api/v1/admin/")
            if signedIn {
                #expect(operation.security == ["bearerAuth"], "\(label): security bearerAuth, got \(operation.security)")
            }
            if operation.path.hasPrefix("/api/v1/admin/") { #expect(operation.statuses.contains("403"), "\(label): 403") }
            if operation.method == "POST" { #expect(operation.statuses.isSuperset(of: ["400", "413"]), "\(label): 400 and 413") }
            if operation.path.hasPrefix("/api/v1/auth/nonce") || operation.path.hasPrefix("/api/v1/auth/verify") {
                #expect(operation.statuses.contains("503"), "\(label): 503 while Redis is down")
            }
        }
        let yaml = OpenAPIDocument.yaml
        for scheme in ["bearerAuth:\n      type: http\n      scheme: bearer", "apiKey:\n      type: apiKey\n      in: header\n      name: X-API-Key"] {
            #expect(yaml.contains(scheme), "security scheme \(scheme)")
        }
    }

    struct Operation {
        var path: String
        var method: String
        var statuses: Set<String> = []
        var security: [String] = []
    }

    /// Each operation of the `paths:` section with its response codes and
    /// security scheme names, read by indentation (paths at 2 spaces,
    /// methods at 4, their keys at 6, response codes at 8), the layout of
    /// ``OpenAPIDocument/yaml``.
    static func operations(_ yaml: String) -> [Operation] {
        let methods: Set<String> = ["get", "put", "post", "delete", "patch"]
        var operations: [Operation] = []
        var path: String?
        var inPaths = false
        var section = ""
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: true) {
            let indent = line.prefix { $0 == " " }.count
            let text = line.dropFirst(indent)
            if indent == 0 {
                inPaths = text == "paths:"
                continue
            }
            guard inPaths else { continue }
            switch indent {
            case 2 where text.hasPrefix("/"): path = String(text.dropLast())
            case 4:
                let name = String(text.prefix { $0 != ":" })
                if let path, methods.contains(name) { operations.append(Operation(path: path, method: name.uppercased())) }
            case 6: section = String(text.prefix { $0 != ":" })
            case 8 where section == "responses" && text.hasPrefix("\""):
                operations[operations.count - 1].statuses.insert(String(text.dropFirst().prefix(3)))
            case 8 where section == "security" && text.hasPrefix("- "):
                let entry = text.dropFirst(2)
                if entry != "{}" { operations[operations.count - 1].security.append(String(entry.prefix { $0 != ":" })) }
            default: break
            }
        }
        return operations
    }
}
