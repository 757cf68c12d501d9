import DovecotHarness
import Foundation
import GatewayConfig
import IMAPSource
import Testing

extension DovecotSuite {
    @Suite("Which messages count on the first start on a folder (start_from)")
    struct StartFromTests {
        @Test func startFromNewKeepsItsBoundaryAcrossARestartInTheFirstPass() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            for subject in ["old 1", "old 2", "old 3"] {
                try server.append(textMessage(subject: subject))
            }
            let store = InMemoryCheckpointStore()
            let watcher = MailboxWatcher(mailbox: mailboxConfig(server, startFrom: .new), folder: "INBOX",
                                         checkpoints: store, logger: testLogger)
            // The first pass dies while the pipeline works on the first message.
            let first = MessageRecorder()
            let firstRun = Task {
                try await watcher.run { message in
                    await first.record(message)
                    try await Task.sleep(for: .seconds(60))
                    return .skipped
                }
            }
            #expect(try await first.waitFor(1).map(\.isBeforeStart) == [true])
            await stop(firstRun)

            try server.append(textMessage(subject: "new 1"))
            try server.append(textMessage(subject: "new 2"))
            let second = MessageRecorder()
            let secondRun = startWatching(watcher, recorder: second, outcome: .skipped)
            let messages = try await second.waitFor(5)
            await stop(secondRun)
            #expect(messages.map(\.uid) == [1, 2, 3, 4, 5])
            #expect(messages.map(\.isBeforeStart) == [true, true, true, false, false])
            #expect(await store.checkpoint(for: watcher.key)?.startUID == 4)
        }

        @Test func startFromAllOrADayMarksByArrival() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            let arrivals = ["2026-10-01", "2026-10-30", "2026-11-02", "2026-11-20"]
            for day in arrivals {
                let noon = try Date("\(day)T12:00:00Z", strategy: .iso8601)
                try server.append(textMessage(subject: "arrived \(day)"), receivedAt: noon)
            }
            func beforeStart(_ startFrom: MailboxConfig.StartFrom) async throws -> [Bool] {
                let watcher = MailboxWatcher(mailbox: mailboxConfig(server, startFrom: startFrom), folder: "INBOX",
                                             checkpoints: InMemoryCheckpointStore(), logger: testLogger)
                return try await watcher.peekNewMessages().map(\.isBeforeStart)
            }
            #expect(try await beforeStart(.all) == [false, false, false, false])
            #expect(try await beforeStart(.since(year: 2026, month: 11, day: 1)) == [true, true, false, false])
            #expect(try await beforeStart(.since(year: 2027, month: 1, day: 1)) == [true, true, true, true])
        }
    }
}
