// swift-tools-version: 6.1
import PackageDescription

let strictSwift: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
]

let package = Package(
    name: "notegate",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "notegate", targets: ["notegate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // C libraries, imported as-is. libetpan's pkg-config file carries flags SwiftPM rejects,
        // so its module map links it directly.
        .systemLibrary(name: "CEtPan", path: "Sources/CEtPan"),
        .systemLibrary(name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"])]),

        // The verifying TLS stream driver for libetpan, in C because it implements a C driver table.
        .target(name: "CEtPanTLS", dependencies: ["CEtPan"], linkerSettings: [.linkedLibrary("gnutls")]),

        .target(name: "MailParsing", dependencies: ["CEtPan"], swiftSettings: strictSwift),
        .target(name: "HTMLText", dependencies: ["CLibXML2"], swiftSettings: strictSwift),
        .target(name: "NoteExtraction", dependencies: ["MailParsing", "HTMLText"], swiftSettings: strictSwift),
        // Message state, dedup and checkpoints. Stores plain values only: it knows nothing of
        // parsing, IMAP or HTTP; the pipeline maps its types to and from the ledger's.
        .target(name: "Ledger", dependencies: [.product(name: "GRDB", package: "GRDB.swift")],
                swiftSettings: strictSwift),

        .target(
            name: "Gateway",
            dependencies: [
                "MailParsing", "NoteExtraction", "Ledger",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),

        .target(name: "GatewayConfig", dependencies: ["Yams"], swiftSettings: strictSwift),
        .target(
            name: "IMAPSource",
            dependencies: ["CEtPan", "CEtPanTLS", "GatewayConfig", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSwift
        ),

        .executableTarget(
            name: "notegate",
            dependencies: [
                "MailParsing", "NoteExtraction", "Ledger", "GatewayConfig", "IMAPSource",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSwift
        ),

        .executableTarget(name: "notegate-bench-parse", dependencies: ["NoteExtraction"],
                          path: "Sources/ParseBenchmark", swiftSettings: strictSwift),

        .testTarget(name: "GatewayTests", dependencies: ["Gateway", "Ledger", "NoteExtraction"],
                    swiftSettings: strictSwift),
        .testTarget(name: "MailParsingTests", dependencies: ["MailParsing"], swiftSettings: strictSwift),
        .testTarget(name: "HTMLTextTests", dependencies: ["HTMLText"], swiftSettings: strictSwift),
        .testTarget(name: "NoteExtractionTests", dependencies: ["NoteExtraction", "MailParsing"],
                    swiftSettings: strictSwift),
        // Runs the built `notegate` binary against real ledger files; depends on the executable so
        // `swift test` builds it first.
        .testTarget(name: "NotegateCLITests", dependencies: ["notegate", "Ledger"], swiftSettings: strictSwift),
        .testTarget(name: "LedgerTests", dependencies: ["Ledger", .product(name: "GRDB", package: "GRDB.swift")],
                    swiftSettings: strictSwift),
        // A private Dovecot per test suite; shared by every test target that needs a real IMAP server.
        .target(name: "DovecotHarness", path: "Tests/DovecotHarness", swiftSettings: strictSwift),
        .testTarget(name: "GatewayConfigTests", dependencies: ["GatewayConfig"], swiftSettings: strictSwift),
        .testTarget(
            name: "IMAPSourceTests",
            dependencies: ["IMAPSource", "GatewayConfig", "DovecotHarness", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSwift
        ),
    ]
)
