import Foundation
import Gateway
import GatewayConfig
import Ledger
import Testing

/// Text past the decoded-text budget (4 × `max_note_bytes`, 256 KiB by default) is never decoded, so
/// it is never fetched either: with the default `max_message_bytes` (25 MiB), a 40 MB text part
/// costs at most 3 × the text budget (room for quoted-printable), read from Dovecot's log.
@Suite(.serialized) struct TextFetchBudgetTests {
    @Test func a40MBTextPartUnderTheDefaultMaxMessageBytesFetchesAboutTheTextBudget() async throws {
        try await GatewayFixture.with { fixture in
            let line = "2026-11-24 09:15:00 worker-3 retrying the export of batch 1234567\r\n"
            let text = String(repeating: line, count: 40 * 1024 * 1024 / line.utf8.count)
            try fixture.dovecot.append(Array(email(id: "long-default@x", subject: "[#4714] Export log inline", body: "")
                .replacingOccurrences(of: "\n", with: "\r\n").utf8) + Array(text.utf8))
            let logOffset = fixture.dovecot.log.utf8.count
            let mailbox = fixture.mailbox()
            #expect(mailbox.maxMessageBytes == 26_214_400)

            let summary = try await fixture.once(fixture.configuration(mailboxes: [mailbox]))
            let recorded = try await fixture.readLedger().list(LedgerFilter()).map { "\($0.state) \($0.lastError ?? "")" }
            #expect(summary.posted == 1, "ledger: \(recorded)")
            let note = try #require(await fixture.sandbox.account.notes().first)
            #expect(note.ticketID == 4714)
            #expect(note.text.contains("retrying the export of batch 1234567"))
            #expect(note.text.contains("[notegate: note truncated"))

            let sent = try await LargeMessageTests.bytesSent(fixture.dovecot, after: logOffset)
            print("40 MB text part under the default max_message_bytes: Dovecot sent \(sent) bytes in all")
            let textFetchBudget = 3 * 4 * 65_536
            #expect(sent <= textFetchBudget + 16 * 1024)
        }
    }
}
