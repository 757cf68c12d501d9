import DovecotHarness
import Foundation
import GatewayConfig
@testable import IMAPSource
import Testing

extension DovecotSuite {
    /// `MailboxWatcher.run(batches:)`: each fetched batch is handed over at once, in UID order; its mailbox
    /// actions are applied only once the handler returned; the next batch is fetched while one is handled,
    /// never more than that.
    @Suite("Handing over a batch at a time")
    struct BatchHandOverTests {
        /// Records the batches a watcher hands over and the fetches it starts.
        actor BatchRecorder {
            private(set) var batches: [[UInt32]] = []
            /// The flags each message had on the server while its batch was being handled.
            private(set) var flagsWhileHandled: [UInt32: [String]] = [:]

            func record(_ batch: [UInt32]) { batches.append(batch) }
            func recordFlags(_ flags: [UInt32: [String]]) { flagsWhileHandled.merge(flags) { $1 } }

            func waitForBatches(_ count: Int) async throws -> [[UInt32]] {
                try await eventually("\(count) batches") { await self.batches.count >= count }
                return batches
            }
        }

        /// Appends `messages` tagged messages and runs a watcher over them in batches of two with a two-step
        /// handler that logs each step in `steps` ("prepare", "finish", "abandon" with the batch's UIDs); each
        /// finish runs `whileFinishing` after its "finish" and then gives every message the outcome `posted`.
        /// The batches starting at a UID in `holding` are prepared with `holdsLaterBatches`; `fetches` logs the
        /// fetches started.
        fileprivate static func twoStepRun(
            _ server: DovecotServer, messages: Int, actions: MailboxConfig.OutcomeActions, steps: StepLog,
            holding: Set<UInt32> = [], fetches: FetchLog = FetchLog(),
            whilePreparing: @escaping @Sendable ([UInt32]) async throws -> Void = { _ in },
            whileFinishing: @escaping @Sendable ([UInt32]) async throws -> Void
        ) throws -> Task<Void, any Error> {
            for index in 1...messages { try server.append(textMessage(subject: "[#\(index)] two steps")) }
            var watcher = Self.watcher(server, actions: actions, batchSize: 2)
            watcher.fetchStarted = { fetches.append($0) }
            return Task {
                try await watcher.run(preparing: { messages in
                    let uids = messages.map(\.uid)
                    await steps.append("prepare", uids)
                    try await whilePreparing(uids)
                    return PreparedBatch(finish: {
                        await steps.append("finish", uids)
                        try await whileFinishing(uids)
                        return messages.map { _ in .posted }
                    }, abandon: { await steps.append("abandon", uids) }, holdsLaterBatches: holding.contains(uids[0]))
                })
            }
        }

        static func watcher(_ server: DovecotServer, actions: MailboxConfig.OutcomeActions, batchSize: Int,
                            store: InMemoryCheckpointStore = InMemoryCheckpointStore()) -> MailboxWatcher {
            var watcher = MailboxWatcher(mailbox: mailboxConfig(server, actions: actions, startFrom: .all),
                                         folder: "INBOX", checkpoints: store, logger: testLogger)
            watcher.batchSize = batchSize
            return watcher
        }

        @Test func eachBatchIsHandedOverOnceInUIDOrderAndItsActionsWaitForTheHandler() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            for index in 1...7 { try server.append(textMessage(subject: "[#\(index)] batch")) }
            let watcher = Self.watcher(server, actions: .init(posted: .seen, skipped: .keep, failed: .keep),
                                       batchSize: 3)
            let recorder = BatchRecorder()
            let task = Task {
                try await watcher.run(batches: { messages in
                    await recorder.record(messages.map(\.uid))
                    // Nothing of this batch is marked on the server before the handler returned.
                    let flags = try server.flags(in: "INBOX").filter { uid, _ in messages.contains { $0.uid == uid } }
                    await recorder.recordFlags(flags)
                    return messages.map { _ in .posted }
                })
            }
            let batches: [[UInt32]]
            do {
                batches = try await recorder.waitForBatches(3)
                try await eventually("every message marked seen") {
                    try server.flags(in: "INBOX").values.allSatisfy { $0.contains("\\Seen") }
                }
            } catch {
                await stop(task)
                throw error
            }
            await stop(task)
            #expect(batches == [[1, 2, 3], [4, 5, 6], [7]])
            let flagsWhileHandled = await recorder.flagsWhileHandled
            #expect(flagsWhileHandled.count == 7)
            #expect(flagsWhileHandled.values.allSatisfy { !$0.contains("\\Seen") })
        }

        @Test func handlerThatThrowsLeavesTheBatchUntouchedAndItComesAgain() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            for index in 1...4 { try server.append(textMessage(subject: "[#\(index)] retried")) }
            let store = InMemoryCheckpointStore()
            let watcher = Self.watcher(server, actions: .init(posted: .seen, skipped: .keep, failed: .keep),
                                       batchSize: 2, store: store)
            let refused = BatchRecorder()
            let failing = Task {
                try await watcher.run(batches: { messages in
                    await refused.record(messages.map(\.uid))
                    throw LedgerDown()
                })
            }
            await #expect(throws: LedgerDown.self) { try await failing.value }
            #expect(await refused.batches == [[1, 2]])
            #expect(try server.flags(in: "INBOX").values.allSatisfy { !$0.contains("\\Seen") })
            let checkpoint = await store.checkpoint(for: watcher.key)
            #expect(checkpoint?.lastUID == 0)

            let accepted = BatchRecorder()
            let task = Task {
                try await watcher.run(batches: { messages in
                    await accepted.record(messages.map(\.uid))
                    return messages.map { _ in .posted }
                })
            }
            let batches: [[UInt32]]
            do {
                batches = try await accepted.waitForBatches(2)
                try await eventually("every message marked seen") {
                    try server.flags(in: "INBOX").values.allSatisfy { $0.contains("\\Seen") }
                }
            } catch {
                await stop(task)
                throw error
            }
            await stop(task)
            #expect(batches == [[1, 2], [3, 4]])
            #expect(await store.checkpoint(for: watcher.key)?.lastUID == 4)
        }

        @Test func wrongNumberOfOutcomesStopsTheWatcherAndAppliesNothing() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            for index in 1...2 { try server.append(textMessage(subject: "[#\(index)] miscounted")) }
            let watcher = Self.watcher(server, actions: .init(posted: .seen, skipped: .keep, failed: .keep),
                                       batchSize: 20)
            let task = Task {
                try await watcher.run(batches: { _ in [.posted] })
            }
            let error = await #expect(throws: OutcomeCountMismatch.self) { try await task.value }
            #expect(error?.description.hasPrefix("the batch handler returned 1 outcomes for 2 messages") == true)
            #expect(try server.flags(in: "INBOX").values.allSatisfy { !$0.contains("\\Seen") })
        }

        /// While batch n is handled, the batches up to n + `batchesInFlight` - 1 are fetched, and no more
        /// (with the actions of batch n - 1 being applied meanwhile): the handler of each batch waits until
        /// the fetches allowed have started, then gives a batch too many the time to start.
        @Test(arguments: [2, 4])
        func theNextBatchesAreFetchedWhileOneIsHandledAndNoMore(batchesInFlight: Int) async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            for index in 1...9 { try server.append(textMessage(subject: "[#\(index)] pipelined")) }
            let recorder = BatchRecorder()
            let fetchLog = FetchLog()
            var watcher = Self.watcher(server, actions: .init(posted: .keep, skipped: .keep, failed: .keep),
                                       batchSize: 2)
            watcher.fetchStarted = { fetchLog.append($0) }
            watcher.batchesInFlight = batchesInFlight
            let startedWhileHandling = StartedFetches()
            let task = Task { [watcher] in
                try await watcher.run(batches: { messages in
                    let handled = await recorder.batches.count
                    await recorder.record(messages.map(\.uid))
                    // Every fetch the pipeline may start meanwhile (waited for, however slow the machine), then
                    // the time for a fetch too many to start.
                    let allowed = min(handled + batchesInFlight, 5)
                    try await eventually("\(allowed) fetches to start while batch \(handled) is handled",
                                         timeout: .seconds(30)) {
                        fetchLog.fetches.count >= allowed
                    }
                    try await Task.sleep(for: .milliseconds(200))
                    await startedWhileHandling.append(fetchLog.fetches.count)
                    return messages.map { _ in .posted }
                })
            }
            let batches: [[UInt32]]
            do {
                batches = try await recorder.waitForBatches(5)
                try await eventually("the last handler to return") { await startedWhileHandling.counts.count == 5 }
            } catch {
                await stop(task)
                throw error
            }
            await stop(task)
            #expect(batches == [[1, 2], [3, 4], [5, 6], [7, 8], [9]])
            // Batch n (from 0) is handled with batches 0...n + batchesInFlight - 1 fetched, at most all five.
            let counts = await startedWhileHandling.counts
            #expect(counts == (0..<5).map { min($0 + batchesInFlight, 5) },
                    "fetches started while each batch was handled: \(counts)")
            #expect(fetchLog.fetches == batches)
        }

        /// `run(preparing:)`: the next batch is prepared while one is finished, and the batches are finished
        /// one at a time, in UID order, each after the one before it finished.
        @Test func theNextBatchIsPreparedWhileOneIsFinishedAndTheyFinishInOrder() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            let steps = StepLog()
            let task = try Self.twoStepRun(server, messages: 7, actions: .init(posted: .keep, skipped: .keep, failed: .keep),
                                           steps: steps) { uids in
                // Held until the next batch is prepared: finishing does not wait for it.
                if uids.last != 7 {
                    try await eventually("the batch after \(uids) to be prepared", timeout: .seconds(30)) {
                        await steps.prepared.contains { $0.first == uids.last! + 1 }
                    }
                }
                await steps.append("finished", uids)
            }
            do {
                try await eventually("every batch finished") { await steps.log.contains { $0 == "finished [7]" } }
            } catch {
                await stop(task)
                throw error
            }
            await stop(task)
            let log = await steps.log
            #expect(log.filter { $0.hasPrefix("finished") } == ["finished [1, 2]", "finished [3, 4]", "finished [5, 6]",
                                                                  "finished [7]"], "\(log)")
            // A batch is finished only after the batch before it finished.
            for (earlier, later) in [("finished [1, 2]", "finish [3, 4]"), ("finished [3, 4]", "finish [5, 6]"),
                                     ("finished [5, 6]", "finish [7]")] {
                #expect(log.firstIndex(of: earlier)! < log.firstIndex(of: later)!, "\(log)")
            }
            #expect(!log.contains { $0.hasPrefix("abandon") }, "\(log)")
        }

        /// A batch prepared with `holdsLaterBatches` (the gateway's batch that goes one message at a time) holds
        /// the preparing of every later batch until it has finished; the batches after it go on as before.
        @Test func aBatchThatHoldsLaterBatchesIsFinishedBeforeTheNextIsPrepared() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            let steps = StepLog()
            let fetches = FetchLog()
            let task = try Self.twoStepRun(server, messages: 7, actions: .init(posted: .keep, skipped: .keep, failed: .keep),
                                           steps: steps, holding: [3], fetches: fetches) { uids in
                if uids.first == 3 {
                    // The next batch's fetch under way, then the time for it to be prepared too early.
                    try await eventually("the fetch of [5, 6] to start", timeout: .seconds(30)) {
                        fetches.fetches.contains([5, 6])
                    }
                    try await Task.sleep(for: .milliseconds(300))
                } else if uids.first == 1 {
                    // Without a hold, the next batch is prepared while this one is finished.
                    try await eventually("the batch after [1, 2] to be prepared", timeout: .seconds(30)) {
                        await steps.prepared.contains { $0.first == 3 }
                    }
                }
                await steps.append("finished", uids)
            }
            do {
                try await eventually("every batch finished") { await steps.log.contains("finished [7]") }
            } catch {
                await stop(task)
                throw error
            }
            await stop(task)
            let log = await steps.log
            #expect(log.firstIndex(of: "finished [3, 4]")! < log.firstIndex(of: "prepare [5, 6]")!, "\(log)")
            #expect(log.firstIndex(of: "prepare [3, 4]")! < log.firstIndex(of: "finished [1, 2]")!, "\(log)")
            #expect(log.filter { $0.hasPrefix("finished") } == ["finished [1, 2]", "finished [3, 4]", "finished [5, 6]",
                                                                  "finished [7]"], "\(log)")
        }

        /// When a batch's `finish` throws, the batch prepared after it is abandoned, never finished, and no
        /// action of either is applied.
        @Test func aFinishThatThrowsAbandonsTheBatchPreparedAfterIt() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            let steps = StepLog()
            let task = try Self.twoStepRun(server, messages: 6, actions: .init(posted: .seen, skipped: .keep, failed: .keep),
                                           steps: steps) { uids in
                guard uids.first != 3 else {
                    try await eventually("the batch after \(uids) to be prepared", timeout: .seconds(30)) {
                        await steps.prepared.contains { $0.first == 5 }
                    }
                    throw LedgerDown()
                }
            }
            await #expect(throws: LedgerDown.self) { try await task.value }
            let log = await steps.log
            #expect(log.contains("abandon [5, 6]"), "\(log)")
            #expect(!log.contains("finish [5, 6]") && !log.contains("abandon [3, 4]"), "\(log)")
            let flags = try server.flags(in: "INBOX")
            #expect((1...2).allSatisfy { flags[$0]?.contains("\\Seen") == true }, "the batch before is settled: \(flags)")
            #expect((3...6).allSatisfy { flags[$0]?.contains("\\Seen") == false }, "\(flags)")
        }

        /// A pass cut short (here by a finish that throws) abandons the batches it will not finish at once, not once
        /// the batch still being prepared has returned: in the gateway, preparing may wait for a message handled
        /// alone in another folder, which waits for what the abandoned batch holds.
        @Test func aPassCutShortAbandonsItsPreparedBatchesBeforeTheOneBeingPreparedReturns() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            let steps = StepLog()
            let task = try Self.twoStepRun(
                server, messages: 6, actions: .init(posted: .seen, skipped: .keep, failed: .keep), steps: steps,
                whilePreparing: { uids in
                    guard uids.first == 5 else { return }
                    try await eventually("[3, 4] abandoned while [5, 6] is prepared", timeout: .seconds(30)) {
                        await steps.log.contains("abandon [3, 4]")
                    }
                    await steps.append("prepared", uids)
                },
                whileFinishing: { uids in
                    guard uids.first == 1 else { return }
                    try await eventually("[3, 4] prepared and [5, 6] being prepared", timeout: .seconds(30)) {
                        let log = await steps.log
                        return log.contains("prepare [5, 6]") && log.contains("prepare [3, 4]")
                    }
                    throw LedgerDown()
                })
            await #expect(throws: LedgerDown.self) { try await task.value }
            let log = await steps.log
            #expect(log.contains("prepared [5, 6]"), "\(log)")
            #expect(log.contains("abandon [5, 6]") && !log.contains("finish [3, 4]") && !log.contains("finish [5, 6]"),
                    "\(log)")
        }

        /// A watcher stopped (cancelled) while a batch is finished abandons the batch prepared after it (which
        /// releases its in-hand marks) instead of finishing it in a cancelled task, where the ledger refuses
        /// every write and its messages would stay in hand, each a death at the next start.
        @Test func aWatcherStoppedWhileABatchIsFinishedAbandonsTheBatchPreparedAfterIt() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            let steps = StepLog()
            let task = try Self.twoStepRun(server, messages: 6, actions: .init(posted: .seen, skipped: .keep, failed: .keep),
                                           steps: steps) { uids in
                if uids.first == 3 {
                    // A handler that ends well although the watcher was stopped meanwhile.
                    let deadline = ContinuousClock.now + .seconds(30)
                    while await !steps.log.contains("stopped []"), ContinuousClock.now < deadline {
                        try? await Task.sleep(for: .milliseconds(10))
                    }
                    await steps.append("finished", uids)
                }
            }
            do {
                try await eventually("batch [3, 4] finishing with [5, 6] prepared", timeout: .seconds(30)) {
                    let log = await steps.log
                    return log.contains("finish [3, 4]") && log.contains("prepare [5, 6]")
                }
            } catch {
                task.cancel()
                _ = try? await task.value
                throw error
            }
            task.cancel()
            await steps.append("stopped", [])
            _ = try? await task.value
            let log = await steps.log
            #expect(log.contains("finished [3, 4]"), "\(log)")
            #expect(log.contains("abandon [5, 6]"), "\(log)")
            #expect(!log.contains("finish [5, 6]"), "\(log)")
        }

        @Test func singleMessageHandlerThatThrowsStillHasTheActionsOfTheMessagesBefore() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            for index in 1...3 { try server.append(textMessage(subject: "[#\(index)] one at a time")) }
            let watcher = Self.watcher(server, actions: .init(posted: .seen, skipped: .keep, failed: .keep),
                                       batchSize: 20)
            let task = Task {
                try await watcher.run({ message in
                    if message.uid == 3 { throw LedgerDown() }
                    return .posted
                })
            }
            await #expect(throws: LedgerDown.self) { try await task.value }
            let flags = try server.flags(in: "INBOX")
            #expect(flags[1]?.contains("\\Seen") == true)
            #expect(flags[2]?.contains("\\Seen") == true)
            #expect(flags[3]?.contains("\\Seen") == false)
        }
    }
}

private struct LedgerDown: Error {}

/// What the steps of a two-step handler did, in order ("prepare [1, 2]", "finish [1, 2]"...).
private actor StepLog {
    private(set) var log: [String] = []
    private(set) var prepared: [[UInt32]] = []

    func append(_ step: String, _ uids: [UInt32]) {
        log.append("\(step) \(uids)")
        if step == "prepare" { prepared.append(uids) }
    }
}

private actor StartedFetches {
    private(set) var counts: [Int] = []

    func append(_ count: Int) { counts.append(count) }
}

/// The fetches a watcher started, in order; written from the watcher's fetch tasks.
fileprivate final class FetchLog: @unchecked Sendable {
    // `started` is guarded by `lock`.
    private let lock = NSLock()
    private var started: [[UInt32]] = []

    var fetches: [[UInt32]] { lock.withLock { started } }

    func append(_ uids: [UInt32]) { lock.withLock { started.append(uids) } }
}
