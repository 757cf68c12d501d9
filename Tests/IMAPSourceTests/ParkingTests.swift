import DovecotHarness
import Foundation
import GatewayConfig
import IMAPSource
import Testing

extension DovecotSuite {
    /// An error only a configuration change can fix parks the mailbox: `run` goes on and tries again later.
    @Suite("Parking a mailbox whose configuration the server refuses")
    struct ParkingTests {
        @Test func aRefusedLoginParksAndIsTriedAgainAfterTheInterval() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            let wrongPassword = server.directory.appendingPathComponent("wrong-password").path
            try "not the password".write(toFile: wrongPassword, atomically: true, encoding: .utf8)
            var config = mailboxConfig(server)
            config.authentication = .login(password: .file(wrongPassword))
            config.configurationRetrySeconds = 1
            let watcher = MailboxWatcher(mailbox: config, folder: "INBOX", checkpoints: InMemoryCheckpointStore(),
                                         logger: testLogger)
            let events = EventRecorder()
            let task = startWatching(watcher, recorder: MessageRecorder(), events: events)
            defer { task.cancel() }

            try await eventually("two parkings", timeout: .seconds(60)) {
                await events.events.filter { if case .parked = $0 { true } else { false } }.count >= 2
            }
            await stop(task)
            let parked = await events.events.compactMap { event -> (String, Duration)? in
                if case .parked(let reason, let retryIn) = event { (reason, retryIn) } else { nil }
            }
            #expect(parked.allSatisfy { $0.0.contains("refused the login") && $0.1 == .seconds(1) })
            #expect(!(await events.events.contains(.connected)))
        }

        @Test func aFolderThatDoesNotExistIsAConfigurationError() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            let watcher = MailboxWatcher(mailbox: mailboxConfig(server), folder: "NoSuchFolder",
                                         checkpoints: InMemoryCheckpointStore(), logger: testLogger)
            let error = await #expect(throws: IMAPError.self) { try await watcher.peekNewMessages() }
            #expect(error?.code == .folderUnavailable)
            #expect(error?.isRetryable == false)
            #expect(error?.message.contains("NoSuchFolder") == true)
        }
    }
}
