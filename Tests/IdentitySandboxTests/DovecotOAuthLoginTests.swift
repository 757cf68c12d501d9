import DovecotHarness
import Foundation
import GatewayConfig
import IdentitySandbox
import IMAPSource
import Logging
import Testing

/// The test Dovecot with its oauth2 passdb checking tokens at the sandbox's introspection endpoint: notegate's
/// XOAUTH2 login with a token from a file is accepted or refused by a real IMAP server.
@Suite(.serialized) struct DovecotOAuthLoginTests {
    /// Runs `body` with a sandbox and a Dovecot that asks it about tokens; both are stopped also on failure.
    static func withServers(_ configuration: IdentitySandboxConfiguration = IdentitySandboxTests.configuration(),
                            mechanisms: String = "xoauth2 oauthbearer",
                            _ body: (IdentitySandboxServer, DovecotServer) async throws -> Void) async throws {
        let sandbox = try await IdentitySandboxServer.start(configuration)
        do {
            let dovecot = try DovecotServer(oauth2IntrospectionURL: sandbox.introspectionURL.absoluteString,
                                            oauth2Mechanisms: mechanisms)
            defer { dovecot.stop() }
            try await body(sandbox, dovecot)
        } catch {
            await sandbox.stop()
            throw error
        }
        await sandbox.stop()
    }

    static func xoauth2Mailbox(_ dovecot: DovecotServer, tokenFile: String) -> MailboxConfig {
        MailboxConfig(name: "oauth", host: "127.0.0.1", port: dovecot.imapsPort, transport: .imaps,
                      tls: .init(verify: true, caFile: dovecot.certificates.caFile), username: dovecot.user,
                      authentication: .xoauth2(token: .file(tokenFile)), timeoutSeconds: 10, startFrom: .all)
    }

    static func writeToken(_ token: String, in dovecot: DovecotServer) throws -> String {
        let path = dovecot.directory.appendingPathComponent("access-token").path
        try token.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let logger = Logger(label: "notegate.oauth.tests", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test func xoauth2LoginWithAClientCredentialsTokenReadsTheMailbox() async throws {
        try await Self.withServers { sandbox, dovecot in
            try dovecot.append(Array("Subject: [#143] printer\r\n\r\nFixed.\r\n".utf8))
            let answer = try await TokenClient(server: sandbox).token(
                ["grant_type": "client_credentials", "client_id": "app", "client_secret": "app-secret"])
            let token = try #require(answer.accessToken)
            let mailbox = Self.xoauth2Mailbox(dovecot, tokenFile: try Self.writeToken(token, in: dovecot))
            let watcher = MailboxWatcher(mailbox: mailbox, folder: "INBOX", checkpoints: InMemoryCheckpointStore(),
                                         logger: Self.logger)
            let messages = try await watcher.peekNewMessages()
            #expect(messages.count == 1)
        }
    }

    @Test func xoauth2LoginWithAnExpiredTokenIsRefusedAsAuthenticationFailed() async throws {
        try await Self.withServers { sandbox, dovecot in
            let answer = try await TokenClient(server: sandbox).token(
                ["grant_type": "client_credentials", "client_id": "app", "client_secret": "app-secret"])
            let token = try #require(answer.accessToken)
            await sandbox.directory.expireAccessTokens()
            let mailbox = Self.xoauth2Mailbox(dovecot, tokenFile: try Self.writeToken(token, in: dovecot))
            let watcher = MailboxWatcher(mailbox: mailbox, folder: "INBOX", checkpoints: InMemoryCheckpointStore(),
                                         logger: Self.logger)
            do {
                _ = try await watcher.peekNewMessages()
                Issue.record("Dovecot accepted an expired token")
            } catch let error as IMAPError {
                #expect(error.code == .authenticationFailed)
                #expect(!error.message.contains(token))
            }
        }
    }
}
