// swift-tools-version:6.1
// Takumi: the on-chain skills verification backend. One package, small
// modules, arrows pointing down (see ../shared/ARCHITECTURE.md and README.md).
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "takumi",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "takumi", targets: ["takumi"]),
    ],
    dependencies: [
        // Command line of the `takumi` executable.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Logging for every module; JSON output is ours (TakumiOps.Logging).
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // 256-bit integers for ABI and transaction values.
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.1"),
        // SHA-256/HMAC for tokens and the SHA3 peer of the Keccak benchmark.
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        // PostgreSQL: the production store, and the per-test databases.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // HTTP client of the JSON-RPC endpoints.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // Metrics API; Prometheus is the backend the server exports.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Long-running services (indexer, HTTP server) with graceful shutdown.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Event loops and channels: the Redis client and test-service probes.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // SQLite: the embedded store (DATABASE_URL unset).
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // HTTP server: the API, and `/metrics` of `takumi indexer run --metrics-port`.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        // Debian's libsecp256k1 (apt: libsecp256k1-dev), with the recovery module.
        .systemLibrary(
            name: "CSecp256k1",
            pkgConfig: "libsecp256k1",
            providers: [.apt(["libsecp256k1-dev"])]
        ),
        // Keccak, hex, addresses, RLP, ABI, signatures, transactions, SIWE. Pure: no I/O.
        .target(
            name: "Ethereum",
            dependencies: [
                "CSecp256k1",
                .product(name: "BigInt", package: "BigInt"),
            ],
            swiftSettings: swiftSettings
        ),
        // JSON-RPC client and endpoint pool.
        .target(
            name: "EthereumRPC",
            dependencies: [
                "Ethereum",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "BigInt", package: "BigInt"),
            ],
            swiftSettings: swiftSettings
        ),
        // The domain: configuration, deployment manifest, contract bindings, models.
        .target(
            name: "Takumi",
            dependencies: [
                "Ethereum",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "BigInt", package: "BigInt"),
            ],
            swiftSettings: swiftSettings
        ),
        // Schema, migrations and queries over PostgreSQL and SQLite.
        .target(
            name: "TakumiStore",
            dependencies: [
                "Takumi",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // The chain → database sync loop.
        .target(
            name: "TakumiIndexer",
            dependencies: [
                "Ethereum", "Takumi", "TakumiStore", "EthereumRPC",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP API.
        .target(
            name: "TakumiServer",
            dependencies: [
                "Takumi", "TakumiStore", "EthereumRPC", "TakumiRedis",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Redis client (RESP over SwiftNIO): nonces, rate limits, the read cache.
        .target(
            name: "TakumiRedis",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The runbook's procedures as code.
        .target(
            name: "TakumiOps",
            dependencies: [
                "Ethereum", "Takumi", "TakumiStore", "TakumiIndexer", "TakumiServer", "EthereumRPC",
                .product(name: "BigInt", package: "BigInt"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The `takumi` command: argument parsing and wiring only.
        .executableTarget(
            name: "takumi",
            dependencies: [
                "Ethereum", "EthereumRPC", "Takumi", "TakumiStore", "TakumiIndexer", "TakumiServer", "TakumiOps",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // Benchmarks (`make bench`), release builds only.
        .executableTarget(
            name: "keccak-bench",
            dependencies: ["Ethereum", .product(name: "Crypto", package: "swift-crypto")],
            path: "bench/KeccakBench",
            swiftSettings: swiftSettings
        ),
        // The indexer into PostgreSQL against a fetch-only ceiling, over a
        // replayed chain (bench/replay); scripts/bench starts the services.
        .executableTarget(
            name: "indexer-bench",
            dependencies: [
                "Ethereum", "EthereumRPC", "Takumi", "TakumiStore", "TakumiIndexer",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "bench/IndexerBench",
            swiftSettings: swiftSettings
        ),

        // Test services shared by the test targets: a fresh database per test,
        // a Redis key prefix per test, and the messages that say how to start them.
        .target(
            name: "TestSupport",
            dependencies: [
                "Ethereum", "EthereumRPC", "Takumi", "TakumiStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EthereumTests",
            dependencies: ["Ethereum", "TestSupport"],
            exclude: ["Differential/oracle.py", "Vectors"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EthereumRPCTests",
            dependencies: [
                "EthereumRPC", "TestSupport",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TakumiStoreTests",
            dependencies: [
                "TakumiStore", "TestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TakumiTests",
            dependencies: ["Takumi", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TakumiCLITests",
            dependencies: ["takumi", "Ethereum", "TakumiStore", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TakumiRedisTests",
            dependencies: ["TakumiRedis", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TakumiServerTests",
            dependencies: [
                "TakumiServer", "TakumiIndexer", "TakumiRedis", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Support/siwe_client.py"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TakumiIndexerTests",
            dependencies: [
                "TakumiIndexer", "TakumiOps", "TestSupport",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
