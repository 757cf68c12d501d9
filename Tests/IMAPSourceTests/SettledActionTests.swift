import DovecotHarness
import Foundation
import GatewayConfig
import IMAPSource
import Testing

extension DovecotSuite {
    @Suite("Outcomes the pipeline settles after the message was handed over")
    struct SettledActionTests {
        /// A watcher whose handler defers every message, moving posted ones to `notegate/posted`.
        private func deferringWatcher(_ server: DovecotServer, actions: MailboxActionQueue,
                                      log: LogCapture? = nil) -> MailboxWatcher {
            MailboxWatcher(mailbox: mailboxConfig(server, actions: .init(posted: .move(folder: "notegate/posted"))),
                           folder: "INBOX", checkpoints: InMemoryCheckpointStore(),
                           logger: log?.logger ?? testLogger, actions: actions)
        }

        @Test func deferredMessageStaysInTheInboxUntilSettledThenMovesWhileIdling() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            try server.append(textMessage(subject: "Re: [Ticket #1001] printer"))
            let actions = MailboxActionQueue()
            let recorder = MessageRecorder()
            let events = EventRecorder()
            let task = startWatching(deferringWatcher(server, actions: actions), recorder: recorder,
                                     outcome: .deferred, events: events)
            defer { task.cancel() }
            let message = try #require(try await recorder.waitFor(1).first)
            try await events.waitFor("caught up") { $0 == .caughtUp }
            #expect(await events.events == [.connected, .caughtUp])
            // Idling now; a deferred message is left where it is.
            try await Task.sleep(for: .milliseconds(300))
            #expect(try server.flags(in: "INBOX") == [1: []])

            await actions.settle(uid: message.uid, uidValidity: message.uidValidity, outcome: .posted)
            let settled = ContinuousClock.now
            try await eventually("the message to leave INBOX", timeout: .seconds(2)) {
                try server.flags(in: "INBOX").isEmpty
            }
            print("settled message moved \(ContinuousClock.now - settled) after settle")
            #expect(try server.flags(in: "notegate.posted").count == 1)
            #expect(await actions.pendingCount == 0)
            await stop(task)
        }

        @Test func settleForAnotherUIDValidityOrAGoneMessageIsDropped() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            try server.append(textMessage(subject: "kept"))
            let actions = MailboxActionQueue()
            let recorder = MessageRecorder()
            let log = LogCapture()
            let task = startWatching(deferringWatcher(server, actions: actions, log: log), recorder: recorder,
                                     outcome: .deferred)
            defer { task.cancel() }
            let message = try #require(try await recorder.waitFor(1).first)

            await actions.settle(uid: message.uid, uidValidity: message.uidValidity &+ 1, outcome: .posted)
            await actions.settle(uid: 99, uidValidity: message.uidValidity, outcome: .posted)
            #expect(await actions.pendingCount == 2)
            try await eventually("the queue to empty", timeout: .seconds(2)) { await actions.pendingCount == 0 }
            await stop(task)

            #expect(try server.flags(in: "INBOX") == [1: []])
            let dropped = log.metadata(of: "dropping the action for a message settled under another UIDVALIDITY")
            #expect(dropped.map { $0["uid"] } == ["1"])
            #expect(log.messages(at: .warning).isEmpty, "a message already gone is dropped quietly, no reconnect")
        }
    }
}
