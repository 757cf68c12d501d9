import Foundation
import Testing
import Ledger

@Suite struct RecordingTests {
    @Test(arguments: LedgerBackend.allCases)
    func newMessageToPostStartsPending(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let id = try await ledger.recordNew("<Invoice-1@Vendor.Example>", ticketID: 143)

            let entry = try await ledger.existing(id)
            #expect(entry.state == .pending)
            #expect(entry.ticketID == 143)
            #expect(entry.noteHash == noteHash)
            #expect(entry.note == note)
            #expect(entry.messageID == "Invoice-1@vendor.example")
            #expect(entry.key.rawValue == "mid:Invoice-1@vendor.example")
            #expect(entry.subject == "Re: [#143] Invoice")
            #expect(entry.from == "Vendor <billing@vendor.example>")
            #expect(entry.attempts == 0)
            #expect(entry.createdAt == fixture.clock.now)
            #expect(entry.sightings == [Sighting(
                location: MessageLocation(account: "support", folder: "INBOX", uidValidity: 1, uid: 1),
                seenAt: fixture.clock.now)])
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func skippedMessageKeepsReasonAndNamedTicket(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let result = try await ledger.record(
                sighting("auto@vendor.example"), decision: .skip(reason: "auto-reply", ticketID: 77, draftNote: nil), checkpoint: nil)

            guard case let .new(id) = result else { Issue.record("expected a new entry, got \(result)"); return }
            let entry = try await ledger.existing(id)
            #expect(entry.state == .skipped(reason: "auto-reply"))
            #expect(entry.ticketID == 77)
            #expect(entry.noteHash == nil)
            #expect(entry.note == nil)
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func skipKeepsItsDraftNoteForALaterAssign(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let result = try await ledger.record(
                sighting("untagged@vendor.example"), decision: .skip(reason: "no-ticket", ticketID: nil, draftNote: note),
                checkpoint: nil)
            guard case let .new(id) = result else { Issue.record("expected a new entry, got \(result)"); return }
            let assigned = try await ledger.assign(id, ticketID: 12)
            #expect(assigned.state == .pending)
            #expect(assigned.note == note)
            #expect(assigned.noteHash == noteHash)
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func skipWithoutANoteCannotBeAssigned(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let result = try await ledger.record(
                sighting("broken@vendor.example"), decision: .skip(reason: "malformed", ticketID: nil, draftNote: nil),
                checkpoint: nil)
            guard case let .new(id) = result else { Issue.record("expected a new entry, got \(result)"); return }
            await #expect(throws: LedgerError.nothingToPost(id)) { try await ledger.assign(id, ticketID: 12) }
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func sameMessageIDInAnotherFolderIsAlreadySeen(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let id = try await ledger.recordNew("dup@vendor.example")
            fixture.clock.advance(seconds: 60)

            let again = try await ledger.record(
                sighting("<dup@Vendor.EXAMPLE>", account: "sales", folder: "Archive", uid: 9),
                decision: .post(ticketID: 999, note: "other"), checkpoint: nil)

            #expect(again == .alreadySeen(id, .pending))
            let entry = try await ledger.existing(id)
            #expect(entry.ticketID == 143, "the second sighting's decision must not change the entry")
            #expect(entry.sightings.map(\.location) == [
                MessageLocation(account: "support", folder: "INBOX", uidValidity: 1, uid: 1),
                MessageLocation(account: "sales", folder: "Archive", uidValidity: 1, uid: 9),
            ])
            #expect(try await ledger.counts()[.pending] == 1)
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func messageIDsDifferingInTheLocalPartAreDifferentMessages(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            _ = try await ledger.recordNew("Case@vendor.example", uid: 1)

            let other = try await ledger.record(
                sighting("case@vendor.example", uid: 2), decision: .post(ticketID: 143, note: note), checkpoint: nil)

            guard case .new = other else { Issue.record("the local part is case-sensitive, got \(other)"); return }
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func uidValidityResetIsRecordedAsSeenAndReportsPosted(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let id = try await ledger.entry(in: .posted, messageID: "old@vendor.example")

            let again = try await ledger.record(
                sighting("old@vendor.example", uidValidity: 2, uid: 1),
                decision: .post(ticketID: 143, note: note), checkpoint: nil)

            #expect(again == .alreadySeen(id, .posted))
            let entry = try await ledger.existing(id)
            #expect(entry.state == .posted)
            #expect(entry.sightings.map(\.location.uidValidity) == [1, 2])
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func samePlaceSeenTwiceAddsOneSighting(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let id = try await ledger.recordNew("once@vendor.example")
            _ = try await ledger.record(
                sighting("once@vendor.example"), decision: .post(ticketID: 143, note: note), checkpoint: nil)

            #expect(try await ledger.existing(id).sightings.count == 1)
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func messagesWithoutMessageIDAreKeyedByContent(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            func contentSighting(body: String, uid: UInt32) -> MessageSighting {
                MessageSighting(
                    key: MessageKey(messageID: nil, from: "a@b.c", date: "Mon, 2 Nov 2026 09:00:00 +0000",
                                    subject: "Hello", body: body),
                    messageID: nil, subject: "Hello", from: "a@b.c",
                    location: MessageLocation(account: "support", folder: "INBOX", uidValidity: 1, uid: uid))
            }
            let first = try await ledger.record(
                contentSighting(body: "text", uid: 1), decision: .post(ticketID: 1, note: note), checkpoint: nil)
            let copy = try await ledger.record(
                contentSighting(body: "text", uid: 2), decision: .post(ticketID: 1, note: note), checkpoint: nil)
            let other = try await ledger.record(
                contentSighting(body: "other text", uid: 3), decision: .post(ticketID: 1, note: note), checkpoint: nil)

            guard case let .new(id) = first else { Issue.record("expected a new entry, got \(first)"); return }
            #expect(copy == .alreadySeen(id, .pending))
            guard case .new = other else { Issue.record("a different body is a different message, got \(other)"); return }
            #expect(try await ledger.existing(id).messageID == nil)
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func concurrentSightingsOfOneMessageMakeOneEntry(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let results = try await withThrowingTaskGroup(of: RecordResult.self) { group in
                for uid in UInt32(1)...20 {
                    group.addTask {
                        try await ledger.record(
                            sighting("race@vendor.example", folder: "F\(uid)", uid: uid),
                            decision: .post(ticketID: 143, note: note), checkpoint: nil)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }

            let newCount = results.filter { if case .new = $0 { true } else { false } }.count
            #expect(newCount == 1)
            #expect(try await ledger.list(LedgerFilter()).map(\.sightings.count) == [20])
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func batchRecordsInOrderWithOneCheckpoint(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let requests = [
                RecordRequest(sighting: sighting("a@vendor.example", uid: 1), decision: .post(ticketID: 1, note: note)),
                RecordRequest(sighting: sighting("b@vendor.example", uid: 2), decision: .skip(reason: "bulk", ticketID: nil, draftNote: nil)),
                RecordRequest(sighting: sighting("a@vendor.example", folder: "Copies", uid: 3),
                              decision: .post(ticketID: 1, note: note)),
            ]
            let checkpoint = MailboxCheckpoint(account: "support", folder: "INBOX", uidValidity: 1, lastUID: 3)

            let results = try await ledger.record(requests, checkpoint: checkpoint)

            guard case let .new(a) = results[0], case let .new(b) = results[1] else {
                Issue.record("expected two new entries, got \(results)"); return
            }
            #expect(results[2] == .alreadySeen(a, .pending))
            #expect(try await ledger.existing(b).state == .skipped(reason: "bulk"))
            #expect(try await ledger.existing(a).sightings.map(\.location.folder) == ["INBOX", "Copies"])
            #expect(try await ledger.checkpoint(account: "support", folder: "INBOX") == checkpoint)
        }
    }
}
