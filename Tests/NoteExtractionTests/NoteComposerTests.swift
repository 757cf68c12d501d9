import Testing
import NoteExtraction

private func message(subject: String, body: String, extraHeaders: String = "") -> [UInt8] {
    Array("""
        From: Dana <dana@vendor.example>\r
        Date: Tue, 24 Nov 2026 09:15:00 +0100\r
        Subject: \(subject)\r
        Message-ID: <m1@vendor.example>\r
        \(extraHeaders)Content-Type: text/plain; charset=utf-8\r
        \r
        \(body)
        """.utf8)
}

@Suite struct NoteComposerTests {
    @Test func noteHasHeaderTextAndNothingElseWithoutAttachments() {
        let decision = NoteExtractor().decide(rawMessage: message(subject: "[#9] Hi", body: "Hello."))
        #expect(decision.action == .post(ticketID: 9, note: """
            From: Dana <dana@vendor.example>
            Date: Tue, 24 Nov 2026 09:15:00 +0100
            Subject: [#9] Hi

            Hello.
            """))
        #expect(decision.messageID == "m1@vendor.example")
    }

    @Test func longNotesAreCutToTheConfiguredSizeWithAVisibleMarker() throws {
        let body = String(repeating: "0123456789 abcdefghij ä\n", count: 2000)
        let extractor = NoteExtractor(configuration: .init(maximumNoteBytes: 4096))
        guard case .post(_, let note) = extractor.decide(rawMessage: message(subject: "[#9] Log", body: body)).action else {
            Issue.record("expected a post")
            return
        }
        #expect(note.utf8.count <= 4096)
        #expect(note.utf8.count > 3900)
        #expect(note.hasSuffix("of text omitted]"))
        #expect(note.contains("[notegate: note truncated, "))
        #expect(note.hasPrefix("From: Dana"))
    }

    @Test func defaultCapIs64KiB() throws {
        let body = String(repeating: "x", count: 100_000)
        guard case .post(_, let note) = NoteExtractor().decide(rawMessage: message(subject: "[#9] Big", body: body)).action else {
            Issue.record("expected a post")
            return
        }
        #expect(note.utf8.count <= 64 * 1024)
        #expect(note.utf8.count > 60 * 1024)
    }

    @Test func skipsKeepTheTicketAndTheTextForInspection() {
        let decision = NoteExtractor().decide(rawMessage: message(
            subject: "Automatic reply: [#12] x", body: "Away.", extraHeaders: "Auto-Submitted: auto-replied\r\n"))
        #expect(decision.skipReason == .autoReply)
        #expect(decision.ticketID == 12)
        #expect(decision.text == "Away.")
        #expect(decision.draftNote?.hasPrefix("From: Dana <dana@vendor.example>\n") == true)
        #expect(decision.draftNote?.hasSuffix("\n\nAway.") == true)
    }

    @Test func malformedSkipSaysWhatIsWrong() {
        let decision = NoteExtractor().decide(rawMessage: [])
        #expect(decision.action == .skip(.malformed, detail: "the message is empty (0 bytes)"))
    }
}
