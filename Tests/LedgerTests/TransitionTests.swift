import Foundation
import Testing
import Ledger

/// Every operation from every state: legal ones land in the expected state, illegal ones throw and
/// change nothing. The expected table is written out here, apart from the ledger's own.
@Suite struct TransitionTests {
    enum Operation: String, CaseIterable, CustomTestStringConvertible {
        case beginPosting, markPosted, markRetrying, markDead, markUncertain, markPending, retry, assign

        var testDescription: String { rawValue }

        /// The state each legal starting state ends in.
        var expected: [LedgerState.Name: LedgerState.Name] {
            switch self {
            case .beginPosting: [.pending: .posting, .retrying: .posting]
            case .markPosted: [.posting: .posted]
            case .markRetrying: [.posting: .retrying]
            case .markDead: [.posting: .dead, .pending: .dead, .retrying: .dead]
            case .markUncertain: [.posting: .uncertain]
            case .markPending: [.posting: .pending]
            case .retry: [.dead: .pending, .uncertain: .pending, .retrying: .pending]
            case .assign: [.skipped: .pending, .pending: .pending, .retrying: .pending, .dead: .pending,
                           .uncertain: .pending]
            }
        }

        func run(on ledger: any LedgerStore, _ id: LedgerEntryID) async throws {
            switch self {
            case .beginPosting: try await ledger.beginPosting(id, noteHash: noteHash)
            case .markPosted: try await ledger.markPosted(id, response: "{}", checkpoint: nil)
            case .markRetrying: try await ledger.markRetrying(id, error: "HTTP 503", nextAttemptAt: .distantFuture)
            case .markDead: try await ledger.markDead(id, reason: "HTTP 400")
            case .markUncertain: try await ledger.markUncertain(id, error: "timeout after send", policy: .hold)
            case .markPending: try await ledger.markPending(id, error: "HTTP 401: check the access key")
            case .retry: try await ledger.retry(id)
            case .assign: try await ledger.assign(id, ticketID: 200)
            }
        }
    }

    /// Every operation from `start`, each on its own entry of one ledger (a ledger per pair would cost a
    /// PostgreSQL database per pair).
    @Test(arguments: LedgerBackend.allCases, LedgerState.Name.allCases)
    func operationFromState(backend: LedgerBackend, start: LedgerState.Name) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            for operation in Operation.allCases {
                let id = try await ledger.entry(in: start, messageID: "\(operation.rawValue)@vendor.example")
                let before = try await ledger.existing(id)

                if let target = operation.expected[start] {
                    try await operation.run(on: ledger, id)
                    #expect(try await ledger.existing(id).state.name == target, "\(operation.rawValue)")
                } else {
                    let error = await #expect(throws: LedgerError.self, "\(operation.rawValue)") {
                        try await operation.run(on: ledger, id)
                    }
                    #expect(error?.description.hasSuffix("ledger entry \(id): it is \(start.rawValue).") == true,
                            "\(operation.rawValue)")
                    #expect(try await ledger.existing(id) == before,
                            "an illegal \(operation.rawValue) must change nothing")
                }
            }
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func beginPostingCountsTheAttemptAndRecordsTheNoteHash(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let id = try await ledger.entry(in: .retrying)
            let sent = NoteHash(noteText: "rebuilt note")

            let entry = try await ledger.beginPosting(id, noteHash: sent)

            #expect(entry.state == .posting)
            #expect(entry.attempts == 2)
            #expect(entry.noteHash == sent)
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func postedKeepsTheResponseAndTime(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let id = try await ledger.entry(in: .posting)
            fixture.clock.advance(seconds: 5)

            let entry = try await ledger.markPosted(id, response: #"{"Id":"n-1"}"#, checkpoint: nil)

            #expect(entry.state == .posted)
            #expect(entry.apiResponse == #"{"Id":"n-1"}"#)
            #expect(entry.postedAt == fixture.clock.now)
            #expect(entry.updatedAt == fixture.clock.now)
            #expect(entry.createdAt == fixture.clock.now.addingTimeInterval(-5))
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func retryingKeepsErrorAndNextAttemptTime(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let id = try await ledger.entry(in: .posting)
            let next = Date(timeIntervalSince1970: 1_800_000_300)

            let entry = try await ledger.markRetrying(id, error: "HTTP 429", nextAttemptAt: next)

            #expect(entry.state == .retrying(nextAttemptAt: next))
            #expect(entry.lastError == "HTTP 429")
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func deadKeepsItsReason(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let id = try await ledger.entry(in: .dead)
            #expect(try await ledger.existing(id).state == .dead(reason: "HTTP 400: note too long"))
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func retryFromUncertainCountsAPossibleDuplicateAndResetsAttempts(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let id = try await ledger.entry(in: .uncertain)

            let entry = try await ledger.retry(id)

            #expect(entry.state == .pending)
            #expect(entry.uncertainReposts == 1)
            #expect(entry.attempts == 0)
            #expect(entry.lastError == "connection reset after request was sent")
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func retryFromDeadIsNoPossibleDuplicate(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let id = try await ledger.entry(in: .dead)
            #expect(try await ledger.retry(id).uncertainReposts == 0)
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func unknownEntryIsNotFound(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let missing = LedgerEntryID(rawValue: 42)
            await #expect(throws: LedgerError.notFound(missing)) {
                try await ledger.beginPosting(missing, noteHash: noteHash)
            }
        }
    }

    @Test func illegalTransitionSaysWhatAndWhy() {
        let error = LedgerError.illegalTransition(LedgerEntryID(rawValue: 7), from: .posted, operation: "retry")
        #expect(error.description == "cannot retry ledger entry 7: it is posted.")
    }
}
