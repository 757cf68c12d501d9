import Foundation
import GRDB
import Testing
import Ledger

@Suite struct OperatorTests {
    @Test(arguments: LedgerBackend.allCases)
    func listFiltersByStateTicketAndTimeNewestFirst(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let old = try await ledger.recordNew("old@vendor.example", ticketID: 1, uid: 1)
            fixture.clock.advance(seconds: 3600)
            let since = fixture.clock.now
            let pending = try await ledger.recordNew("new@vendor.example", ticketID: 2, uid: 2)
            let dead = try await ledger.entry(in: .dead, messageID: "dead@vendor.example")

            #expect(try await ledger.list(LedgerFilter()).map(\.id) == [dead, pending, old])
            #expect(try await ledger.list(LedgerFilter(state: .pending)).map(\.id) == [pending, old])
            #expect(try await ledger.list(LedgerFilter(ticketID: 1)).map(\.id) == [old])
            #expect(try await ledger.list(LedgerFilter(since: since)).map(\.id) == [dead, pending])
            #expect(try await ledger.list(LedgerFilter(state: .pending, since: since)).map(\.id) == [pending])
            #expect(try await ledger.list(LedgerFilter(limit: 2)).map(\.id) == [dead, pending])
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func entryShowsEverythingRecorded(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let id = try await ledger.entry(in: .posted)

            let entry = try await ledger.existing(id)
            #expect(entry.state == .posted)
            #expect(entry.attempts == 1)
            #expect(entry.apiResponse == #"{"Status":"Success"}"#)
            #expect(entry.sightings.count == 1)
            #expect(try await ledger.entry(LedgerEntryID(rawValue: 999)) == nil)
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func retryAllDeadQueuesEveryDeadEntry(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let dead = [
                try await ledger.entry(in: .dead, messageID: "d1@vendor.example"),
                try await ledger.entry(in: .dead, messageID: "d2@vendor.example"),
            ]
            let uncertain = try await ledger.entry(in: .uncertain, messageID: "u@vendor.example")

            #expect(try await ledger.retryAllDead() == 2)

            for id in dead {
                let entry = try await ledger.existing(id)
                #expect(entry.state == .pending)
                #expect(entry.attempts == 0)
            }
            #expect(try await ledger.existing(uncertain).state == .uncertain)
            #expect(try await ledger.retryAllDead() == 0)
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func assignGivesASkippedMessageATicket(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let id = try await ledger.entry(in: .skipped)

            let entry = try await ledger.assign(id, ticketID: 321)

            #expect(entry.state == .pending)
            #expect(entry.ticketID == 321)
            #expect(try await ledger.duePosts(now: .distantPast, limit: 10).map(\.id) == [id])
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func assignRefusesAPostedEntry(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let id = try await ledger.entry(in: .posted)

            await #expect(throws: LedgerError.illegalTransition(id, from: .posted, operation: "assign a ticket to")) {
                try await ledger.assign(id, ticketID: 321)
            }
            #expect(try await ledger.existing(id).ticketID == 143)
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func forgottenMessageIsNewWhenSeenAgain(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let id = try await ledger.entry(in: .posted, messageID: "again@vendor.example")

            try await ledger.forget(id)

            #expect(try await ledger.entry(id) == nil)
            let result = try await ledger.record(
                sighting("again@vendor.example"), decision: .post(ticketID: 143, note: note), checkpoint: nil)
            guard case let .new(newID) = result else { Issue.record("expected a new entry, got \(result)"); return }
            #expect(newID != id)
            #expect(try await ledger.existing(newID).sightings.count == 1)
        }
    }

    @Test func forgettingRemovesTheSightingsToo() async throws {
        let fixture = try LedgerFixture()
        let ledger = try fixture.open()
        let id = try await ledger.entry(in: .dead)

        try await ledger.forget(id)

        let sightings = try await DatabaseQueue(path: fixture.path).read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sightings")
        }
        #expect(sightings == 0)
    }

    @Test(arguments: LedgerBackend.allCases)
    func longListsCarryEveryEntrysSightings(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            _ = try await ledger.record((UInt32(1)...1_201).map { uid in
                RecordRequest(sighting: sighting("m\(uid)@vendor.example", uid: uid), decision: .post(ticketID: 1, note: note))
            }, checkpoint: nil)

            let entries = try await ledger.list(LedgerFilter())

            #expect(entries.count == 1_201)
            #expect(entries.allSatisfy { $0.sightings.map(\.location.uid) == [UInt32($0.id.rawValue)] })
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func forgettingAnUnknownEntryIsNotFound(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            await #expect(throws: LedgerError.notFound(LedgerEntryID(rawValue: 5))) {
                try await ledger.forget(LedgerEntryID(rawValue: 5))
            }
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func countsCoverEveryState(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            for (index, state) in [LedgerState.Name.posted, .posted, .dead, .skipped].enumerated() {
                _ = try await ledger.entry(in: state, messageID: "m\(index)@vendor.example")
            }

            let counts = try await ledger.counts()

            #expect(counts == [.posted: 2, .dead: 1, .skipped: 1, .pending: 0, .posting: 0, .retrying: 0, .uncertain: 0])
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func duePostsArePendingAndDueRetriesOldestFirst(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let now = fixture.clock.now
            let dueRetry = try await ledger.recordNew("retry-due@vendor.example", uid: 1)
            let pending = try await ledger.recordNew("pending@vendor.example", uid: 2)
            let laterRetry = try await ledger.recordNew("retry-later@vendor.example", uid: 3)
            _ = try await ledger.entry(in: .posted, messageID: "posted@vendor.example")
            _ = try await ledger.entry(in: .dead, messageID: "dead@vendor.example")
            for (id, delay) in [(dueRetry, -1.0), (laterRetry, 60.0)] {
                try await ledger.beginPosting(id, noteHash: noteHash)
                try await ledger.markRetrying(id, error: "HTTP 503", nextAttemptAt: now.addingTimeInterval(delay))
            }

            #expect(try await ledger.duePosts(now: now, limit: 10).map(\.id) == [dueRetry, pending])
            #expect(try await ledger.duePosts(now: now, limit: 1).map(\.id) == [dueRetry])
            #expect(try await ledger.duePosts(now: now.addingTimeInterval(60), limit: 10).map(\.id)
                == [dueRetry, pending, laterRetry])
        }
    }
}
