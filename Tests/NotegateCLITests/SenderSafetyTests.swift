import Foundation
import Testing

/// When anyone may add notes (no `senders.allow`, no `require_dmarc_pass`), `check` says so, without failing.
@Suite struct SenderSafetyTests {
    @Test func checkWarnsWhenEverySenderIsAccepted() async throws {
        let config = try SenderConfig(senders: "")
        defer { config.remove() }
        let result = try await NotegateBinary.run(["check", "--offline", "--config", config.path])
        #expect(result.status == 0, "a warning is not a failure: \(result.stdout)")
        let warning = try #require(result.lines.first { $0.hasPrefix("WARN  senders") })
        #expect(warning.contains("anyone who knows the gateway's address and a ticket number"))
        #expect(warning.contains("senders.allow"))
        #expect(warning.contains("require_dmarc_pass"))
        #expect(result.lines.last == "notegate check: ready")
    }

    @Test func checkIsQuietWhenSendersAreLimited() async throws {
        for senders in ["senders:\n  allow: [vendor.example]\n",
                        "senders:\n  require_dmarc_pass: true\n  trusted_authserv_id: mx.support.example\n"] {
            let config = try SenderConfig(senders: senders)
            defer { config.remove() }
            let result = try await NotegateBinary.run(["check", "--offline", "--config", config.path])
            #expect(result.status == 0, "\(result.stdout)")
            #expect(!result.stdout.contains("WARN"), "\(senders): \(result.stdout)")
        }
    }
}

/// A complete config file in a temporary folder, with its secrets in files beside it.
private struct SenderConfig {
    let folder: URL
    var path: String { folder.appendingPathComponent("notegate.yaml").path }

    init(senders: String) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("notegate-senders-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["imap-password", "access-key", "secret-key"] {
            try Data("secret".utf8).write(to: folder.appendingPathComponent(name))
        }
        let yaml = """
            mailboxes:
              - name: support
                host: imap.example.com
                username: notes@example.com
                password_file: \(folder.appendingPathComponent("imap-password").path)
            leadsquared:
              host: https://api.example.com
              tenant_id: "1"
              access_key_file: \(folder.appendingPathComponent("access-key").path)
              secret_key_file: \(folder.appendingPathComponent("secret-key").path)
            ledger:
              path: \(folder.appendingPathComponent("ledger.sqlite").path)

            """ + senders
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}
