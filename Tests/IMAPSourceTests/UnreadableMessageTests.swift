import GatewayConfig
@testable import IMAPSource
import Testing

/// A message whose fetch keeps failing for that message alone must not stall its mailbox: after
/// `MailboxWatcher.fetchAttemptLimit` failed passes it is handed over unreadable, with the reason,
/// and the messages after it are delivered.
@Suite("A message the server never answers for in full")
struct UnreadableMessageTests {
    @Test func messageWhoseTextIsAlwaysLeftOutIsHandedOverUnreadableAndTheNextOneIsDelivered() async throws {
        var messages = ScriptedServerTests.mailbox
        messages[1].leavesOutText = true
        let server = try ScriptedIMAPServer(messages: messages)
        defer { server.stop() }
        var config = ScriptedServerTests.config(server)
        config.actions = MailboxConfig.OutcomeActions(posted: .keep, skipped: .keep, failed: .keep)
        var watcher = MailboxWatcher(mailbox: config, folder: "INBOX",
                                     checkpoints: InMemoryCheckpointStore(), logger: testLogger)
        watcher.backoff = ReconnectBackoff(initialSeconds: 0.01, maximumSeconds: 0.05)
        let recorder = MessageRecorder()
        let events = EventRecorder()
        let task = startWatching(watcher, recorder: recorder, events: events)
        let delivered: [FetchedMessage]
        do {
            delivered = try await recorder.waitFor(3, timeout: .seconds(30))
        } catch {
            await stop(task)
            throw error
        }
        await stop(task)

        #expect(delivered.map(\.uid) == [1, 2, 3])
        #expect(delivered[0].unreadableDetail == nil && !delivered[0].raw.isEmpty)
        #expect(delivered[2].unreadableDetail == nil && !delivered[2].raw.isEmpty)
        let unreadable = delivered[1]
        #expect(unreadable.raw.isEmpty)
        let detail = try #require(unreadable.unreadableDetail)
        #expect(detail.hasPrefix("the server's answer for this message was incomplete or over budget 5 times: "))
        #expect(detail.contains("answered UID FETCH for UID 2 without BODY["))
        let failedPasses = await events.events.filter {
            if case .connectionFailed = $0 { return true }
            return false
        }
        #expect(failedPasses.count == MailboxWatcher.fetchAttemptLimit)
    }
}
