import DovecotHarness
import Foundation
import Gateway
import GatewayConfig
import Ledger
import Testing

/// `max_message_bytes` bounds what notegate fetches for one message, never what a message carries
/// but notegate does not read: the whole gateway against Dovecot, with the bytes Dovecot sent read
/// from its log.
@Suite(.serialized) struct LargeMessageTests {
    @Test func forwardWithA30MBAttachmentIsPostedAndOnlyAFewKBAreFetched() async throws {
        try await GatewayFixture.with { fixture in
            try fixture.dovecot.append(Self.forwardWithAttachment(bytes: 30 * 1024 * 1024))
            let logOffset = fixture.dovecot.log.utf8.count

            let summary = try await fixture.once(fixture.configuration())
            #expect(summary.posted == 1)
            let note = try #require(await fixture.sandbox.account.notes().first)
            #expect(note.ticketID == 4711)
            #expect(note.text.contains("The nightly export failed again, log attached."))
            #expect(note.text.contains("Subject: Export job crashes"), "the forwarded message's header is read too")
            #expect(note.text.contains("Attachments: export.log (30.0 MB)"))
            print("forward with a 30 MB attachment: the note is\n\(note.text)")

            let sent = try await Self.bytesSent(fixture.dovecot, after: logOffset)
            print("forward with a 30 MB attachment: Dovecot sent \(sent) bytes in all")
            #expect(sent < 16 * 1024)
        }
    }

    @Test func a40MBTextPartIsPostedTruncatedWithAtMostTheBudgetFetched() async throws {
        try await GatewayFixture.with { fixture in
            let line = "2026-11-24 09:15:00 worker-3 retrying the export of batch 1234567\r\n"
            let text = String(repeating: line, count: 40 * 1024 * 1024 / line.utf8.count)
            try fixture.dovecot.append(Array(email(id: "long@x", subject: "[#4712] Export log inline", body: "")
                .replacingOccurrences(of: "\n", with: "\r\n").utf8) + Array(text.utf8))
            let logOffset = fixture.dovecot.log.utf8.count
            var mailbox = fixture.mailbox()
            let budget = 2 * 1024 * 1024
            mailbox.maxMessageBytes = budget

            let summary = try await fixture.once(fixture.configuration(mailboxes: [mailbox]))
            let recorded = try await fixture.readLedger().list(LedgerFilter()).map { "\($0.state) \($0.lastError ?? "")" }
            #expect(summary.posted == 1, "ledger: \(recorded)")
            let note = try #require(await fixture.sandbox.account.notes().first)
            #expect(note.ticketID == 4712)
            #expect(note.text.contains("retrying the export of batch 1234567"))
            #expect(note.text.contains("[notegate: note truncated"))
            print("40 MB text part: the note (\(note.text.utf8.count) bytes) ends with: \(note.text.suffix(120))")

            let sent = try await Self.bytesSent(fixture.dovecot, after: logOffset)
            print("40 MB text part under a 2 MiB budget: Dovecot sent \(sent) bytes in all")
            #expect(sent <= budget + 16 * 1024)
        }
    }

    @Test func onlyAHeaderOverTheBudgetMakesAMessageTooLarge() async throws {
        try await GatewayFixture.with { fixture in
            let hops = (0..<100).map { "Received: from relay\($0).example.com by mx.example.com; Tue, 24 Nov 2026" }
            try fixture.append(email(id: "hops@x", subject: "[#4713] Many hops", extraHeaders: hops))
            var mailbox = fixture.mailbox()
            mailbox.maxMessageBytes = 4_096

            let summary = try await fixture.once(fixture.configuration(mailboxes: [mailbox]))
            #expect(summary.posted == 0)
            #expect(summary.skipped == ["too-large": 1])
            let entry = try #require(try await fixture.readLedger().list(LedgerFilter()).first)
            #expect(entry.lastError == "its header alone is over 4096 bytes (max_message_bytes)")
            #expect(entry.subject == "[#4713] Many hops")
        }
    }

    /// The bytes Dovecot sent every session that ended after `logOffset`; waits for a logout line.
    static func bytesSent(_ server: DovecotServer, after logOffset: Int) async throws -> Int {
        _ = try await waitFor("Dovecot's logout line") { server.bytesSent(after: logOffset).count }
        return server.bytesSent(after: logOffset).reduce(0, +)
    }

    /// An agent forwards a customer's mail as an attachment (message/rfc822), which itself carries a
    /// log file of `bytes` (base64 in the message).
    static func forwardWithAttachment(bytes: Int) -> [UInt8] {
        let chunk = Data((0..<57).map { UInt8($0 * 7 % 256) }).base64EncodedString() + "\r\n"
        let attachment = String(repeating: chunk, count: bytes / 57)
        return Array("""
        From: Agent <agent@support.example>\r
        To: notes@support.example\r
        Subject: Fwd: [#4711] Export job crashes\r
        Date: Tue, 24 Nov 2026 10:00:00 +0100\r
        Message-ID: <forward-large@support.example>\r
        MIME-Version: 1.0\r
        Content-Type: multipart/mixed; boundary="outer"\r
        \r
        --outer\r
        Content-Type: text/plain; charset=utf-8\r
        \r
        Forwarding the customer's report.\r
        --outer\r
        Content-Type: message/rfc822\r
        Content-Disposition: inline\r
        \r
        From: Customer <customer@example.com>\r
        Subject: Export job crashes\r
        Date: Mon, 23 Nov 2026 22:00:00 +0100\r
        Message-ID: <customer-report@example.com>\r
        MIME-Version: 1.0\r
        Content-Type: multipart/mixed; boundary="inner"\r
        \r
        --inner\r
        Content-Type: text/plain; charset=utf-8\r
        \r
        The nightly export failed again, log attached.\r
        --inner\r
        Content-Type: text/plain; name="export.log"\r
        Content-Disposition: attachment; filename="export.log"\r
        Content-Transfer-Encoding: base64\r
        \r
        \(attachment)--inner--\r
        \r
        --outer--\r

        """.utf8)
    }
}
