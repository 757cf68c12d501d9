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

    @Test func aCutSubjectIsNamedInTheMarkerAndTheWholeBodyIsNotCalledOmitted() throws {
        // About 5 KB of Subject line; it may take an eighth of a 4096-byte note, so about 4.5 KB of it is cut.
        let subject = "[#9] " + String(repeating: "long ", count: 1_000)
        let extractor = NoteExtractor(configuration: .init(maximumNoteBytes: 4096))
        let action = extractor.decide(rawMessage: message(subject: subject, body: "The printer works again.")).action
        guard case .post(_, let note) = action else {
            Issue.record("expected a post, got \(action)")
            return
        }
        #expect(note.hasSuffix("…\n\nThe printer works again.\n\n[notegate: note truncated, 4 KB of the Subject line omitted]"),
                "\(note)")
        #expect(!note.contains("of text"), "the body is whole")
    }

    @Test func aCutSubjectAndACutBodyAreBothCounted() throws {
        let subject = "[#9] " + String(repeating: "long ", count: 1_000)
        let body = String(repeating: "0123456789 abcdefghij\n", count: 2_000)
        let extractor = NoteExtractor(configuration: .init(maximumNoteBytes: 4096))
        let action = extractor.decide(rawMessage: message(subject: subject, body: body)).action
        guard case .post(_, let note) = action else {
            Issue.record("expected a post, got \(action)")
            return
        }
        #expect(note.utf8.count <= 4096)
        let marker = try #require(note.split(separator: "\n").last)
        #expect(marker.hasPrefix("[notegate: note truncated, "), "\(marker)")
        #expect(marker.hasSuffix(" KB of text and 4 KB of the Subject line omitted]"), "\(marker)")
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

@Suite struct NoteSizeLimitTests {
    static let limits = [1024, 4096, 64 * 1024, 1 << 20]

    /// A message whose From, Subject, body and attachment line are each far larger than a note.
    static func oversized(bodyBytes: Int) -> [UInt8] {
        let name = String(repeating: "Name ", count: 2_000)
        let subject = String(repeating: "Subject ", count: 2_000)
        var text = "From: \"\(name)\" <dana@vendor.example>\r\nSubject: [#9] \(subject)\r\n"
            + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
            + String(repeating: "body line\r\n", count: bodyBytes / 11) + "\r\n"
        for index in 0..<600 {
            text += "--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; "
                + "filename=\"a-rather-long-attachment-name-number-\(index).pdf\"\r\n\r\nJVBERi0=\r\n"
        }
        return Array((text + "--b--\r\n").utf8)
    }

    @Test(arguments: limits)
    func aNoteNeverExceedsTheLimitWhateverIsLong(_ limit: Int) throws {
        let extractor = NoteExtractor(configuration: .init(maximumNoteBytes: limit))
        for bodyBytes in [10, 8 << 20] {
            guard case .post(let ticket, let note) = extractor.decide(rawMessage: Self.oversized(bodyBytes: bodyBytes)).action else {
                Issue.record("expected a post at \(limit) bytes")
                continue
            }
            #expect(ticket == 9)
            #expect(note.utf8.count <= limit, "\(note.utf8.count) bytes at a limit of \(limit)")
            #expect(note.hasPrefix("From: Name Name"))
            #expect(note.contains("\nSubject: [#9] Subject Subject"))
            #expect(note.contains("\nAttachments: a-rather-long-attachment-name-number-0.pdf (8 bytes)"))
            if bodyBytes > limit {
                #expect(note.contains("\n\n[notegate: note truncated, "))
            }
            if limit <= 64 * 1024 {
                let lines = note.split(separator: "\n")
                #expect(lines.filter { $0.hasSuffix("…") }.count == 3, "From, Subject and Attachments lines are cut")
            }
        }
    }

    @Test func shortHeaderLinesAreNotCut() {
        let decision = NoteExtractor(configuration: .init(maximumNoteBytes: 1024)).decide(rawMessage: message(
            subject: "[#9] Short", body: "Hello."))
        #expect(decision.action == .post(ticketID: 9, note: """
            From: Dana <dana@vendor.example>
            Date: Tue, 24 Nov 2026 09:15:00 +0100
            Subject: [#9] Short

            Hello.
            """))
    }
}
