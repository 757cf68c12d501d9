import DovecotHarness
import Foundation
import GatewayConfig
import IMAPSource
import Testing

extension DovecotSuite {
    @Suite("Watching a mailbox on a real Dovecot")
    struct MailboxWatcherTests {
        @Test func newMailIsSeenThroughIdleNotTheSweep() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            let recorder = MessageRecorder()
            // The longest sweep there is (25 minutes) and no polling: within the wait below, only IDLE can
            // bring the new message. How fast it does is the benchmark's business, not this test's.
            var config = mailboxConfig(server)
            config.sweepIntervalSeconds = 1500
            let watcher = MailboxWatcher(mailbox: config, folder: "INBOX",
                                         checkpoints: InMemoryCheckpointStore(), logger: testLogger)
            try server.append(textMessage(subject: "already there"))
            let events = EventRecorder()
            let task = startWatching(watcher, recorder: recorder, events: events)
            defer { task.cancel() }
            // Once the first message is handled and the watcher has caught up, it is idling.
            _ = try await recorder.waitFor(1)
            try await events.waitFor("caught up") { if case .caughtUp = $0 { true } else { false } }
            try server.append(textMessage(subject: "Re: [Ticket #1001] printer"))
            let appended = ContinuousClock.now
            let messages = try await recorder.waitFor(2, timeout: .seconds(60))
            print("IDLE latency after APPEND completed: \(await recorder.arrival(1) - appended)")
            #expect(messages.map(\.uid) == [1, 2])
            await stop(task)
        }

        @Test func restartResumesFromCheckpointWithoutRereading() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            let store = InMemoryCheckpointStore()
            let watcher = MailboxWatcher(mailbox: mailboxConfig(server), folder: "INBOX", checkpoints: store,
                                         logger: testLogger)
            try server.append(textMessage(subject: "first"))
            try server.append(textMessage(subject: "second"))
            let first = MessageRecorder()
            let firstRun = startWatching(watcher, recorder: first)
            #expect(try await first.waitFor(2).map(\.uid) == [1, 2])
            await stop(firstRun)

            try server.append(textMessage(subject: "third"))
            let second = MessageRecorder()
            let secondRun = startWatching(watcher, recorder: second)
            #expect(try await second.waitFor(1).map(\.uid) == [3])
            try await Task.sleep(for: .milliseconds(300))
            #expect(await second.messages.count == 1)
            await stop(secondRun)
            #expect(await store.checkpoint(for: watcher.key)?.lastUID == 3)
        }

        @Test func uidValidityChangeRescansTheFolder() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            let folder = "Support"
            let store = InMemoryCheckpointStore()
            let watcher = MailboxWatcher(mailbox: mailboxConfig(server), folder: folder, checkpoints: store,
                                         logger: testLogger)
            try server.append(textMessage(subject: "before"), to: folder)
            let before = MessageRecorder()
            let firstRun = startWatching(watcher, recorder: before)
            let old = try await before.waitFor(1)
            await stop(firstRun)

            try server.deleteFolder(folder)
            try server.append(textMessage(subject: "after 1"), to: folder)
            try server.append(textMessage(subject: "after 2"), to: folder)
            let after = MessageRecorder()
            let secondRun = startWatching(watcher, recorder: after)
            let rescanned = try await after.waitFor(2)
            await stop(secondRun)
            #expect(rescanned.map(\.uid) == [1, 2])
            #expect(rescanned[0].uidValidity != old[0].uidValidity)
            #expect(await store.checkpoint(for: watcher.key) == Checkpoint(uidValidity: rescanned[0].uidValidity, lastUID: 2))
        }

        @Test func killedServerLeadsToReconnectWithoutLosingMail() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            let recorder = MessageRecorder()
            let watcher = MailboxWatcher(mailbox: mailboxConfig(server), folder: "INBOX",
                                         checkpoints: InMemoryCheckpointStore(), logger: testLogger)
            try server.append(textMessage(subject: "before the crash"))
            let task = startWatching(watcher, recorder: recorder)
            defer { task.cancel() }
            _ = try await recorder.waitFor(1)
            server.stop()
            try server.start()
            try server.append(textMessage(subject: "while reconnecting"))
            let messages = try await recorder.waitFor(2, timeout: .seconds(60))
            #expect(messages.map(\.uid) == [1, 2])
            #expect(server.log.contains("Logged out") || server.log.contains("Disconnected"))
            await stop(task)
        }
    }
}
