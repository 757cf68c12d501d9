import Testing
@testable import Gateway
import Ledger

/// A message the source could not fetch is recorded with its reason, never dropped.
@Suite struct UnreadableIntakeTests {
    @Test func unreadableMessagesAreRecordedSkippedWithTheirReasonEachOnItsOwn() async throws {
        let fixture = try IntakeFixture()
        let detail = "the server's answer for this message was incomplete or over budget 5 times: "
            + "imap.example answered UID FETCH for UID 4 without BODY[1]<0.30>"
        var ids: [LedgerEntryID] = []
        for uid: UInt32 in [4, 5] {
            var message = IncomingMessage(location: MessageLocation(account: "support", folder: "INBOX", uidValidity: 7,
                                                                    uid: uid),
                                          raw: [], size: 0)
            message.unreadableDetail = detail
            let result = try await fixture.intake.ingest(message)
            guard case .skipped(let id, let reason) = result else {
                Issue.record("expected skipped, got \(result)")
                return
            }
            #expect(reason == "unreadable")
            ids.append(id)
        }
        #expect(ids[0] != ids[1])
        let entry = try #require(try await fixture.ledger.entry(ids[0]))
        #expect(entry.lastError == detail)
        #expect(try await fixture.ledger.checkpoint(account: "support", folder: "INBOX")?.lastUID == 5)
    }
}
