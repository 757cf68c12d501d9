// swift-tools-version: 6.1
import PackageDescription

let strictSwift: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
]

let logging = Target.Dependency.product(name: "Logging", package: "swift-log")

let package = Package(
    name: "notegate",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "notegate", targets: ["notegate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // C libraries, imported as-is. libetpan's pkg-config file carries flags SwiftPM rejects,
        // so its module map links it directly.
        .systemLibrary(name: "CEtPan", path: "Sources/CEtPan"),
        .systemLibrary(name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"])]),
        // The verifying TLS stream driver for libetpan, over GnuTLS.
        .target(name: "CEtPanTLS", dependencies: ["CEtPan"], linkerSettings: [.linkedLibrary("gnutls")]),

        // Bytes → ParsedMessage → NoteDecision: pure, no I/O.
        .target(name: "MailParsing", dependencies: ["CEtPan"], swiftSettings: strictSwift),
        .target(name: "HTMLText", dependencies: ["CLibXML2"], swiftSettings: strictSwift),
        .target(name: "NoteExtraction", dependencies: ["MailParsing", "HTMLText"], swiftSettings: strictSwift),

        // Passwords and keys that never print themselves, and where they are read from.
        .target(name: "Secrets", swiftSettings: strictSwift),
        .target(name: "GatewayConfig", dependencies: ["Secrets", "Yams"], swiftSettings: strictSwift),
        .target(name: "IMAPSource",
                dependencies: ["CEtPan", "CEtPanTLS", "GatewayConfig", "OAuth", "Secrets", logging],
                swiftSettings: strictSwift),

        // LeadSquared Service CRM: the client the pipeline posts through, and a local server that
        // behaves like the documented API for tests, the demo and benchmarks.
        .target(
            name: "LeadSquared",
            dependencies: [
                "Secrets", logging,
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictSwift
        ),
        .target(
            name: "LeadSquaredSandbox",
            dependencies: [
                "LeadSquared", logging,
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift
        ),

        // A local OAuth2 identity provider (token, device authorization and RFC 7662 introspection endpoints)
        // for tests, the test Dovecot's oauth2 passdb and `notegate idp-sandbox`.
        .target(
            name: "IdentitySandbox",
            dependencies: [
                logging,
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSwift
        ),

        // OAuth2 for `auth: oauth2` mailboxes: the grants, the token cache and the refresh-token file.
        .target(
            name: "OAuth",
            dependencies: [
                "GatewayConfig", "Secrets",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictSwift
        ),

        // Message state, dedup and checkpoints. Stores plain values only: it knows nothing of
        // parsing, IMAP or HTTP; the pipeline maps its types to and from the ledger's.
        .target(name: "Ledger", dependencies: [.product(name: "GRDB", package: "GRDB.swift")],
                swiftSettings: strictSwift),

        // The ledger on PostgreSQL (`ledger.url: postgres://…`), for several instances sharing one ledger.
        .target(name: "LedgerPostgres",
                dependencies: ["Ledger", "LeadSquared", logging,
                               .product(name: "PostgresNIO", package: "postgres-nio"),
                               .product(name: "NIOSSL", package: "swift-nio-ssl")],
                swiftSettings: strictSwift),

        // The pipeline: wires the source, the decision, the ledger and the client.
        .target(
            name: "Gateway",
            dependencies: ["MailParsing", "NoteExtraction", "Ledger", "LedgerPostgres", "LeadSquared", "IMAPSource",
                           "GatewayConfig",
                           "Secrets", "Observability", logging,
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            swiftSettings: strictSwift
        ),

        // Metrics, /metrics and /healthz, and log formats. Knows nothing of the pipeline: the gateway feeds it
        // plain values.
        .target(
            name: "Observability",
            dependencies: [
                logging,
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift
        ),

        .executableTarget(
            name: "notegate",
            dependencies: [
                "MailParsing", "NoteExtraction", "GatewayConfig", "IMAPSource", "LeadSquared", "LeadSquaredSandbox",
                "Gateway", "Ledger", "LedgerPostgres", "Observability", "OAuth", "IdentitySandbox", logging,
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift
        ),

        // Benchmarks, built in release by `make bench-parse` and `make bench-post`.
        .executableTarget(name: "notegate-bench-parse", dependencies: ["NoteExtraction", "HostileMail"],
                          path: "Sources/ParseBenchmark", swiftSettings: strictSwift),
        .executableTarget(
            name: "notegate-bench",
            dependencies: [
                "LeadSquared", "LeadSquaredSandbox", "Secrets",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSwift
        ),

        // `make demo`: Dovecot, the sandbox and one gateway pass on loopback.
        .executableTarget(name: "notegate-demo",
                          dependencies: ["Gateway", "GatewayConfig", "LeadSquaredSandbox", "Ledger", "DovecotHarness",
                                         logging],
                          path: "Sources/DemoRunner", swiftSettings: strictSwift),

        // `make bench`: the whole pipeline against Dovecot and the sandbox (release build).
        .executableTarget(name: "notegate-bench-e2e",
                          dependencies: ["Gateway", "GatewayConfig", "LeadSquaredSandbox", "Ledger", "DovecotHarness",
                                         logging],
                          path: "Sources/GatewayBenchmark", swiftSettings: strictSwift),

        // Fuzz targets, built with libFuzzer by `make fuzz`; a plain build makes each a reproducer that runs
        // its one-input function over the files given.
        .target(name: "FuzzHarness", swiftSettings: strictSwift),
        .executableTarget(name: "notegate-fuzz-encoded-words", dependencies: ["FuzzHarness", "MailParsing"],
                          path: "Sources/FuzzEncodedWords", swiftSettings: strictSwift),
        .executableTarget(name: "notegate-fuzz-message", dependencies: ["FuzzHarness", "NoteExtraction"],
                          path: "Sources/FuzzMessage", swiftSettings: strictSwift),
        .executableTarget(name: "notegate-fuzz-html", dependencies: ["FuzzHarness", "HTMLText"],
                          path: "Sources/FuzzHTML", swiftSettings: strictSwift),
        .executableTarget(name: "notegate-fuzz-config", dependencies: ["FuzzHarness", "GatewayConfig"],
                          path: "Sources/FuzzConfig", swiftSettings: strictSwift),
        .executableTarget(name: "notegate-fuzz-imap",
                          dependencies: ["FuzzHarness", "IMAPSource", "GatewayConfig", "NoteExtraction"],
                          path: "Sources/FuzzIMAP", swiftSettings: strictSwift),

        // A private Dovecot per test; shared by every test target that needs a real IMAP server.
        .target(name: "DovecotHarness", path: "Tests/DovecotHarness", swiftSettings: strictSwift),
        // A private PostgreSQL 15 per test (initdb + pg_ctl on a free loopback port, as the postgres user).
        .target(name: "PostgresHarness", dependencies: ["DovecotHarness"], path: "Tests/PostgresHarness",
                swiftSettings: strictSwift),
        // Crafted messages that attack the parser's resources, for tests and `make bench-hostile`.
        .target(name: "HostileMail", path: "Tests/HostileMail", swiftSettings: strictSwift),

        .testTarget(name: "MailParsingTests", dependencies: ["MailParsing"], swiftSettings: strictSwift),
        .testTarget(name: "HTMLTextTests", dependencies: ["HTMLText"], swiftSettings: strictSwift),
        .testTarget(name: "NoteExtractionTests", dependencies: ["NoteExtraction", "MailParsing", "HostileMail"],
                    swiftSettings: strictSwift),
        // Runs the built `notegate` binary against real ledger files; depends on the executable so
        // `swift test` builds it first.
        .testTarget(name: "NotegateCLITests",
                    dependencies: ["notegate", "Ledger", "DovecotHarness", "LeadSquaredSandbox", "Secrets",
                                   "LedgerPostgres", "PostgresHarness"],
                    swiftSettings: strictSwift),
        .testTarget(name: "LedgerTests", dependencies: ["Ledger", "LedgerPostgres", "PostgresHarness",
                                                        .product(name: "GRDB", package: "GRDB.swift")],
                    swiftSettings: strictSwift),
        .testTarget(name: "GatewayConfigTests", dependencies: ["GatewayConfig", "Secrets"], swiftSettings: strictSwift),
        .testTarget(name: "IMAPSourceTests", dependencies: ["IMAPSource", "GatewayConfig", "DovecotHarness", logging],
                    swiftSettings: strictSwift),
        .testTarget(
            name: "LeadSquaredTests",
            dependencies: [
                "LeadSquared", "LeadSquaredSandbox", "Secrets", "DovecotHarness", "LedgerPostgres", "PostgresHarness",
                logging,
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "ObservabilityTests",
            dependencies: [
                "Observability", logging,
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift
        ),
        // Kills a real `notegate run` with SIGKILL again and again while it drains a mailbox.
        .testTarget(name: "CrashTests", dependencies: ["notegate", "DovecotHarness", "LeadSquaredSandbox", "Ledger",
                                                    "PostgresHarness"],
                    swiftSettings: strictSwift),
        .testTarget(name: "IdentitySandboxTests",
                    dependencies: ["IdentitySandbox", "DovecotHarness", "IMAPSource", "GatewayConfig", "OAuth", "Secrets",
                                   "notegate", "LeadSquaredSandbox", logging,
                                   .product(name: "CryptoExtras", package: "swift-crypto"),
                                   .product(name: "AsyncHTTPClient", package: "async-http-client")],
                    swiftSettings: strictSwift),
        .testTarget(name: "GatewayTests",
                    dependencies: ["Gateway", "Ledger", "NoteExtraction", "LeadSquared", "LeadSquaredSandbox",
                                   "DovecotHarness", "GatewayConfig", "IMAPSource", "Secrets", "Observability", logging,
                                   "LedgerPostgres", "PostgresHarness",
                                   .product(name: "GRDB", package: "GRDB.swift"),
                                   .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
                    swiftSettings: strictSwift),
    ]
)
