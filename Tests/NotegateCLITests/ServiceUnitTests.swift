import Foundation
import Testing

/// `config/notegate.service`, as systemd reads it.
@Suite struct ServiceUnitTests {
    static let unit = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("config/notegate.service")
    static let analyzer = "/usr/bin/systemd-analyze"

    @Test func unitIsHardened() throws {
        let text = try String(contentsOf: Self.unit, encoding: .utf8)
        for directive in ["DynamicUser=yes", "StateDirectory=notegate", "NoNewPrivileges=yes", "ProtectSystem=strict",
                          "ProtectHome=yes", "PrivateTmp=yes", "KillSignal=SIGTERM", "Restart=on-failure"] {
            #expect(text.contains("\n\(directive)\n"), "missing \(directive)")
        }
        #expect(text.contains("ExecStart=/usr/local/bin/notegate run --config /etc/notegate/notegate.yaml"))
    }

    @Test func systemdAnalyzeVerifiesTheUnit() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.analyzer),
                     "\(Self.analyzer) is missing: `make deps` installs systemd")
        // systemd-analyze checks that ExecStart's binary exists: point it at the one just built.
        let binary = Bundle.main.bundleURL.appendingPathComponent("notegate").path
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("notegate.service")
        let text = try String(contentsOf: Self.unit, encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/notegate", with: binary)
        try text.write(to: copy, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.analyzer)
        process.arguments = ["verify", copy.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "systemd-analyze verify: \(output)")
        #expect(!output.contains("notegate.service:"), "systemd-analyze complained: \(output)")
    }
}
