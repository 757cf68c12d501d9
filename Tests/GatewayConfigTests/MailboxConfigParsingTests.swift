import Secrets
import Foundation
import GatewayConfig
import Testing

@Suite struct MailboxConfigParsingTests {
    @Test func minimalMailboxGetsDocumentedDefaults() throws {
        let config = try GatewayConfiguration.parse(yaml: """
        mailboxes:
          - name: support
            host: imap.example.com
            username: notes@example.com
            password_env: NOTEGATE_IMAP_PASSWORD
        """)
        let mailbox = try #require(config.mailboxes.first)
        #expect(mailbox.port == 993)
        #expect(mailbox.transport == .imaps)
        #expect(mailbox.tls == .init(verify: true, caFile: nil))
        #expect(mailbox.authentication == .login(password: .environment("NOTEGATE_IMAP_PASSWORD")))
        #expect(mailbox.folders == ["INBOX"])
        #expect(mailbox.actions == .init(posted: .move(folder: "notegate/posted"),
                                         skipped: .move(folder: "notegate/skipped"), failed: .keep))
        #expect(mailbox.configurationRetrySeconds == 900)
    }

    @Test func aParkedMailboxRetriesAfterItsOwnInterval() throws {
        let config = try GatewayConfiguration.parse(yaml: """
        mailboxes:
          - name: support
            host: imap.example.com
            username: notes@example.com
            password_env: PW
            configuration_retry_seconds: 60
        """)
        #expect(config.mailboxes.first?.configurationRetrySeconds == 60)
        let error = #expect(throws: ConfigError.self) {
            try GatewayConfiguration.parse(yaml: """
            mailboxes:
              - name: support
                host: imap.example.com
                username: notes@example.com
                password_env: PW
                configuration_retry_seconds: 0
            """)
        }
        #expect(error?.keyPath == "mailboxes[0].configuration_retry_seconds")
    }

    @Test func exampleConfigFileIsValid() throws {
        let path = #filePath.replacingOccurrences(of: "Tests/GatewayConfigTests/MailboxConfigParsingTests.swift",
                                                  with: "config/notegate.example.yaml")
        let config = try GatewayConfiguration.load(path: path)
        #expect(config.mailboxes.count == 1)
        #expect(config.mailboxes[0].authentication == .login(password: .environment("NOTEGATE_IMAP_PASSWORD")))
    }

    @Test func plainTransportWithoutAllowInsecureNamesKeyAndLine() throws {
        let error = #expect(throws: ConfigError.self) {
            try GatewayConfiguration.parse(yaml: """
            mailboxes:
              - name: support
                host: imap.example.com
                transport: plain
                username: notes@example.com
                password_file: /run/secrets/imap
            """)
        }
        #expect(error?.keyPath == "mailboxes[0].transport")
        #expect(error?.line == 4)
        #expect(error?.description.contains("allow_insecure") == true)
    }

    @Test func misspeltSettingIsAnError() throws {
        let error = #expect(throws: ConfigError.self) {
            try GatewayConfiguration.parse(yaml: """
            mailboxes:
              - name: support
                host: imap.example.com
                username: notes@example.com
                password_env: PW
                actions: { posted: "mvoe:done" }
            """)
        }
        #expect(error?.keyPath == "mailboxes[0].actions.posted")
        #expect(error?.line == 6)
    }

    @Test func secretsNeverPrint() {
        let secret = Secret("hunter2")
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains("hunter2"))
        #expect(secret.reveal() == "hunter2")
    }
}

@Suite struct SecretSourceTests {
    @Test func commandOutputIsTheSecretWithoutTrailingNewline() throws {
        #expect(try SecretSource.command("echo ya29.token").resolve().reveal() == "ya29.token")
    }

    @Test func missingSecretsSayWhereTheyWereLookedFor() throws {
        let unset = #expect(throws: SecretError.self) {
            try SecretSource.environment("NOTEGATE_TEST_UNSET_VARIABLE").resolve()
        }
        #expect(unset?.description.contains("NOTEGATE_TEST_UNSET_VARIABLE") == true)
        let failing = #expect(throws: SecretError.self) { try SecretSource.command("exit 3").resolve() }
        #expect(failing?.description.contains("status 3") == true)
        let emptyFile = FileManager.default.temporaryDirectory.appendingPathComponent("notegate-empty-\(UUID())").path
        try Data("\n".utf8).write(to: URL(fileURLWithPath: emptyFile))
        defer { try? FileManager.default.removeItem(atPath: emptyFile) }
        let empty = #expect(throws: SecretError.self) { try SecretSource.file(emptyFile).resolve() }
        #expect(empty?.description.contains("empty") == true)
    }
}
