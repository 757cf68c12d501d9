import DovecotHarness
import GatewayConfig
import IMAPSource
import Testing

extension DovecotSuite {
    @Suite("TLS verification against a real Dovecot")
    struct TLSVerificationTests {
        @Test("A certificate from an unknown CA is refused before logging in", arguments: [
            MailboxConfig.Transport.imaps, .starttls,
        ])
        func untrustedCertificateIsRefused(transport: MailboxConfig.Transport) async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            for caFile in [nil, server.certificates.unrelatedCAFile] {
                let config = mailboxConfig(server, transport: transport, caFile: .some(caFile))
                let watcher = MailboxWatcher(mailbox: config, folder: "INBOX", checkpoints: InMemoryCheckpointStore(),
                                             logger: testLogger)
                let error = await #expect(throws: IMAPError.self) { try await watcher.peekNewMessages() }
                #expect(error?.code == .tlsUntrusted)
                #expect(error?.message.contains("tls.ca_file") == true)
            }
            #expect(!server.log.contains("Login: user=<\(server.user)>, method=PLAIN, rip=127.0.0.1, lip=127.0.0.1, mpid"))
        }

        @Test("A certificate signed by the CA in tls.ca_file is accepted", arguments: [
            MailboxConfig.Transport.imaps, .starttls,
        ])
        func trustedCertificateIsAccepted(transport: MailboxConfig.Transport) async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            try server.append(textMessage(subject: "Ticket #42"))
            let watcher = MailboxWatcher(mailbox: mailboxConfig(server, transport: transport), folder: "INBOX",
                                         checkpoints: InMemoryCheckpointStore(), logger: testLogger)
            let messages = try await watcher.peekNewMessages()
            #expect(messages.map(\.uid) == [1])
        }

        @Test func plainTransportWithoutAllowInsecureIsRefused() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            let watcher = MailboxWatcher(mailbox: mailboxConfig(server, transport: .plain), folder: "INBOX",
                                         checkpoints: InMemoryCheckpointStore(), logger: testLogger)
            let error = await #expect(throws: IMAPError.self) { try await watcher.peekNewMessages() }
            #expect(error?.code == .insecureRefused)

            let log = LogCapture()
            let insecure = MailboxWatcher(mailbox: mailboxConfig(server, transport: .plain, allowInsecure: true),
                                          folder: "INBOX", checkpoints: InMemoryCheckpointStore(), logger: log.logger)
            #expect(try await insecure.peekNewMessages().isEmpty)
            #expect(try await insecure.peekNewMessages().isEmpty)
            let warning = "IMAP connection is not encrypted (allow_insecure is set)"
            #expect(log.messages(at: .warning) == [warning, warning], "a warning on every connect")
        }
    }
}
