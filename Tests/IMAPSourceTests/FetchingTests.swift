import DovecotHarness
import Foundation
import GatewayConfig
import IMAPSource
import Testing

extension DovecotSuite {
    @Suite("What is fetched, and what is left on the server")
    struct FetchingTests {
        /// A reply with a text/plain body, its HTML twin, and a 20 MB attachment.
        static func messageWithLargeAttachment() -> (message: [UInt8], text: String) {
            let text = "Hi team,\r\nplease see the attached log for ticket #2048.\r\n"
            let attachment = Data((0..<(15 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 2654435761 >> 13) })
                .base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
            let message = """
            From: Customer <customer@example.com>\r
            To: support@example.com\r
            Subject: Re: [Ticket #2048] crash log\r
            Message-ID: <large-attachment@example.com>\r
            MIME-Version: 1.0\r
            Content-Type: multipart/mixed; boundary="outer"\r
            \r
            --outer\r
            Content-Type: multipart/alternative; boundary="inner"\r
            \r
            --inner\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            \(text)\r
            --inner\r
            Content-Type: text/html; charset=utf-8\r
            \r
            <p>Hi team,</p><p>please see the attached log for ticket #2048.</p>\r
            --inner--\r
            \r
            --outer\r
            Content-Type: application/octet-stream; name="crash.log"\r
            Content-Disposition: attachment; filename="crash.log"\r
            Content-Transfer-Encoding: base64\r
            \r
            \(attachment)\r
            --outer--\r

            """
            return (Array(message.utf8), text)
        }

        @Test func largeAttachmentIsNeverDownloaded() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            let (message, text) = Self.messageWithLargeAttachment()
            try server.append(message)
            let logOffset = server.log.utf8.count
            let watcher = MailboxWatcher(mailbox: mailboxConfig(server), folder: "INBOX",
                                         checkpoints: InMemoryCheckpointStore(), logger: testLogger)
            let fetched = try #require(try await watcher.peekNewMessages().first)
            let raw = String(decoding: fetched.raw, as: UTF8.self)
            #expect(fetched.size > 20_000_000)
            #expect(!fetched.isTooLarge)
            #expect(raw.contains(text))
            #expect(raw.contains("Subject: Re: [Ticket #2048] crash log"))
            #expect(raw.contains("filename=\"crash.log\""))
            #expect(raw.contains("X-Notegate-Omitted-Size: 2"))
            #expect(!raw.contains("<p>Hi team"))

            var figures = server.lastLogout(after: logOffset)
            for _ in 0..<50 where figures == nil {
                try await Task.sleep(for: .milliseconds(20))
                figures = server.lastLogout(after: logOffset)
            }
            let (bytesSent, bodyBytes) = try #require(figures)
            print("20 MB message: size \(fetched.size), Dovecot sent \(bytesSent) bytes, body_bytes \(bodyBytes), skeleton \(fetched.raw.count)")
            #expect(bytesSent < 8_192)
            #expect(bodyBytes < 1_024)
        }

        @Test func messageAboveTheLimitIsReportedTooLargeWithoutText() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            try server.append(textMessage(subject: "big", body: String(repeating: "lorem ipsum ", count: 2_000)))
            let watcher = MailboxWatcher(mailbox: mailboxConfig(server, maxMessageBytes: 4_096), folder: "INBOX",
                                         checkpoints: InMemoryCheckpointStore(), logger: testLogger)
            let fetched = try #require(try await watcher.peekNewMessages().first)
            #expect(fetched.isTooLarge)
            #expect(!String(decoding: fetched.raw, as: UTF8.self).contains("lorem ipsum"))
            #expect(String(decoding: fetched.raw, as: UTF8.self).contains("Subject: big"))
        }

        @Test func fetchingNeverSetsSeen() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            try server.append(textMessage(subject: "small"))
            try server.append(Self.messageWithLargeAttachment().message)
            let watcher = MailboxWatcher(mailbox: mailboxConfig(server), folder: "INBOX",
                                         checkpoints: InMemoryCheckpointStore(), logger: testLogger)
            #expect(try await watcher.peekNewMessages().count == 2)
            let recorder = MessageRecorder()
            let task = startWatching(watcher, recorder: recorder, outcome: .failed)
            _ = try await recorder.waitFor(2)
            await stop(task)
            #expect(try server.flags(in: "INBOX") == [1: [], 2: []])
        }

        @Test func outcomesApplyTheirConfiguredActions() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            let actions = MailboxConfig.OutcomeActions(posted: .move(folder: "notegate/posted"), skipped: .seen,
                                                       failed: .keep)
            for outcome in ["posted", "skipped", "failed"] {
                try server.append(textMessage(subject: outcome))
            }
            let watcher = MailboxWatcher(mailbox: mailboxConfig(server, actions: actions), folder: "INBOX",
                                         checkpoints: InMemoryCheckpointStore(), logger: testLogger)
            let outcomes: [UInt32: MessageOutcome] = [1: .posted, 2: .skipped, 3: .failed]
            let recorder = MessageRecorder()
            let task = Task {
                try await watcher.run { message in
                    await recorder.record(message)
                    return outcomes[message.uid] ?? .failed
                }
            }
            _ = try await recorder.waitFor(3)
            await stop(task)
            // Dovecot's Maildir separates folder levels with a dot.
            #expect(try server.folders().contains("notegate.posted"))
            #expect(try server.flags(in: "notegate.posted").count == 1)
            #expect(try server.flags(in: "INBOX") == [2: ["\\Seen"], 3: []])

            let deleting = MailboxWatcher(mailbox: mailboxConfig(server, actions: .init(failed: .delete)), folder: "INBOX",
                                          checkpoints: InMemoryCheckpointStore(), logger: testLogger)
            let second = MessageRecorder()
            let deleteTask = startWatching(deleting, recorder: second, outcome: .failed)
            _ = try await second.waitFor(2)
            await stop(deleteTask)
            #expect(try server.flags(in: "INBOX").isEmpty)
        }
    }
}
