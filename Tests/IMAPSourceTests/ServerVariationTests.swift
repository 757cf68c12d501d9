import DovecotHarness
import Foundation
import GatewayConfig
import IMAPSource
import Testing

extension DovecotSuite {
    @Suite("Servers and settings that differ from the usual")
    struct ServerVariationTests {
        @Test func serverWithoutIdleOrMoveIsPolledAndMovedByCopy() async throws {
            let server = try DovecotServer(capabilities: "IMAP4rev1 LITERAL+ SASL-IR ENABLE UIDPLUS")
            defer { server.stop() }
            let config = mailboxConfig(server, actions: .init(posted: .move(folder: "done")), pollIntervalSeconds: 1)
            let log = LogCapture()
            let watcher = MailboxWatcher(mailbox: config, folder: "INBOX", checkpoints: InMemoryCheckpointStore(),
                                         logger: log.logger)
            let recorder = MessageRecorder()
            let task = startWatching(watcher, recorder: recorder, outcome: .posted)
            defer { task.cancel() }
            try await Task.sleep(for: .milliseconds(500))
            try server.append(textMessage(subject: "polled"))
            _ = try await recorder.waitFor(1, timeout: .seconds(60))
            await stop(task)
            #expect(try server.flags(in: "done").count == 1)
            #expect(try server.flags(in: "INBOX").isEmpty)
            #expect(log.metadata(of: "IMAP connected").first?["idle"] == "false")
        }

        @Test func certificateForAnotherHostIsRefused() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            var config = mailboxConfig(server)
            config.host = "localhost"
            let watcher = MailboxWatcher(mailbox: config, folder: "INBOX", checkpoints: InMemoryCheckpointStore(),
                                         logger: testLogger)
            let error = await #expect(throws: IMAPError.self) { try await watcher.peekNewMessages() }
            #expect(error?.code == .tlsHostnameMismatch)
        }

        @Test func saslPlainLogsIn() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            var config = mailboxConfig(server)
            config.authentication = .plain(password: .file(server.passwordFile))
            let watcher = MailboxWatcher(mailbox: config, folder: "INBOX", checkpoints: InMemoryCheckpointStore(),
                                         logger: testLogger)
            #expect(try await watcher.peekNewMessages().isEmpty)
            #expect(server.log.contains("method=PLAIN"))
        }

        @Test func wrongPasswordIsAnAuthenticationError() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            let wrongPassword = server.directory.appendingPathComponent("wrong-password").path
            try "not the password".write(toFile: wrongPassword, atomically: true, encoding: .utf8)
            var config = mailboxConfig(server)
            config.authentication = .login(password: .file(wrongPassword))
            let watcher = MailboxWatcher(mailbox: config, folder: "INBOX", checkpoints: InMemoryCheckpointStore(),
                                         logger: testLogger)
            let error = await #expect(throws: IMAPError.self) { try await watcher.peekNewMessages() }
            #expect(error?.code == .authenticationFailed)
            #expect(error?.isRetryable == false, "a refused login parks the mailbox instead of retrying soon")
            #expect(error?.message.contains("not the password") == false)
        }

        @Test func forwardedMessageTextIsFetchedButItsAttachmentIsNot() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            let attachment = String(repeating: "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=\r\n", count: 4_000)
            let message = """
            From: Agent <agent@example.com>\r
            Subject: Fwd: [Ticket #77] refund\r
            Message-ID: <forward@example.com>\r
            MIME-Version: 1.0\r
            Content-Type: multipart/mixed; boundary="a"\r
            \r
            --a\r
            Content-Type: text/plain\r
            \r
            See the customer's mail below.\r
            --a\r
            Content-Type: message/rfc822\r
            Content-Disposition: inline\r
            \r
            From: Customer <customer@example.com>\r
            Subject: refund please\r
            Content-Type: multipart/mixed; boundary="b"\r
            \r
            --b\r
            Content-Type: text/plain\r
            \r
            I would like my money back.\r
            --b\r
            Content-Type: application/zip; name="receipts.zip"\r
            Content-Disposition: attachment; filename="receipts.zip"\r
            Content-Transfer-Encoding: base64\r
            \r
            \(attachment)\r
            --b--\r
            \r
            --a--\r

            """
            try server.append(Array(message.utf8))
            let watcher = MailboxWatcher(mailbox: mailboxConfig(server), folder: "INBOX",
                                         checkpoints: InMemoryCheckpointStore(), logger: testLogger)
            let fetched = try #require(try await watcher.peekNewMessages().first)
            let raw = String(decoding: fetched.raw, as: UTF8.self)
            #expect(fetched.size > 64 * 1024, "small messages are fetched whole; this one must take the two-step path")
            #expect(raw.contains("See the customer's mail below."))
            #expect(raw.contains("Subject: refund please"))
            #expect(raw.contains("I would like my money back."))
            #expect(raw.contains("filename=\"receipts.zip\""))
            #expect(!raw.contains("QUJDREVG"))
        }
    }
}
