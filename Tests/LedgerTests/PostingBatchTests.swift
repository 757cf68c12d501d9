import Foundation
import Ledger
import Testing

/// The batch forms of the posting transitions, on both backends (SQLite's one transaction, PostgreSQL's
/// single calls): every entry gets its own result, and one refused transition leaves the others recorded.
@Suite struct PostingBatchTests {
    @Test(arguments: LedgerBackend.allCases)
    func batchWithOneIllegalTransitionStillRecordsTheOthers(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger in
            let first = try await ledger.recordNew("a@vendor.example", ticketID: 1, uid: 2)
            let skipped = try await ledger.entry(in: .skipped, messageID: "b@vendor.example")
            let second = try await ledger.recordNew("c@vendor.example", ticketID: 2, uid: 3)

            let begun = try await ledger.beginPosting([first, skipped, second, first].map {
                PostAttempt.Start(entryID: $0, noteHash: noteHash)
            })

            #expect(begun.count == 4)
            #expect(try begun[0].get().state == .posting)
            #expect(try begun[2].get().state == .posting)
            #expect(Self.refusal(begun[1]) == .illegalTransition(skipped, from: .skipped, operation: "begin posting"))
            #expect(Self.refusal(begun[3]) == .illegalTransition(first, from: .posting, operation: "begin posting"),
                    "the batch sees its own earlier transitions")
            #expect(try await ledger.existing(first).attempts == 1, "the refused second start counted no attempt")
            #expect(try await ledger.existing(skipped).state.name == .skipped)

            let nextAttempt = Date(timeIntervalSince1970: 1_900_000_000)
            let ended = try await ledger.endPosting([
                PostAttempt.End(entryID: first, outcome: .posted(response: #"{"Status":"Success"}"#, checkpoint: nil)),
                PostAttempt.End(entryID: skipped, outcome: .posted(response: "{}", checkpoint: nil)),
                PostAttempt.End(entryID: LedgerEntryID(rawValue: 9_999), outcome: .dead(reason: "gone")),
                PostAttempt.End(entryID: second, outcome: .retrying(error: "HTTP 500", nextAttemptAt: nextAttempt)),
            ])

            #expect(ended.count == 4)
            #expect(try ended[0].get().state == .posted)
            #expect(try ended[0].get().sightings.map(\.dueAction) == [.posted], "committed with the outcome")
            #expect(Self.refusal(ended[1]) == .illegalTransition(skipped, from: .skipped, operation: "record the post of"))
            #expect(Self.refusal(ended[2]) == .notFound(LedgerEntryID(rawValue: 9_999)))
            #expect(try ended[3].get().state == .retrying(nextAttemptAt: nextAttempt))
            #expect(try await ledger.existing(first).state == .posted)
            #expect(try await ledger.existing(second).state == .retrying(nextAttemptAt: nextAttempt))
            #expect(try await ledger.existing(skipped).state.name == .skipped)
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func everyOutcomeOfTheBatchFormMatchesItsSingleCall(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger in
            let checkpoint = MailboxCheckpoint(account: "support", folder: "INBOX", uidValidity: 1, lastUID: 5)
            let outcomes: [PostAttempt.Outcome] = [
                .posted(response: "{}", checkpoint: checkpoint),
                .retrying(error: "HTTP 503", nextAttemptAt: Date(timeIntervalSince1970: 1_900_000_000)),
                .dead(reason: "HTTP 400: note too long"),
                .uncertain(error: "connection reset after the request was sent", policy: .hold),
                .uncertain(error: "connection reset after the request was sent", policy: .repost),
                .pending(error: "HTTP 401"),
            ]
            var batchIDs: [LedgerEntryID] = []
            var singleIDs: [LedgerEntryID] = []
            for index in outcomes.indices {
                batchIDs.append(try await ledger.recordNew("batch\(index)@vendor.example", uid: UInt32(index + 1)))
                singleIDs.append(try await ledger.recordNew("single\(index)@vendor.example", uid: UInt32(index + 101)))
            }
            _ = try await ledger.beginPosting((batchIDs + singleIDs).map { PostAttempt.Start(entryID: $0, noteHash: noteHash) })

            let ended = try await ledger.endPosting(zip(batchIDs, outcomes).map {
                PostAttempt.End(entryID: $0, outcome: $1)
            })
            for (id, outcome) in zip(singleIDs, outcomes) {
                try await ledger.endPosting(PostAttempt.End(entryID: id, outcome: outcome))
            }

            for (index, (batchID, singleID)) in zip(batchIDs, singleIDs).enumerated() {
                let batch = try await ledger.existing(batchID)
                let single = try await ledger.existing(singleID)
                #expect(try ended[index].get() == batch)
                #expect(batch.state == single.state, "\(outcomes[index])")
                #expect(batch.lastError == single.lastError && batch.apiResponse == single.apiResponse
                        && batch.attempts == single.attempts && batch.uncertainReposts == single.uncertainReposts,
                        "\(outcomes[index])")
                #expect(batch.sightings.map(\.dueAction) == single.sightings.map(\.dueAction), "\(outcomes[index])")
            }
            #expect(try await ledger.checkpoint(account: "support", folder: "INBOX")?.lastUID == 5)
        }
    }

    private static func refusal(_ result: Result<LedgerEntry, any Error>) -> LedgerError? {
        guard case .failure(let error) = result else { return nil }
        return error as? LedgerError
    }
}
