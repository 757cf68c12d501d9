import Foundation
import Ledger
import Testing

/// The ledger's contract, run against both backends: whatever `ledger.url` picks, the same operations
/// give the same results. Each test runs many cases on one ledger, so the PostgreSQL run starts one
/// server per test, not per case.
@Suite struct BackendContractTests {
    @Test(arguments: LedgerBackend.allCases)
    func everyOperationFromEveryState(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger in
            for start in LedgerState.Name.allCases {
                for operation in TransitionTests.Operation.allCases {
                    let id = try await ledger.entry(in: start, messageID: "\(start)-\(operation)@vendor.example")
                    let before = try await ledger.existing(id)
                    if let target = operation.expected[start] {
                        try await operation.run(on: ledger, id)
                        #expect(try await ledger.existing(id).state.name == target, "\(operation) from \(start)")
                    } else {
                        let error = await #expect(throws: LedgerError.self, "\(operation) from \(start)") {
                            try await operation.run(on: ledger, id)
                        }
                        #expect(error?.description.hasSuffix("ledger entry \(id): it is \(start.rawValue).") == true)
                        #expect(try await ledger.existing(id) == before, "an illegal \(operation) from \(start) changed it")
                    }
                }
            }
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func recordingDeduplicatesAndKeepsEverySighting(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger in
            let checkpoint = MailboxCheckpoint(account: "support", folder: "INBOX", uidValidity: 7, lastUID: 3)
            let results = try await ledger.record([
                RecordRequest(sighting: sighting("a@vendor.example", uid: 1), decision: .post(ticketID: 143, note: note)),
                RecordRequest(sighting: sighting("b@vendor.example", uid: 2),
                              decision: .skip(reason: "no-ticket", ticketID: nil, draftNote: note)),
                RecordRequest(sighting: sighting("a@vendor.example", folder: "Archive", uid: 9),
                              decision: .post(ticketID: 143, note: note)),
                RecordRequest(sighting: sighting("c@vendor.example", uid: 3),
                              decision: .deadLetter(reason: "crashed-parser", detail: "crashed twice")),
            ], checkpoint: checkpoint)
            guard case let .new(a) = results[0], case let .new(b) = results[1], case let .new(c) = results[3] else {
                Issue.record("expected new entries, got \(results)")
                return
            }
            #expect(results[2] == .alreadySeen(a, .pending))
            let first = try await ledger.existing(a)
            #expect(first.sightings.map(\.location.folder) == ["INBOX", "Archive"])
            #expect(first.note == note && first.noteHash == noteHash && first.ticketID == 143)
            #expect(first.createdAt == fixture.clock.now)
            #expect(try await ledger.existing(b).state == .skipped(reason: "no-ticket"))
            #expect(try await ledger.existing(c).state == .dead(reason: "crashed-parser"))
            #expect(try await ledger.existing(c).lastError == "crashed twice")
            #expect(try await ledger.checkpoint(account: "support", folder: "INBOX") == checkpoint)
            #expect(try await ledger.dueActions(account: "support", folder: "INBOX").map(\.action) == [.skipped, .failed])
            let counts = try await ledger.counts()
            #expect(counts[.pending] == 1 && counts[.skipped] == 1 && counts[.dead] == 1 && counts[.posted] == 0)
            #expect(try await ledger.ticketForThread(messageIDs: ["<A@VENDOR.EXAMPLE>", "<a@vendor.example>"]) == 143)
            #expect(try await ledger.ticketForThread(messageIDs: ["b@vendor.example"]) == nil)
            #expect(try await ledger.list(LedgerFilter(state: .pending)).map(\.id) == [a])
            #expect(try await ledger.list(LedgerFilter()).map(\.id) == [c, b, a])
            #expect(try await ledger.list(LedgerFilter(limit: 1)).map(\.id) == [c])
            #expect(try await ledger.list(LedgerFilter(ticketID: 143)).map(\.id) == [a])
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func checkpointsAdvanceOnlyForwardWithinOneUIDValidity(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger in
            func save(_ validity: UInt32, _ last: UInt32, start: UInt32 = 0) async throws -> MailboxCheckpoint? {
                try await ledger.saveCheckpoint(MailboxCheckpoint(account: "s", folder: "F", uidValidity: validity,
                                                                  lastUID: last, startUID: start))
                return try await ledger.checkpoint(account: "s", folder: "F")
            }
            #expect(try await ledger.checkpoint(account: "s", folder: "F") == nil)
            let first = try await save(1, 10, start: 5)
            #expect(first?.lastUID == 10)
            let behind = try await save(1, 4)
            #expect(behind == MailboxCheckpoint(account: "s", folder: "F", uidValidity: 1, lastUID: 10, startUID: 5))
            let ahead = try await save(1, 12, start: 0)
            #expect(ahead == MailboxCheckpoint(account: "s", folder: "F", uidValidity: 1, lastUID: 12, startUID: 5))
            let reset = try await save(2, 3, start: 2)
            #expect(reset == MailboxCheckpoint(account: "s", folder: "F", uidValidity: 2, lastUID: 3, startUID: 2))
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func postingLifecycleSetsDueActionsOnEverySighting(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger in
            let id = try await ledger.recordNew("m@vendor.example", uid: 4)
            _ = try await ledger.record(sighting("m@vendor.example", folder: "Other", uid: 8),
                                        decision: .post(ticketID: 143, note: note), checkpoint: nil)
            #expect(try await ledger.dueActions(account: "support", folder: "INBOX").isEmpty)
            #expect(try await ledger.duePosts(now: fixture.clock.now, limit: 10).map(\.id) == [id])
            let posting = try await ledger.beginPosting(id, noteHash: noteHash)
            #expect(posting.attempts == 1 && posting.state == .posting)
            #expect(try await ledger.duePosts(now: fixture.clock.now, limit: 10).isEmpty)
            fixture.clock.advance(seconds: 2)
            let checkpoint = MailboxCheckpoint(account: "support", folder: "INBOX", uidValidity: 1, lastUID: 4)
            let posted = try await ledger.markPosted(id, response: #"{"Status":"Success"}"#, checkpoint: checkpoint)
            #expect(posted.state == .posted && posted.postedAt == fixture.clock.now)
            #expect(posted.sightings.map(\.dueAction) == [.posted, .posted])
            #expect(try await ledger.checkpoint(account: "support", folder: "INBOX") == checkpoint)
            let due = try await ledger.dueActions(account: "support", folder: "INBOX")
            #expect(due.map(\.location.uid) == [4])
            // Applying a different action than the one due clears nothing; the right one clears it.
            try await ledger.actionsApplied([DueMailboxAction(location: due[0].location, action: .failed)])
            #expect(try await ledger.dueActions(account: "support", folder: "INBOX").count == 1)
            try await ledger.actionsApplied(due)
            #expect(try await ledger.dueActions(account: "support", folder: "INBOX").isEmpty)
            #expect(try await ledger.dueActions(account: "support", folder: "Other").count == 1)

            let retrying = try await ledger.recordNew("r@vendor.example", uid: 5)
            try await ledger.beginPosting(retrying, noteHash: noteHash)
            try await ledger.markRetrying(retrying, error: "HTTP 503", nextAttemptAt: fixture.clock.now + 60)
            #expect(try await ledger.duePosts(now: fixture.clock.now, limit: 10).isEmpty)
            #expect(try await ledger.duePosts(now: fixture.clock.now + 60, limit: 10).map(\.id) == [retrying])
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func messagesInHandCountInterruptionsUntilRecorded(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger in
            let place = MessageLocation(account: "support", folder: "INBOX", uidValidity: 1, uid: 1)
            #expect(try await ledger.beginHandling(place) == 0)
            #expect(try await ledger.beginHandling(place) == 1)
            #expect(try await ledger.beginHandling(place) == 2)
            try await ledger.endHandling(place)
            #expect(try await ledger.beginHandling(place) == 0)
            _ = try await ledger.recordNew("m@vendor.example", uid: 1)
            #expect(try await ledger.beginHandling(place) == 0, "recording the outcome ends the handling")
        }
    }

    @Test(arguments: LedgerBackend.allCases, UncertainPolicy.allCases)
    func interruptedPostsFollowThePolicyAndOperatorsActOnEntries(backend: LedgerBackend,
                                                                 policy: UncertainPolicy) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger in
            let id = try await ledger.recordNew("m@vendor.example")
            try await ledger.beginPosting(id, noteHash: noteHash)
            #expect(try await ledger.recoverInterruptedPosts(policy: policy) == [id])
            let recovered = try await ledger.existing(id)
            #expect(recovered.state == (policy == .repost ? .pending : .uncertain))
            #expect(recovered.uncertainReposts == (policy == .repost ? 1 : 0))
            #expect(recovered.lastError?.contains("may or may not be on ticket 143") == true)
            #expect(try await ledger.recoverInterruptedPosts(policy: policy).isEmpty)

            let dead = try await ledger.entry(in: .dead, messageID: "d@vendor.example")
            #expect(try await ledger.retryAllDead() == 1)
            let requeued = try await ledger.existing(dead)
            #expect(requeued.state == .pending && requeued.attempts == 0)
            let skipped = try await ledger.entry(in: .skipped, messageID: "s@vendor.example")
            #expect(try await ledger.assign(skipped, ticketID: 77).ticketID == 77)
            try await ledger.forget(skipped)
            #expect(try await ledger.entry(skipped) == nil)
            await #expect(throws: LedgerError.notFound(skipped)) { try await ledger.forget(skipped) }
            await #expect(throws: LedgerError.notFound(LedgerEntryID(rawValue: 9_999))) {
                try await ledger.retry(LedgerEntryID(rawValue: 9_999))
            }
        }
    }
}
