import Foundation
import Synchronization
import Testing
@testable import Gateway

/// A message handled alone after a crash is the only thing in hand in the process while it is: a death then
/// counts against it, not against a batch of another folder in hand at the same moment.
@Suite struct InHandGateTests {
    @Test func aMessageAloneWaitsForEveryBatchInHandAndBatchesAskingMeanwhileWaitBehindIt() async throws {
        let gate = InHandGate()
        let steps = Steps()
        let first = await gate.enterBatch()

        let alone = Task { try await gate.alone { await steps.append("alone") } }
        try await until("the message to wait") { await gate.state.waitingAlone == 1 }
        let second = Task {
            let pass = await gate.enterBatch()
            await steps.append("second batch")
            await pass.release()
        }
        try await until("the second batch to wait") { await gate.state.waitingBatches == 1 }
        #expect(await steps.log.isEmpty, "the message went in hand beside a batch")

        await first.release()
        try await alone.value
        await second.value

        #expect(await steps.log == ["alone", "second batch"], "a batch asking after the message went before it")
        let state = await gate.state
        #expect(state.batches == 0 && !state.alone && state.waitingBatches == 0 && state.waitingAlone == 0)
    }

    @Test func messagesAloneGoOneAfterTheOtherAndBatchesTogether() async throws {
        let gate = InHandGate()
        let inHand = InHandCount()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await gate.alone {
                        inHand.enter()
                        try await Task.sleep(for: .milliseconds(5))
                        inHand.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(inHand.most == 1, "two messages alone were in hand at once")

        let first = await gate.enterBatch()
        let second = await gate.enterBatch() // does not wait for the first
        #expect(await gate.state.batches == 2)
        await first.release()
        await first.release() // a second release gives nothing back twice
        #expect(await gate.state.batches == 1)
        await second.release()
    }

    /// A path that forgets to release its pass must not stall every later message handled alone.
    @Test func aPassDroppedWithoutReleaseIsGivenBack() async throws {
        let gate = InHandGate()
        do { _ = await gate.enterBatch() }
        try await until("the dropped pass to be given back") { await gate.state.batches == 0 }
        #expect(try await gate.alone { 7 } == 7)
    }

    /// Through the intake and the real ledger: a batch of another folder prepared (marked in hand, waiting to be
    /// recorded) holds a message handled alone until it is recorded.
    @Test func theIntakeHandlesAMessageAloneOnlyOnceNoBatchIsInHand() async throws {
        let fixture = try IntakeFixture()
        let batch = (1...3).map {
            fixture.incoming(mail(id: "b\($0)@x", subject: "[#\($0)] Batch"), uid: UInt32($0), folder: "Vendors")
        }
        let prepared = try await fixture.intake.prepare(batch)
        let message = fixture.incoming(mail(id: "alone@x", subject: "[#9] Alone"), uid: 1)

        let alone = Task { try await fixture.intake.ingest(message) }
        try await until("the message to wait for the batch") { await fixture.intake.gate.state.waitingAlone == 1 }
        #expect(try await fixture.ledger.counts().values.reduce(0, +) == 0, "nothing recorded yet")

        let results = try await prepared.finish()
        let result = try await alone.value

        #expect(results.map(\.queuedTicket) == [1, 2, 3])
        #expect(result.queuedTicket == 9)
    }
}

/// How many bodies run at once, and the most that ever did.
private final class InHandCount: Sendable {
    private let counts = Mutex((now: 0, most: 0))

    var most: Int { counts.withLock { $0.most } }

    func enter() {
        counts.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
    }

    func leave() {
        counts.withLock { $0.now -= 1 }
    }
}

private actor Steps {
    private(set) var log: [String] = []
    func append(_ step: String) { log.append(step) }
}

/// Waits for `condition`; fails after 30 s (a safety net, never a timing assertion).
private func until(_ what: String, _ condition: @Sendable () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(30)
    while try await !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("waited 30 s in vain for \(what)")
            throw CancellationError()
        }
        try await Task.sleep(for: .milliseconds(5))
    }
}
