import Foundation
import GRDB
import Synchronization
import Testing
@testable import Gateway
@testable import Ledger

/// Group commit: a watcher's batch through the intake against a real SQLite ledger, its transactions
/// counted on the ledger's writer.
@Suite struct BatchIntakeTests {
    @Test func aBatchOfTwentyMessagesCostsTwoLedgerTransactions() async throws {
        let fixture = try IntakeFixture()
        let commits = CommitCounter(fixture.ledger)
        let batch = (1...20).map { fixture.incoming(mail(id: "m\($0)@x", subject: "[#\($0)] Case \($0)"), uid: UInt32($0)) }

        let results = try await fixture.intake.ingest(batch)

        #expect(commits.count == 2, "one to mark the batch in hand, one to record it with the checkpoint")
        #expect(results.map(\.queuedTicket) == Array(1...20))
        #expect(try await fixture.ledger.checkpoint(account: "support", folder: "INBOX")?.lastUID == 20)
        #expect(try await fixture.ledger.beginHandling(batch.map(\.location)),
                "recording the batch ended the handling of every message")
        let single = fixture.incoming(mail(id: "alone@x", subject: "[#21] Alone"), uid: 21)
        let before = commits.count
        _ = try await fixture.intake.ingest(single)
        #expect(commits.count - before == 3, "the single path: begin, end and record")
    }

    @Test func aReplyToAMessageEarlierInTheBatchGetsItsTicket() async throws {
        let fixture = try IntakeFixture()
        let batch = [
            fixture.incoming(mail(id: "parent@x", subject: "[#77] Case"), uid: 1),
            fixture.incoming(mail(id: "untagged@x", subject: "Hello"), uid: 2),
            fixture.incoming(mail(id: "child@x", subject: "Re: Case", inReplyTo: "parent@x"), uid: 3),
            fixture.incoming(mail(id: "other@x", subject: "Re: Hello", inReplyTo: "untagged@x"), uid: 4),
        ]

        let results = try await fixture.intake.ingest(batch)

        #expect(results[2].queuedTicket == 77, "got \(results[2])")
        guard case .skipped(_, let reason) = results[3] else { Issue.record("expected skipped, got \(results[3])"); return }
        #expect(reason == "no-ticket", "a skipped message is not a thread's ticket, in a batch as in the ledger")
    }

    /// The watcher prepares a batch while the batch before it is recorded: the reply's thread is looked up
    /// when it is finished, after its parent's batch was.
    @Test func aBatchPreparedBeforeTheBatchBeforeItIsRecordedFollowsItsThread() async throws {
        let fixture = try IntakeFixture()
        let first = [fixture.incoming(mail(id: "parent@x", subject: "[#77] Case"), uid: 1)]
        let second = [fixture.incoming(mail(id: "child@x", subject: "Re: Case", inReplyTo: "parent@x"), uid: 2)]

        let preparedFirst = try await fixture.intake.prepare(first)
        let preparedSecond = try await fixture.intake.prepare(second)
        _ = try await preparedFirst.finish()
        let results = try await preparedSecond.finish()

        #expect(results.map(\.queuedTicket) == [77], "got \(results)")
        #expect(try await fixture.ledger.checkpoint(account: "support", folder: "INBOX")?.lastUID == 2)
    }

    @Test func aPreparedBatchAbandonedIsNoLongerInHandAndNothingOfItIsRecorded() async throws {
        let fixture = try IntakeFixture()
        let batch = (1...3).map { fixture.incoming(mail(id: "m\($0)@x", subject: "[#\($0)] Case"), uid: UInt32($0)) }

        let prepared = try await fixture.intake.prepare(batch)
        await prepared.abandon()

        #expect(try await fixture.ledger.counts().values.reduce(0, +) == 0, "nothing recorded")
        #expect(try await fixture.ledger.beginHandling(batch.map(\.location)),
                "abandoning released every message: none counts as a death")
    }

    @Test func aBatchWithAMessageInHandWhenTheProcessDiedGoesOneMessageAtATime() async throws {
        let fixture = try IntakeFixture()
        let batch = (1...3).map { fixture.incoming(mail(id: "m\($0)@x", subject: "[#\($0)] Case"), uid: UInt32($0)) }
        // The process died while it handled the second message.
        _ = try await fixture.ledger.beginHandling(batch[1].location)
        let commits = CommitCounter(fixture.ledger)

        let results = try await fixture.intake.ingest(batch)

        #expect(results.map(\.queuedTicket) == [1, 2, 3], "one death is not enough to dead-letter")
        // The batch is not marked (its transaction writes nothing); then each message by itself: begin, end,
        // record.
        #expect(commits.count == 1 + 3 * 3)
        #expect(try await fixture.ledger.beginHandling(batch.map(\.location)))
    }

    /// A batch that goes one message at a time holds the batches after it until it has finished (the watcher
    /// prepares none meanwhile): a poison message among it then dies with nothing else in hand. A batch marked
    /// in hand at once does not hold them.
    @Test func aBatchGoingOneMessageAtATimeHoldsLaterBatchesAndOnlyIt() async throws {
        let fixture = try IntakeFixture()
        let batch = (1...3).map { fixture.incoming(mail(id: "m\($0)@x", subject: "[#\($0)] Case"), uid: UInt32($0)) }
        let next = (4...5).map { fixture.incoming(mail(id: "m\($0)@x", subject: "[#\($0)] Case"), uid: UInt32($0)) }
        _ = try await fixture.ledger.beginHandling(batch[1].location)

        let oneByOne = try await fixture.intake.prepare(batch)
        let grouped = try await fixture.intake.prepare(next)

        #expect(oneByOne.holdsLaterBatches)
        #expect(!grouped.holdsLaterBatches)
        await grouped.abandon()
    }

    @Test func aMessageInHandAtTwoDeathsIsDeadLetteredAloneAndItsNeighboursAreQueued() async throws {
        let fixture = try IntakeFixture()
        let batch = (1...3).map { fixture.incoming(mail(id: "m\($0)@x", subject: "[#\($0)] Case"), uid: UInt32($0)) }
        _ = try await fixture.ledger.beginHandling(batch[1].location)
        _ = try await fixture.ledger.beginHandling(batch[1].location)

        let results = try await fixture.intake.ingest(batch)

        #expect(results[0].queuedTicket == 1 && results[2].queuedTicket == 3, "got \(results)")
        guard case .deadLettered(_, let reason) = results[1] else { Issue.record("expected dead-lettered, got \(results[1])"); return }
        #expect(reason == MessageIntake.GatewayDeadLetter.crashedWhileParsing)
        #expect(try await fixture.ledger.checkpoint(account: "support", folder: "INBOX")?.lastUID == 3)
    }

    /// The watcher prepares the batches after the one it finishes: a process that dies then must not count a
    /// death against messages that were only waiting, nor the next start's preparing them again.
    @Test func preparingABatchWithAMessageInHandCountsNoDeathAgainstIt() async throws {
        let fixture = try IntakeFixture()
        let batch = (3...4).map { fixture.incoming(mail(id: "m\($0)@x", subject: "[#\($0)] Case"), uid: UInt32($0)) }
        // The process died with the batch in hand (prepared, waiting for the batch before it).
        #expect(try await fixture.ledger.beginHandling(batch.map(\.location)))
        // The next start prepares it while finishing the batch before it, and dies again before finishing it.
        _ = try await fixture.intake.prepare(batch)
        _ = try await fixture.intake.prepare(batch)

        let results = try await fixture.intake.ingest(batch)

        #expect(results.map(\.queuedTicket) == [3, 4], "no message of it was parsed when a process died: got \(results)")
    }

    /// A watcher stopping cancels the batch it is finishing: the ledger refuses the cancelled task's record,
    /// and the batch must then be released all the same, or every message of it counts a death at the next start.
    @Test func aBatchWhoseFinishIsCancelledIsNoLongerInHand() async throws {
        let fixture = try IntakeFixture()
        let batch = (1...3).map { fixture.incoming(mail(id: "m\($0)@x", subject: "[#\($0)] Case"), uid: UInt32($0)) }
        let prepared = try await fixture.intake.prepare(batch)

        let finishing = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await prepared.finish()
        }
        await #expect(throws: CancellationError.self) { try await finishing.value }

        #expect(try await fixture.ledger.counts().values.reduce(0, +) == 0, "nothing recorded")
        #expect(try await fixture.ledger.beginHandling(batch.map(\.location)), "released: none counts as a death")
    }

    @Test func aBatchInHandWhenTheProcessDiedIsRecordedWithoutDeadLetters() async throws {
        let fixture = try IntakeFixture()
        let batch = (1...3).map { fixture.incoming(mail(id: "m\($0)@x", subject: "[#\($0)] Case"), uid: UInt32($0)) }
        // The process died with the whole batch in hand.
        _ = try await fixture.ledger.beginHandling(batch.map(\.location))

        let results = try await fixture.intake.ingest(batch)

        #expect(results.map(\.queuedTicket) == [1, 2, 3])
    }
}

extension IntakeResult {
    /// The ticket of a message queued for posting; nil for any other result.
    var queuedTicket: Int? {
        guard case .queued(_, let ticketID) = self else { return nil }
        return ticketID
    }
}

/// Counts the transactions committed by a SQLite ledger's writer, from now on.
final class CommitCounter: TransactionObserver, Sendable {
    private let commits = Mutex(0)

    init(_ ledger: SQLiteLedger) {
        ledger.pool.writeWithoutTransaction { db in db.add(transactionObserver: self, extent: .observerLifetime) }
    }

    var count: Int { commits.withLock { $0 } }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { false }
    func databaseDidChange(with event: DatabaseEvent) {}
    func databaseDidCommit(_ db: Database) { commits.withLock { $0 += 1 } }
    func databaseDidRollback(_ db: Database) {}
}
