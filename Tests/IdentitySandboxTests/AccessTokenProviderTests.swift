import Foundation
import GatewayConfig
import IdentitySandbox
import OAuth
import Testing

/// The token cache against the identity sandbox, without an IMAP server.
@Suite struct AccessTokenProviderTests {
    static func refreshSettings(_ sandbox: IdentitySandboxServer, store: String) -> OAuth2Settings {
        OAuth2Settings(provider: .generic, grant: .refreshToken, tokenURL: sandbox.tokenURL.absoluteString,
                       scope: "imap", clientID: "device-app", subject: IdentitySandboxTests.user,
                       refreshTokenFile: store, allowInsecure: true)
    }

    static func temporaryStore() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("notegate-rt-\(UUID().uuidString)").path
    }

    @Test func concurrentCallersShareOneRefreshSoARotatingTokenIsSpentOnce() async throws {
        try await IdentitySandboxTests.withSandbox(IdentitySandboxTests.configuration()) { sandbox, _ in
            let store = Self.temporaryStore()
            defer { try? FileManager.default.removeItem(atPath: store) }
            try RefreshTokenStore(path: store).write(
                await sandbox.directory.issueRefreshToken(for: IdentitySandboxTests.user, clientID: "device-app"))
            let provider = AccessTokenProvider(settings: Self.refreshSettings(sandbox, store: store))
            async let first = provider.accessToken(forceRefresh: true)
            async let second = provider.accessToken(forceRefresh: true)
            let tokens = try await [first, second]
            #expect(tokens[0] == tokens[1])
            #expect(await sandbox.directory.tokenRequests["refresh_token"] == 1)
            let kept = try #require(try RefreshTokenStore(path: store).read())
            #expect(await sandbox.directory.validRefreshTokens == [kept])
        }
    }

    @Test func aCachedTokenIsReusedUntilItIsDueForRenewal() async throws {
        var configuration = IdentitySandboxTests.configuration()
        configuration.accessTokenLifetimeSeconds = 3600
        try await IdentitySandboxTests.withSandbox(configuration) { sandbox, _ in
            let store = Self.temporaryStore()
            defer { try? FileManager.default.removeItem(atPath: store) }
            try RefreshTokenStore(path: store).write(
                await sandbox.directory.issueRefreshToken(for: IdentitySandboxTests.user, clientID: "device-app"))
            let provider = AccessTokenProvider(settings: Self.refreshSettings(sandbox, store: store))
            let token = try await provider.accessToken()
            #expect(try await provider.accessToken() == token)
            #expect(await sandbox.directory.tokenRequests["refresh_token"] == 1)
        }
    }

    @Test func anUnreadableClientSecretIsALocalProblemNotAnOutage() async throws {
        try await IdentitySandboxTests.withSandbox(IdentitySandboxTests.configuration()) { sandbox, _ in
            let settings = OAuth2Settings(provider: .generic, grant: .clientCredentials,
                                          tokenURL: sandbox.tokenURL.absoluteString, scope: "imap", clientID: "app",
                                          clientSecret: .environment("NOTEGATE_TEST_UNSET_\(UUID().uuidString.prefix(4))"),
                                          subject: IdentitySandboxTests.user, allowInsecure: true)
            do {
                _ = try await AccessTokenProvider(settings: settings).accessToken()
                Issue.record("a token was issued without the client secret")
            } catch let error as OAuthError {
                #expect(error.kind == .misconfigured)
                #expect(!error.isRetryable)
            }
        }
    }
}
