import DovecotHarness
import Foundation
import GatewayConfig
import IMAPSource
import Logging
import Testing

extension DovecotSuite {
    @Suite("Outcomes the pipeline settles after the message was handed over")
    struct SettledActionTests {
        /// A watcher that defers every message and moves posted ones to `notegate/posted`, running
        /// until `task` is cancelled, and the one message it was handed.
        private struct DeferringWatch {
            let task: Task<Void, any Error>
            let actions = MailboxActionQueue()
            let events = EventRecorder()
            let message: FetchedMessage

            init(_ server: DovecotServer, logger: Logger = testLogger) async throws {
                try server.append(textMessage(subject: "Re: [Ticket #1001] printer"))
                let watcher = MailboxWatcher(
                    mailbox: mailboxConfig(server, actions: .init(posted: .move(folder: "notegate/posted"))),
                    folder: "INBOX", checkpoints: InMemoryCheckpointStore(), logger: logger, actions: actions)
                let recorder = MessageRecorder()
                task = startWatching(watcher, recorder: recorder, outcome: .deferred, events: events)
                message = try #require(try await recorder.waitFor(1).first)
                try await events.waitFor("caught up") { $0 == .caughtUp }
            }

            func settle(_ outcome: MessageOutcome, uidValidity: UInt32? = nil, uid: UInt32? = nil) async {
                await actions.settle(uid: uid ?? message.uid, uidValidity: uidValidity ?? message.uidValidity,
                                     outcome: outcome)
            }
        }

        @Test func deferredMessageStaysInTheInboxUntilSettledThenMovesWhileIdling() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            let watch = try await DeferringWatch(server)
            defer { watch.task.cancel() }
            #expect(await watch.events.events == [.connected, .caughtUp])
            // Idling now; a deferred message is left where it is.
            try await Task.sleep(for: .milliseconds(300))
            #expect(try server.flags(in: "INBOX") == [1: []])

            await watch.settle(.posted)
            let settled = ContinuousClock.now
            try await eventually("the message to leave INBOX", timeout: .seconds(60)) {
                try server.flags(in: "INBOX").isEmpty
            }
            print("settled message moved \(ContinuousClock.now - settled) after settle")
            #expect(try server.flags(in: "notegate.posted").count == 1)
            #expect(try await watch.actions.pendingCount == 0)
            await stop(watch.task)
        }

        @Test func settleForAnotherUIDValidityOrAGoneMessageIsDropped() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            let log = LogCapture()
            let watch = try await DeferringWatch(server, logger: log.logger)
            defer { watch.task.cancel() }

            await watch.settle(.posted, uidValidity: watch.message.uidValidity &+ 1)
            await watch.settle(.posted, uid: 99)
            #expect(try await watch.actions.pendingCount == 2)
            try await eventually("the queue to empty", timeout: .seconds(60)) { try await watch.actions.pendingCount == 0 }
            await stop(watch.task)

            #expect(try server.flags(in: "INBOX") == [1: []])
            let dropped = log.metadata(of: "dropping the action for a message settled under another UIDVALIDITY")
            #expect(dropped.map { $0["uid"] } == ["1"])
            #expect(log.messages(at: .warning).isEmpty, "a message already gone is dropped quietly, no reconnect")
        }

        @Test func whileTheServerIsDownConnectionFailedIsReportedAndSettledActionsWait() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            let watch = try await DeferringWatch(server)
            defer { watch.task.cancel() }

            server.stop()
            try await watch.events.waitFor("the lost connection") {
                if case .connectionFailed(let reason) = $0 { return reason.contains("connection to 127.0.0.1") }
                return false
            }
            await watch.settle(.posted)
            #expect(try await watch.actions.pendingCount == 1)

            try server.start()
            try await eventually("the queue to empty after the reconnect") { try await watch.actions.pendingCount == 0 }
            #expect(try server.flags(in: "INBOX").isEmpty)
            #expect(try server.flags(in: "notegate.posted").count == 1)
            try await eventually("a pass after the reconnect") {
                await watch.events.events.suffix(2) == [.connected, .caughtUp]
            }
            await stop(watch.task)
        }

        /// A durable action store that outlives the watcher, as the ledger outlives a crashed process.
        private actor DurableActions: SettledActionStore {
            private(set) var actions: [SettledAction]
            init(_ actions: [SettledAction] = []) { self.actions = actions }
            func settledActions() -> [SettledAction] { actions }
            func actionsApplied(_ applied: [SettledAction]) { actions.removeAll { applied.contains($0) } }
            func record(_ action: SettledAction) { actions.append(action) }
        }

        @Test func actionLeftDueByACrashIsAppliedOnTheNextStartBeforeAnythingElse() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            try server.append(textMessage(subject: "[#1] posted before the crash"))
            let config = mailboxConfig(server, actions: .init(posted: .move(folder: "notegate/posted")))
            let peeked = try await MailboxWatcher(mailbox: config, folder: "INBOX", checkpoints: InMemoryCheckpointStore(),
                                                  logger: testLogger).peekNewMessages()
            let message = try #require(peeked.first)
            // The previous process recorded the post (and the checkpoint past it) and died before the move.
            let store = DurableActions([SettledAction(uid: message.uid, uidValidity: message.uidValidity, outcome: .posted)])
            let checkpoints = InMemoryCheckpointStore([MailboxKey(account: config.name, folder: "INBOX"):
                Checkpoint(uidValidity: message.uidValidity, lastUID: message.uid)])
            let watcher = MailboxWatcher(mailbox: config, folder: "INBOX", checkpoints: checkpoints, logger: testLogger,
                                         actions: MailboxActionQueue(durable: store))
            let events = EventRecorder()
            let recorder = MessageRecorder()
            let task = startWatching(watcher, recorder: recorder, outcome: .deferred, events: events)
            defer { task.cancel() }

            try await events.waitFor("caught up") { $0 == .caughtUp }
            await stop(task)

            #expect(try server.flags(in: "INBOX").isEmpty)
            #expect(try server.flags(in: "notegate.posted").count == 1)
            #expect(await store.actions.isEmpty, "an applied action is cleared from the store")
            #expect(await recorder.messages.isEmpty, "the message is not handed over again")
        }

        @Test func outcomeRecordedWithItsActionIsClearedOnceTheWatcherAppliedIt() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            try server.append(textMessage(subject: "no tag"))
            let config = mailboxConfig(server, actions: .init(skipped: .move(folder: "notegate/skipped")))
            let store = DurableActions()
            let watcher = MailboxWatcher(mailbox: config, folder: "INBOX", checkpoints: InMemoryCheckpointStore(),
                                         logger: testLogger, actions: MailboxActionQueue(durable: store))
            let events = EventRecorder()
            let task = Task {
                try await watcher.run({ message in
                    // What the ledger does: the action is recorded with the outcome, in one transaction.
                    await store.record(SettledAction(uid: message.uid, uidValidity: message.uidValidity, outcome: .skipped))
                    return .skipped
                }, events: { await events.record($0) })
            }
            defer { task.cancel() }

            try await events.waitFor("caught up") { $0 == .caughtUp }
            await stop(task)

            #expect(try server.flags(in: "notegate.skipped").count == 1)
            #expect(await store.actions.isEmpty)
        }

        @Test func checkpointAtTheHighestPossibleUIDReadsNothingAndDoesNotTrap() async throws {
            #expect(UInt32.max.followingUID == nil)
            #expect(UInt32(41).followingUID == 42)
            let server = try DovecotServer()
            defer { server.stop() }
            try server.append(textMessage(subject: "[#1] hello"))
            let config = mailboxConfig(server)
            let message = try #require(try await MailboxWatcher(
                mailbox: config, folder: "INBOX", checkpoints: InMemoryCheckpointStore(), logger: testLogger
            ).peekNewMessages().first)
            let atTheEnd = InMemoryCheckpointStore([MailboxKey(account: config.name, folder: "INBOX"):
                Checkpoint(uidValidity: message.uidValidity, lastUID: .max)])

            let messages = try await MailboxWatcher(mailbox: config, folder: "INBOX", checkpoints: atTheEnd,
                                                    logger: testLogger).peekNewMessages()

            #expect(messages.isEmpty)
        }
    }
}
