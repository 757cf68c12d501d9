import Foundation
import Testing
import Ledger

/// Mailbox actions recorded with the outcome that calls for them, and cleared only once applied.
@Suite struct DueActionTests {
    private let inbox = MessageLocation(account: "support", folder: "INBOX", uidValidity: 1, uid: 1)

    @Test(arguments: LedgerBackend.allCases)
    func skipRecordsItsActionInTheSameTransaction(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            _ = try await ledger.record(sighting("auto@vendor.example", uid: 1),
                                        decision: .skip(reason: "auto-reply", ticketID: nil, draftNote: nil), checkpoint: nil)
            _ = try await ledger.recordNew("queued@vendor.example", uid: 2)

            let due = try await ledger.dueActions(account: "support", folder: "INBOX")

            #expect(due == [DueMailboxAction(location: inbox, action: .skipped)], "a queued message waits for its post")
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func postAndDeadLetterMakeTheirActionDueOnEverySighting(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let posted = try await ledger.recordNew("p@vendor.example", uid: 1)
            _ = try await ledger.record(sighting("p@vendor.example", folder: "Archive", uid: 9),
                                        decision: .post(ticketID: 143, note: note), checkpoint: nil)
            let dead = try await ledger.recordNew("d@vendor.example", uid: 2)
            try await ledger.beginPosting(posted, noteHash: noteHash)
            #expect(try await ledger.dueActions(account: "support", folder: "INBOX").isEmpty, "nothing due while posting")

            let entry = try await ledger.markPosted(posted, response: "{}", checkpoint: nil)
            try await ledger.markDead(dead, reason: "HTTP 400")

            #expect(entry.sightings.map(\.dueAction) == [.posted, .posted])
            #expect(try await ledger.dueActions(account: "support", folder: "INBOX").map(\.action) == [.posted, .failed])
            #expect(try await ledger.dueActions(account: "support", folder: "Archive").map(\.location.uid) == [9])
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func copyOfASettledMessageGetsTheSettledAction(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let id = try await ledger.entry(in: .posted, messageID: "p@vendor.example")
            try await ledger.actionsApplied(try await ledger.dueActions(account: "support", folder: "INBOX"))

            let result = try await ledger.record(sighting("p@vendor.example", uidValidity: 2, uid: 1),
                                                 decision: .post(ticketID: 143, note: note), checkpoint: nil)

            #expect(result == .alreadySeen(id, .posted))
            let moved = MessageLocation(account: "support", folder: "INBOX", uidValidity: 2, uid: 1)
            #expect(try await ledger.dueActions(account: "support", folder: "INBOX")
                == [DueMailboxAction(location: moved, action: .posted)])
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func appliedActionsAreClearedAndSurviveUntilThen(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withReopenableLedger(fixture) { open async throws in
            do {
                let ledger = try await open()
                _ = try await ledger.entry(in: .skipped, messageID: "s@vendor.example")
            }
            // A crash between the commit and the IMAP action: the action is still due after a restart.
            let reopened = try await open()
            let due = try await reopened.dueActions(account: "support", folder: "INBOX")
            #expect(due.count == 1)

            try await reopened.actionsApplied(due)

            #expect(try await reopened.dueActions(account: "support", folder: "INBOX").isEmpty)
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func clearingAnActionLeavesOneRecordedMeanwhile(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let id = try await ledger.entry(in: .dead, messageID: "d@vendor.example")
            let failed = try await ledger.dueActions(account: "support", folder: "INBOX")
            try await ledger.retry(id)
            try await ledger.beginPosting(id, noteHash: noteHash)
            try await ledger.markPosted(id, response: "{}", checkpoint: nil)

            try await ledger.actionsApplied(failed)

            #expect(try await ledger.dueActions(account: "support", folder: "INBOX").map(\.action) == [.posted])
        }
    }
}

/// The poison-message guard's record of the message in hand.
@Suite struct MessageInHandTests {
    private let location = MessageLocation(account: "support", folder: "INBOX", uidValidity: 1, uid: 1)

    @Test(arguments: LedgerBackend.allCases)
    func everyHandlingThatNeverEndedIsCountedAcrossRestarts(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withReopenableLedger(fixture) { open async throws in
            do {
                #expect(try await open().beginHandling(location) == 0)
            }
            do {
                #expect(try await open().beginHandling(location) == 1)
            }
            #expect(try await open().beginHandling(location) == 2)
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func recordingTheOutcomeOrEndingTheHandlingClearsIt(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            #expect(try await ledger.beginHandling(location) == 0)
            _ = try await ledger.recordNew("m@vendor.example", uid: 1)
            #expect(try await ledger.beginHandling(location) == 0, "the record ended the handling")

            try await ledger.endHandling(location)

            #expect(try await ledger.beginHandling(location) == 0)
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func deadLetterIsDeadWithItsReasonAndTheFailedAction(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            _ = try await ledger.beginHandling(location)

            let result = try await ledger.record(
                sighting("poison@vendor.example"),
                decision: .deadLetter(reason: "crashed-while-parsing", detail: "the process died twice"), checkpoint: nil)

            guard case .new(let id) = result else { Issue.record("expected a new entry, got \(result)"); return }
            let entry = try await ledger.existing(id)
            #expect(entry.state == .dead(reason: "crashed-while-parsing"))
            #expect(entry.lastError == "the process died twice")
            #expect(entry.sightings.map(\.dueAction) == [.failed])
            #expect(try await ledger.list(LedgerFilter(state: .dead)).map(\.id) == [id])
            #expect(try await ledger.beginHandling(location) == 0)
        }
    }
}
