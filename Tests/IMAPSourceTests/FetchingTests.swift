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
            #expect(fetched.fetchedBytes < 2_048)
            #expect(raw.contains(text))
            #expect(raw.contains("Subject: Re: [Ticket #2048] crash log"))
            #expect(raw.contains("filename=\"crash.log\""))
            #expect(raw.contains("X-Notegate-Omitted-Size: 157"), "15 MiB once decoded")
            #expect(!raw.contains("<p>Hi team"))

            try await eventually("Dovecot's logout line") { server.lastLogout(after: logOffset) != nil }
            let (bytesSent, bodyBytes) = try #require(server.lastLogout(after: logOffset))
            print("20 MB message: size \(fetched.size), Dovecot sent \(bytesSent) bytes, body_bytes \(bodyBytes), skeleton \(fetched.raw.count)")
            #expect(bytesSent < 8_192)
            #expect(bodyBytes < 1_024)
        }

        @Test func textPastTheBudgetIsFetchedPartiallyAndMarked() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            let body = String(repeating: "lorem ipsum dolor sit amet\r\n", count: 12_000) // 336 KB
            try server.append(textMessage(subject: "[#5] long text", body: body))
            let logOffset = server.log.utf8.count
            let limit = 100_000
            let watcher = MailboxWatcher(mailbox: mailboxConfig(server, maxMessageBytes: limit), folder: "INBOX",
                                         checkpoints: InMemoryCheckpointStore(), logger: testLogger)
            let fetched = try #require(try await watcher.peekNewMessages().first)
            let raw = String(decoding: fetched.raw, as: UTF8.self)
            #expect(!fetched.isTooLarge)
            #expect(fetched.fetchedBytes <= limit)
            #expect(fetched.fetchedBytes > limit - 1_000)
            #expect(raw.contains("Subject: [#5] long text"))
            #expect(raw.contains("lorem ipsum dolor sit amet"))
            #expect(raw.contains("X-Notegate-Truncated-Size: \(body.utf8.count)"))
            let marked = raw.contains("[notegate: note truncated, 231 KB of text not fetched]")
            #expect(marked)
            let sent = try await sessionBytes(server, after: logOffset)
            print("336 KB text under a 100,000-byte budget: Dovecot sent \(sent) bytes, notegate counted \(fetched.fetchedBytes)")
            #expect(sent <= limit + 8_192)
        }

        @Test func headerOverTheBudgetIsTooLargeAndSaysSo() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            let received = (0..<100).map { "Received: from relay\($0).example.com by mx.example.com; Wed, 25 Nov 2026\r\n" }
            try server.append(Array(("Subject: [#6] many hops\r\n" + received.joined()).utf8) + textMessage(subject: "x"))
            let watcher = MailboxWatcher(mailbox: mailboxConfig(server, maxMessageBytes: 4_096), folder: "INBOX",
                                         checkpoints: InMemoryCheckpointStore(), logger: testLogger)
            let fetched = try #require(try await watcher.peekNewMessages().first)
            let raw = String(decoding: fetched.raw, as: UTF8.self)
            #expect(fetched.isTooLarge)
            #expect(fetched.tooLargeDetail == "its header alone is over 4096 bytes (max_message_bytes)")
            #expect(fetched.fetchedBytes == 4_096)
            #expect(raw.hasPrefix("Subject: [#6] many hops\r\n"))
            #expect(!raw.contains("the printer is fixed"))
        }

        @Test func headerLongerThanTheFirstLookIsFetchedOnWithinTheBudget() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            let received = (0..<1_500).map { "Received: from relay\($0).example.com by mx.example.com; Wed, 25 Nov 2026\r\n" }
            try server.append(Array(received.joined().utf8) + textMessage(subject: "[#8] after 110 KB of header"))
            let watcher = MailboxWatcher(mailbox: mailboxConfig(server, maxMessageBytes: 1_000_000), folder: "INBOX",
                                         checkpoints: InMemoryCheckpointStore(), logger: testLogger)
            let fetched = try #require(try await watcher.peekNewMessages().first)
            let raw = String(decoding: fetched.raw, as: UTF8.self)
            #expect(!fetched.isTooLarge)
            #expect(raw.contains("Subject: [#8] after 110 KB of header"))
            #expect(raw.contains("the printer is fixed."))
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

        /// The bytes Dovecot sent the sessions that ended after `logOffset`, once their logout is logged.
        func sessionBytes(_ server: DovecotServer, after logOffset: Int) async throws -> Int {
            try await eventually("Dovecot's logout line") { !server.bytesSent(after: logOffset).isEmpty }
            return server.bytesSent(after: logOffset).reduce(0, +)
        }
    }
}
