import CryptoExtras
import DovecotHarness
import Foundation
import GatewayConfig
import IdentitySandbox
import IMAPSource
import OAuth
import Testing

/// `auth: oauth2` mailboxes logging in to the test Dovecot (oauth2 passdb) with tokens notegate gets itself from
/// the identity sandbox, one per grant, and what happens when the provider refuses or is down.
@Suite(.serialized) struct OAuthGrantLoginTests {
    static func mailbox(_ dovecot: DovecotServer, _ settings: OAuth2Settings) -> MailboxConfig {
        MailboxConfig(name: "oauth-\(UUID().uuidString.prefix(6))", host: "127.0.0.1", port: dovecot.imapsPort,
                      transport: .imaps, tls: .init(verify: true, caFile: dovecot.certificates.caFile),
                      username: dovecot.user, authentication: .oauth2(settings), timeoutSeconds: 10, startFrom: .all)
    }

    static func settings(_ sandbox: IdentitySandboxServer, grant: OAuth2Settings.Grant, clientID: String? = nil,
                         secretFile: String? = nil, keyFile: String? = nil, refreshTokenFile: String? = nil)
        -> OAuth2Settings
    {
        OAuth2Settings(provider: .generic, grant: grant, tokenURL: sandbox.tokenURL.absoluteString,
                       deviceAuthorizationURL: sandbox.deviceAuthorizationURL.absoluteString, scope: "imap",
                       clientID: clientID, clientSecret: secretFile.map { .file($0) }, serviceAccountKeyFile: keyFile,
                       subject: IdentitySandboxTests.user, refreshTokenFile: refreshTokenFile, allowInsecure: true)
    }

    static func peek(_ mailbox: MailboxConfig) async throws -> Int {
        try await MailboxWatcher(mailbox: mailbox, folder: "INBOX", checkpoints: InMemoryCheckpointStore(),
                                 logger: DovecotOAuthLoginTests.logger).peekNewMessages().count
    }

    static func file(_ dovecot: DovecotServer, _ name: String, _ content: String) throws -> String {
        let path = dovecot.directory.appendingPathComponent(name).path
        try content.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func clientCredentialsGrantLogsIn() async throws {
        try await DovecotOAuthLoginTests.withServers { sandbox, dovecot in
            try dovecot.append(Array("Subject: [#143] one\r\n\r\nHello.\r\n".utf8))
            let settings = Self.settings(sandbox, grant: .clientCredentials, clientID: "app",
                                         secretFile: try Self.file(dovecot, "client-secret", "app-secret"))
            #expect(try await Self.peek(Self.mailbox(dovecot, settings)) == 1)
        }
    }

    @Test func jwtBearerGrantWithAServiceAccountKeyFileLogsIn() async throws {
        let account = try TestServiceAccount()
        let configuration = IdentitySandboxTests.configuration(account)
        try await DovecotOAuthLoginTests.withServers(configuration) { sandbox, dovecot in
            try dovecot.append(Array("Subject: [#143] one\r\n\r\nHello.\r\n".utf8))
            let keyJSON = try JSONSerialization.data(withJSONObject: [
                "type": "service_account", "client_email": account.email,
                "private_key": account.key.pemRepresentation,
            ])
            let keyFile = try Self.file(dovecot, "service-account.json", String(decoding: keyJSON, as: UTF8.self))
            let settings = Self.settings(sandbox, grant: .jwtBearer, keyFile: keyFile)
            #expect(try await Self.peek(Self.mailbox(dovecot, settings)) == 1)
        }
    }

    @Test func refreshTokenGrantLogsInAndKeepsTheRotatedTokenInA0600File() async throws {
        try await DovecotOAuthLoginTests.withServers { sandbox, dovecot in
            try dovecot.append(Array("Subject: [#143] one\r\n\r\nHello.\r\n".utf8))
            let first = await sandbox.directory.issueRefreshToken(for: IdentitySandboxTests.user, clientID: "device-app")
            let store = dovecot.directory.appendingPathComponent("oauth-state.refresh-token").path
            try RefreshTokenStore(path: store).write(first)
            let settings = Self.settings(sandbox, grant: .refreshToken, clientID: "device-app", refreshTokenFile: store)
            #expect(try await Self.peek(Self.mailbox(dovecot, settings)) == 1)
            let kept = try #require(try RefreshTokenStore(path: store).read())
            #expect(kept != first)
            #expect(await sandbox.directory.validRefreshTokens.contains(kept))
            let mode = try FileManager.default.attributesOfItem(atPath: store)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
    }

    @Test func aTokenTheServerRefusesIsRenewedOnceAndTheLoginSucceeds() async throws {
        try await DovecotOAuthLoginTests.withServers { sandbox, dovecot in
            let settings = Self.settings(sandbox, grant: .clientCredentials, clientID: "app",
                                         secretFile: try Self.file(dovecot, "client-secret", "app-secret"))
            let mailbox = Self.mailbox(dovecot, settings)
            _ = try await Self.peek(mailbox)
            // The cached token still looks valid to notegate, but the provider has ended it.
            await sandbox.directory.expireAccessTokens()
            _ = try await Self.peek(mailbox)
            #expect(await sandbox.directory.tokenRequests["client_credentials"] == 2)
        }
    }

    @Test func oauthbearerIsChosenWhenTheServerOffersIt() async throws {
        try await DovecotOAuthLoginTests.withServers { sandbox, dovecot in
            let settings = Self.settings(sandbox, grant: .clientCredentials, clientID: "app",
                                         secretFile: try Self.file(dovecot, "client-secret", "app-secret"))
            _ = try await Self.peek(Self.mailbox(dovecot, settings))
            #expect(dovecot.log.contains("method=OAUTHBEARER"), "\(dovecot.log.suffix(2000))")
        }
    }

    @Test func xoauth2IsUsedWhenTheServerOffersOnlyXOAUTH2() async throws {
        try await DovecotOAuthLoginTests.withServers(mechanisms: "xoauth2") { sandbox, dovecot in
            try dovecot.append(Array("Subject: [#143] one\r\n\r\nHello.\r\n".utf8))
            let settings = Self.settings(sandbox, grant: .clientCredentials, clientID: "app",
                                         secretFile: try Self.file(dovecot, "client-secret", "app-secret"))
            #expect(try await Self.peek(Self.mailbox(dovecot, settings)) == 1)
            #expect(dovecot.log.contains("method=XOAUTH2"), "\(dovecot.log.suffix(2000))")
            #expect(!dovecot.log.contains("method=OAUTHBEARER"))
        }
    }

    @Test func aTokenForAnotherMailboxIsRefusedWithTheServersDecodedChallenge() async throws {
        var configuration = IdentitySandboxTests.configuration()
        configuration.clients.append(.init(id: "other-app", secret: "other-secret", mailbox: "someone-else"))
        try await DovecotOAuthLoginTests.withServers(configuration) { sandbox, dovecot in
            let settings = Self.settings(sandbox, grant: .clientCredentials, clientID: "other-app",
                                         secretFile: try Self.file(dovecot, "client-secret", "other-secret"))
            do {
                _ = try await Self.peek(Self.mailbox(dovecot, settings))
                Issue.record("Dovecot accepted a token issued for another mailbox")
            } catch let error as IMAPError {
                #expect(error.code == .authenticationFailed)
                #expect(!error.isRetryable)
                #expect(error.message.contains("OAUTHBEARER"))
                #expect(error.message.contains("the server said {"), "\(error.message)")
                #expect(!error.message.contains("at-"), "an access token must never be in an error")
            }
            #expect(await sandbox.directory.tokenRequests["client_credentials"] == 2)
        }
    }

    @Test func aRevokedRefreshTokenIsNotRetryableAndSaysToSignInAgain() async throws {
        try await DovecotOAuthLoginTests.withServers { sandbox, dovecot in
            let token = await sandbox.directory.issueRefreshToken(for: IdentitySandboxTests.user, clientID: "device-app")
            let store = dovecot.directory.appendingPathComponent("revoked.refresh-token").path
            try RefreshTokenStore(path: store).write(token)
            await sandbox.directory.revokeRefreshTokens(of: IdentitySandboxTests.user)
            let settings = Self.settings(sandbox, grant: .refreshToken, clientID: "device-app", refreshTokenFile: store)
            do {
                _ = try await Self.peek(Self.mailbox(dovecot, settings))
                Issue.record("the login succeeded with a revoked refresh token")
            } catch let error as IMAPError {
                #expect(!error.isRetryable)
                #expect(error.message.contains("invalid_grant"))
                #expect(error.message.contains("notegate oauth login"))
                #expect(!error.message.contains(token))
            }
        }
    }

    @Test func aTokenEndpointThatIsDownIsRetryableThenWorksOnceBack() async throws {
        try await DovecotOAuthLoginTests.withServers { sandbox, dovecot in
            let settings = Self.settings(sandbox, grant: .clientCredentials, clientID: "app",
                                         secretFile: try Self.file(dovecot, "client-secret", "app-secret"))
            let mailbox = Self.mailbox(dovecot, settings)
            await sandbox.directory.setTokenEndpointDown(true)
            do {
                _ = try await Self.peek(mailbox)
                Issue.record("the login succeeded while the token endpoint was down")
            } catch let error as IMAPError {
                #expect(error.isRetryable)
                #expect(error.message.contains("503"))
            }
            await sandbox.directory.setTokenEndpointDown(false)
            #expect(try await Self.peek(mailbox) == 0)
        }
    }
}
