import Hummingbird
import NIOCore

/// `GET /openapi.yaml`: the OpenAPI 3.1 description of every route
/// (``OpenAPIDocument/yaml``), compiled into the binary, so the document
/// always ships with the server it describes (no resource bundle to copy
/// beside the executable).
///
/// ```swift
/// OpenAPIRoutes.add(to: router)   // in buildRouter, beside the other routes
/// ```
enum OpenAPIRoutes {
    static let contentType = "application/yaml; charset=utf-8"

    static func add<Context: RequestContext>(to router: Router<Context>) {
        let body = ByteBuffer(string: OpenAPIDocument.yaml)
        router.get("openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: contentType, .cacheControl: "no-cache"], body: .init(byteBuffer: body))
        }
    }
}
