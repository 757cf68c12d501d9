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
        .executable(name: "notegate-bench", targets: ["notegate-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        // C libraries, imported as-is. libetpan's pkg-config file carries flags SwiftPM rejects,
        // so its module map links it directly.
        .systemLibrary(name: "CEtPan", path: "Sources/CEtPan"),
        .systemLibrary(name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"])]),

        .target(name: "MailParsing", dependencies: ["CEtPan"], swiftSettings: strictSwift),
        .target(name: "HTMLText", dependencies: ["CLibXML2"], swiftSettings: strictSwift),
        .target(name: "NoteExtraction", dependencies: ["MailParsing", "HTMLText"], swiftSettings: strictSwift),

        // LeadSquared Service CRM: the client the pipeline posts through, and a local server that
        // behaves like the documented API for tests, the demo and benchmarks.
        .target(
            name: "LeadSquared",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictSwift
        ),
        .target(
            name: "LeadSquaredSandbox",
            dependencies: [
                "LeadSquared",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSwift
        ),

        .executableTarget(
            name: "notegate",
            dependencies: [
                "MailParsing", "NoteExtraction", "LeadSquared", "LeadSquaredSandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSwift
        ),

        // `make bench-post`: drains 500 notes through the client into an in-process sandbox (release build).
        .executableTarget(
            name: "notegate-bench",
            dependencies: [
                "LeadSquared", "LeadSquaredSandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSwift
        ),

        .testTarget(name: "MailParsingTests", dependencies: ["MailParsing"], swiftSettings: strictSwift),
        .testTarget(name: "HTMLTextTests", dependencies: ["HTMLText"], swiftSettings: strictSwift),
        .testTarget(name: "NoteExtractionTests", dependencies: ["NoteExtraction", "MailParsing"],
                    swiftSettings: strictSwift),
        .testTarget(
            name: "LeadSquaredTests",
            dependencies: [
                "LeadSquared", "LeadSquaredSandbox",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSwift
        ),
    ]
)
