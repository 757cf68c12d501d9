import DovecotHarness
import Foundation
import GatewayConfig
import IdentitySandbox
import IMAPSource
import OAuth
import Testing

/// Running `auth: oauth2` watchers against the test Dovecot (oauth2 passdb) and the identity sandbox.
@Suite(.serialized) struct OAuthWatcherTests {
    /// What running watchers handed over and reported.
    actor Recorder {
        private(set) var messages: [String: Int] = [:]
        private(set) var events: [String: [WatcherEvent]] = [:]

        func message(_ mailbox: String) { messages[mailbox, default: 0] += 1 }
        func event(_ mailbox: String, _ event: WatcherEvent) { events[mailbox, default: []].append(event) }

        /// Waits until `condition` holds; fails, saying what it waited for, after 60 s.
        func waitFor(_ what: String, _ condition: @Sendable (Recorder) async -> Bool) async throws {
            let deadline = ContinuousClock.now + .seconds(60)
            while await !condition(self) {
                guard ContinuousClock.now < deadline else {
                    Issue.record("waited 60 s in vain for \(what)")
                    throw CancellationError()
                }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    static func watch(_ mailbox: MailboxConfig, _ recorder: Recorder) -> Task<Void, any Error> {
        let watcher = MailboxWatcher(mailbox: mailbox, folder: "INBOX", checkpoints: InMemoryCheckpointStore(),
                                     logger: DovecotOAuthLoginTests.logger)
        return Task {
            try await watcher.run({ _ in
                await recorder.message(mailbox.name)
                return .posted
            }, events: { await recorder.event(mailbox.name, $0) })
        }
    }

    static func stop(_ tasks: [Task<Void, any Error>]) async {
        for task in tasks { task.cancel() }
        for task in tasks { _ = await task.result }
    }

    static func message(_ subject: String) -> [UInt8] {
        Array("Subject: \(subject)\r\nMessage-ID: <\(UUID().uuidString)@example.com>\r\n\r\nHello.\r\n".utf8)
    }

    @Test func aRevokedRefreshTokenParksItsMailboxWhileAnotherGoesOn() async throws {
        try await DovecotOAuthLoginTests.withServers { sandbox, dovecot in
            let token = await sandbox.directory.issueRefreshToken(for: IdentitySandboxTests.user, clientID: "device-app")
            let store = dovecot.directory.appendingPathComponent("revoked.refresh-token").path
            try RefreshTokenStore(path: store).write(token)
            await sandbox.directory.revokeRefreshTokens(of: IdentitySandboxTests.user)
            var revoked = OAuthGrantLoginTests.mailbox(dovecot, OAuthGrantLoginTests.settings(
                sandbox, grant: .refreshToken, clientID: "device-app", refreshTokenFile: store))
            revoked.name = "revoked"
            var password = revoked
            password.name = "password"
            password.authentication = .login(password: .file(dovecot.passwordFile))
            password.actions = .init(posted: .keep, skipped: .keep, failed: .keep)
            let recorder = Recorder()
            let tasks = [Self.watch(revoked, recorder), Self.watch(password, recorder)]
            do {
                try dovecot.append(Self.message("[#143] still posted"))
                try await recorder.waitFor("the revoked mailbox to park") { recorder in
                    await recorder.events["revoked"]?.contains {
                        if case .parked(let reason, _) = $0 { reason.contains("invalid_grant") } else { false }
                    } ?? false
                }
                try await recorder.waitFor("the password mailbox's message") { await $0.messages["password"] == 1 }
                #expect(await recorder.messages["revoked"] == nil)
            } catch {
                await Self.stop(tasks)
                throw error
            }
            await Self.stop(tasks)
        }
    }

    @Test func aTokenEndpointThatIsDownIsRetriedWithoutParkingAndTheMailboxGoesOnOnceItIsBack() async throws {
        try await DovecotOAuthLoginTests.withServers { sandbox, dovecot in
            var mailbox = OAuthGrantLoginTests.mailbox(dovecot, OAuthGrantLoginTests.settings(
                sandbox, grant: .clientCredentials, clientID: "app",
                secretFile: try OAuthGrantLoginTests.file(dovecot, "client-secret", "app-secret")))
            mailbox.actions = .init(posted: .keep, skipped: .keep, failed: .keep)
            let name = mailbox.name
            await sandbox.directory.setTokenEndpointDown(true)
            try dovecot.append(Self.message("[#143] waiting for the token endpoint"))
            let recorder = Recorder()
            let tasks = [Self.watch(mailbox, recorder)]
            do {
                try await recorder.waitFor("two failed connection attempts") { recorder in
                    await recorder.events[name]?.filter {
                        if case .connectionFailed(let reason) = $0 { reason.contains("503") } else { false }
                    }.count ?? 0 >= 2
                }
                #expect(await recorder.messages[name] == nil)
                await sandbox.directory.setTokenEndpointDown(false)
                try await recorder.waitFor("the message once the endpoint is back") { await $0.messages[name] == 1 }
                #expect(await recorder.events[name]?.contains { if case .parked = $0 { true } else { false } } == false)
            } catch {
                await Self.stop(tasks)
                throw error
            }
            await Self.stop(tasks)
        }
    }

    @Test func aTokenThatExpiresDuringIdleLeadsToAReconnectWithAFreshTokenAndNoMessageLost() async throws {
        try await DovecotOAuthLoginTests.withServers { sandbox, dovecot in
            var mailbox = OAuthGrantLoginTests.mailbox(dovecot, OAuthGrantLoginTests.settings(
                sandbox, grant: .clientCredentials, clientID: "app",
                secretFile: try OAuthGrantLoginTests.file(dovecot, "client-secret", "app-secret")))
            mailbox.actions = .init(posted: .keep, skipped: .keep, failed: .keep)
            let recorder = Recorder()
            let tasks = [Self.watch(mailbox, recorder)]
            let name = mailbox.name
            do {
                try dovecot.append(Self.message("[#143] before"))
                try await recorder.waitFor("the first message") { await $0.messages[name] == 1 }
                // The provider ends the token notegate still holds as valid, and the server drops the session
                // idling with it (Microsoft 365 closes a session whose token has expired).
                await sandbox.directory.expireAccessTokens()
                dovecot.stop()
                try dovecot.start()
                try dovecot.append(Self.message("[#144] while the session was gone"))
                try await recorder.waitFor("the message that arrived during the reconnect") {
                    await $0.messages[name] == 2
                }
                #expect(await sandbox.directory.tokenRequests["client_credentials"] == 2)
                #expect(await recorder.events[name]?.contains { if case .parked = $0 { true } else { false } } == false)
            } catch {
                await Self.stop(tasks)
                throw error
            }
            await Self.stop(tasks)
        }
    }
}
