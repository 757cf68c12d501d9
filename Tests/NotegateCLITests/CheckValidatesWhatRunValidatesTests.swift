import Foundation
import Testing

/// `notegate check --offline` is the unit's ExecStartPre: it must refuse every config that `run` refuses before it
/// connects anywhere, and say why in the same words, because both go through the same code.
@Suite struct CheckValidatesWhatRunValidatesTests {
    /// A config whose only fault is `extra`; secrets in files, the ledger in a folder of its own.
    static func config(in folder: URL, extra: String) throws -> String {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let secret = folder.appendingPathComponent("secret").path
        try "s3cret".write(toFile: secret, atomically: true, encoding: .utf8)
        let path = folder.appendingPathComponent("notegate.yaml").path
        try """
            mailboxes:
              - name: support
                host: 127.0.0.1
                port: 1
                username: notes
                password_file: \(secret)
            leadsquared:
              host: http://127.0.0.1:1
              tenant_id: "t"
              access_key_file: \(secret)
              secret_key_file: \(secret)
              allow_insecure: true
            ledger:
              path: \(folder.appendingPathComponent("ledger.sqlite").path)
            \(extra)
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let faults: [(name: String, extra: String, message: String)] = [
        ("ticket pattern without a capture group", "notes:\n  ticket_pattern: \"#[0-9]+\"",
         "must have exactly one capture group"),
        ("ticket pattern that is no regular expression", "notes:\n  ticket_pattern: \"[#(\"",
         "is not a valid regular expression"),
        ("sender address without a domain", "senders:\n  allow: [\"dana@\"]", "an address needs a local part and a domain"),
    ]

    @Test(arguments: faults.map(\.name))
    func checkRefusesWhatRunRefusesWithTheSameMessage(_ name: String) async throws {
        let fault = try #require(Self.faults.first { $0.name == name })
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("notegate-check-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = try Self.config(in: folder, extra: fault.extra)

        let check = try await NotegateBinary.run(["check", "--offline", "--config", config])
        #expect(check.status == 1, "check passed a config run refuses: \(check.stdout)")
        let failure = check.lines.first { $0.hasPrefix("FAIL  note rules") }
        #expect(failure?.contains(fault.message) == true, "check: \(check.stdout)")

        // `once` builds the runtime exactly as `run` does, and stops at the same fault before connecting.
        let once = try await NotegateBinary.run(["once", "--config", config])
        #expect(once.status != 0)
        #expect((once.stderr + once.stdout).contains(fault.message), "once: \(once.stderr) \(once.stdout)")
    }

    @Test func aValidConfigPassesTheRunSetupChecks() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("notegate-check-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = try Self.config(in: folder, extra: "notes:\n  ticket_pattern: \"\\\\[T-([0-9]+)\\\\]\"")
        let check = try await NotegateBinary.run(["check", "--offline", "--config", config])
        #expect(check.status == 0, "\(check.stdout)")
        #expect(check.lines.contains { $0.hasPrefix("ok    note rules") })
        #expect(check.lines.contains { $0.hasPrefix("ok    leadsquared settings") })
    }

    @Test func aCredentialOutsideSystemdSaysWhereItIsLookedFor() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("notegate-check-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var config = try String(contentsOfFile: try Self.config(in: folder, extra: ""), encoding: .utf8)
        config = config.replacingOccurrences(of: "password_file: \(folder.appendingPathComponent("secret").path)",
                                             with: "password_file: ${CREDENTIALS_DIRECTORY}/imap-password")
        let path = folder.appendingPathComponent("credentials.yaml").path
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        // The tests themselves may run under systemd: run the binary without CREDENTIALS_DIRECTORY.
        let process = Process()
        process.executableURL = NotegateBinary.productsDirectory.appendingPathComponent("notegate")
        process.arguments = ["check", "--offline", "--config", path]
        process.environment = ProcessInfo.processInfo.environment.filter { $0.key != "CREDENTIALS_DIRECTORY" }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        let failure = stdout.split(separator: "\n").first { $0.hasPrefix("FAIL  mailbox support password") }
        #expect(failure?.contains("${CREDENTIALS_DIRECTORY}") == true, "\(stdout)")
        #expect(failure?.contains("LoadCredential=") == true, "\(stdout)")
    }
}
