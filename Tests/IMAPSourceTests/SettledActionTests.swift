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
            try await eventually("the message to leave INBOX", timeout: .seconds(2)) {
                try server.flags(in: "INBOX").isEmpty
            }
            print("settled message moved \(ContinuousClock.now - settled) after settle")
            #expect(try server.flags(in: "notegate.posted").count == 1)
            #expect(await watch.actions.pendingCount == 0)
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
            #expect(await watch.actions.pendingCount == 2)
            try await eventually("the queue to empty", timeout: .seconds(2)) { await watch.actions.pendingCount == 0 }
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
            #expect(await watch.actions.pendingCount == 1)

            try server.start()
            try await eventually("the queue to empty after the reconnect") { await watch.actions.pendingCount == 0 }
            #expect(try server.flags(in: "INBOX").isEmpty)
            #expect(try server.flags(in: "notegate.posted").count == 1)
            try await eventually("a pass after the reconnect") {
                await watch.events.events.suffix(2) == [.connected, .caughtUp]
            }
            await stop(watch.task)
        }
    }
}
