import Foundation
import Testing
import Ledger

@Suite struct RecoveryTests {
    /// A ledger left by a process that died mid-call, plus entries in other states.
    private func crashedLedger(
        _ open: () async throws -> any LedgerStore
    ) async throws -> (inFlight: LedgerEntryID, others: [LedgerEntryID]) {
        let ledger = try await open()
        let inFlight = try await ledger.entry(in: .posting, messageID: "flight@vendor.example")
        var others: [LedgerEntryID] = []
        for state in [LedgerState.Name.pending, .posted, .uncertain, .dead] {
            others.append(try await ledger.entry(in: state, messageID: "\(state)@vendor.example"))
        }
        return (inFlight, others)
    }

    @Test(arguments: LedgerBackend.allCases)
    func repostQueuesInterruptedPostsAndCountsThem(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withReopenableLedger(fixture) { open async throws in
            let (inFlight, others) = try await crashedLedger(open)
            let reopened = try await open()
            let before = try await others.asyncMap { try await reopened.existing($0) }

            let recovered = try await reopened.recoverInterruptedPosts(policy: .repost)

            #expect(recovered == [inFlight])
            let entry = try await reopened.existing(inFlight)
            #expect(entry.state == .pending)
            #expect(entry.uncertainReposts == 1)
            #expect(entry.attempts == 1)
            #expect(entry.lastError?.contains("may or may not be on ticket 143") == true)
            #expect(try await others.asyncMap { try await reopened.existing($0) } == before)
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func holdLeavesInterruptedPostsUncertain(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withReopenableLedger(fixture) { open async throws in
            let (inFlight, _) = try await crashedLedger(open)
            let reopened = try await open()

            #expect(try await reopened.recoverInterruptedPosts(policy: .hold) == [inFlight])

            let entry = try await reopened.existing(inFlight)
            #expect(entry.state == .uncertain)
            #expect(entry.uncertainReposts == 0)
            #expect(try await reopened.duePosts(now: .distantFuture, limit: 10).map(\.id).contains(inFlight) == false)
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func heldPostRetriedByOperatorIsCountedAsPossibleDuplicate(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withReopenableLedger(fixture) { open async throws in
            let (inFlight, _) = try await crashedLedger(open)
            let reopened = try await open()
            _ = try await reopened.recoverInterruptedPosts(policy: .hold)

            #expect(try await reopened.retry(inFlight).uncertainReposts == 1)
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func recoveryWithNothingInFlightChangesNothing(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let id = try await ledger.entry(in: .pending)
            let before = try await ledger.existing(id)

            #expect(try await ledger.recoverInterruptedPosts(policy: .repost).isEmpty)
            #expect(try await ledger.existing(id) == before)
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self {
            results.append(try await transform(element))
        }
        return results
    }
}

@Suite struct UncertainAtRuntimeTests {
    @Test(arguments: LedgerBackend.allCases)
    func uncertainWithRepostIsQueuedAgainAndCounted(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let id = try await ledger.entry(in: .posting)
            let entry = try await ledger.markUncertain(id, error: "connection dropped after send", policy: .repost)
            #expect(entry.state == .pending)
            #expect(entry.uncertainReposts == 1)
            #expect(entry.attempts == 1)
            #expect(entry.lastError == "connection dropped after send")
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func uncertainWithHoldWaitsForAnOperator(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let id = try await ledger.entry(in: .posting)
            let entry = try await ledger.markUncertain(id, error: "timeout after send", policy: .hold)
            #expect(entry.state == .uncertain)
            #expect(entry.uncertainReposts == 0)
        }
    }
}
