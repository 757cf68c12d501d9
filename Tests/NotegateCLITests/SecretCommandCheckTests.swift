import Foundation
import Testing

/// `notegate check` reading `oauth_token_command`s as an operator would run it: a hung command fails its line
/// within its timeout, a command's standard error never reaches notegate's output, and the command line is
/// never printed.
@Suite struct SecretCommandCheckTests {
    @Test func tokenCommandsAreBoundedQuietAndNeverQuoted() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("notegate-token-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["access-key", "secret-key"] {
            try Data("secret".utf8).write(to: folder.appendingPathComponent(name))
        }
        func mailbox(_ name: String, command: String, timeout: Int? = nil) -> String {
            """
              - name: \(name)
                host: imap.example.com
                username: \(name)@example.com
                auth: xoauth2
                oauth_token_command: '\(command)'
            \(timeout.map { "    oauth_token_command_timeout_seconds: \($0)\n" } ?? "")
            """
        }
        let yaml = "mailboxes:\n"
            + mailbox("chatty", command: "echo CHATTY-STDERR-MARKER refreshing >&2; echo ya29.token")
            + mailbox("hung", command: "sleep 60 # HUNG-COMMAND-MARKER", timeout: 1)
            + mailbox("failing", command: "echo invalid_grant for client FAILING-ARGUMENT-MARKER >&2; exit 3")
            + """
            leadsquared:
              host: https://api.example.com
              tenant_id: "1"
              access_key_file: \(folder.appendingPathComponent("access-key").path)
              secret_key_file: \(folder.appendingPathComponent("secret-key").path)
            ledger:
              path: \(folder.appendingPathComponent("ledger.sqlite").path)
            senders:
              allow: [vendor.example]

            """
        let config = folder.appendingPathComponent("notegate.yaml").path
        try yaml.write(toFile: config, atomically: true, encoding: .utf8)

        let result = try await NotegateBinary.run(["check", "--offline", "--config", config])
        #expect(result.status == 1, "\(result.stdout)")
        let output = result.stdout + result.stderr
        #expect(result.lines.contains { $0.hasPrefix("ok    mailbox chatty OAuth token") }, "\(result.stdout)")
        #expect(!output.contains("CHATTY-STDERR-MARKER"), "a command's stderr is captured, not passed through")
        let hung = try #require(result.lines.first { $0.contains("mailbox hung OAuth token") })
        #expect(hung.hasPrefix("FAIL"))
        #expect(hung.contains("did not finish within 1 s and was killed"), "\(hung)")
        let failing = try #require(result.lines.first { $0.contains("mailbox failing OAuth token") })
        #expect(failing.contains("exited with status 3: invalid_grant for client FAILING-ARGUMENT-MARKER"),
                "the first stderr line is quoted: \(failing)")
        #expect(!output.contains("HUNG-COMMAND-MARKER") && !output.contains("exit 3") && !output.contains("sleep 60"),
                "the command line is never printed: \(output)")
    }
}
