import CryptoExtras
import Foundation
import IdentitySandbox
import Testing

/// The sandbox's token endpoint, each grant, and introspection, over HTTP.
@Suite struct IdentitySandboxTests {
    static let user = "notes"

    static func configuration(_ account: TestServiceAccount? = nil, lifetime: Int = 3600)
        -> IdentitySandboxConfiguration
    {
        IdentitySandboxConfiguration(
            clients: [.init(id: "app", secret: "app-secret", mailbox: user), .init(id: "device-app")],
            serviceAccounts: account.map { [$0.registration] } ?? [], accessTokenLifetimeSeconds: lifetime
        )
    }

    /// Runs `body` against a fresh sandbox, stopped also when `body` throws.
    static func withSandbox(_ configuration: IdentitySandboxConfiguration,
                            _ body: (IdentitySandboxServer, TokenClient) async throws -> Void) async throws {
        let server = try await IdentitySandboxServer.start(configuration)
        do {
            try await body(server, TokenClient(server: server))
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test func clientCredentialsTokenIntrospectsAsTheMailbox() async throws {
        try await Self.withSandbox(Self.configuration()) { _, client in
            let answer = try await client.token(["grant_type": "client_credentials", "client_id": "app",
                                                 "client_secret": "app-secret",
                                                 "scope": "https://outlook.office365.com/.default"])
            #expect(answer.status == 200)
            #expect(answer.refreshToken == nil)
            let token = try #require(answer.accessToken)
            let introspection = try await client.introspect(token)
            #expect(introspection["active"] as? Bool == true)
            #expect(introspection["username"] as? String == Self.user)
            #expect(try await client.introspect("at-forged")["active"] as? Bool == false)
        }
    }

    @Test func wrongClientSecretIsInvalidClient() async throws {
        try await Self.withSandbox(Self.configuration()) { _, client in
            let answer = try await client.token(["grant_type": "client_credentials", "client_id": "app",
                                                 "client_secret": "guess"])
            #expect(answer.status == 401)
            #expect(answer.error == "invalid_client")
        }
    }

    @Test func refreshTokenRotatesAndARevokedOneIsInvalidGrant() async throws {
        try await Self.withSandbox(Self.configuration()) { server, client in
            let first = await server.directory.issueRefreshToken(for: Self.user, clientID: "device-app")
            let answer = try await client.token(["grant_type": "refresh_token", "client_id": "device-app",
                                                 "refresh_token": first])
            #expect(answer.status == 200)
            let second = try #require(answer.refreshToken)
            #expect(second != first)
            // The spent token no longer works; the new one does until it is revoked.
            let reused = try await client.token(["grant_type": "refresh_token", "client_id": "device-app",
                                                 "refresh_token": first])
            #expect(reused.error == "invalid_grant")
            #expect(await server.directory.revokeRefreshTokens(of: Self.user) == 1)
            let revoked = try await client.token(["grant_type": "refresh_token", "client_id": "device-app",
                                                  "refresh_token": second])
            #expect(revoked.status == 400)
            #expect(revoked.error == "invalid_grant")
        }
    }

    @Test func jwtBearerAssertionSignedByTheServiceAccountIsAccepted() async throws {
        let account = try TestServiceAccount()
        try await Self.withSandbox(Self.configuration(account)) { server, client in
            let assertion = try account.assertion(subject: Self.user, audience: server.tokenURL.absoluteString)
            let answer = try await client.token(["grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                                                 "assertion": assertion])
            #expect(answer.status == 200)
            let token = try #require(answer.accessToken)
            #expect(try await client.introspect(token)["username"] as? String == Self.user)
        }
    }

    @Test func jwtBearerAssertionSignedByAnotherKeyOrForAnotherAudienceIsRefused() async throws {
        let account = try TestServiceAccount()
        let stranger = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        try await Self.withSandbox(Self.configuration(account)) { server, client in
            let forged = try account.assertion(subject: Self.user, audience: server.tokenURL.absoluteString,
                                               signedBy: stranger)
            let answer = try await client.token(["grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                                                 "assertion": forged])
            #expect(answer.error == "invalid_grant")
            let elsewhere = try account.assertion(subject: Self.user, audience: "https://oauth2.googleapis.com/token")
            let misdirected = try await client.token(["grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                                                      "assertion": elsewhere])
            #expect(misdirected.error == "invalid_grant")
            let old = try account.assertion(subject: Self.user, audience: server.tokenURL.absoluteString,
                                            issuedAt: Date().addingTimeInterval(-7200))
            let expired = try await client.token(["grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                                                  "assertion": old])
            #expect(expired.error == "invalid_grant")
        }
    }

    @Test func deviceFlowIsPendingUntilApproved() async throws {
        try await Self.withSandbox(Self.configuration()) { _, client in
            let authorization = try await client.post("devicecode", ["client_id": "device-app",
                                                                     "scope": "https://mail.google.com/"])
            let deviceCode = try #require(authorization.fields["device_code"] as? String)
            let userCode = try #require(authorization.fields["user_code"] as? String)
            #expect(authorization.fields["verification_uri"] as? String != nil)
            let poll = ["grant_type": "urn:ietf:params:oauth:grant-type:device_code", "client_id": "device-app",
                        "device_code": deviceCode]
            #expect(try await client.token(poll).error == "authorization_pending")
            let approval = try await client.post("sandbox/approve", ["user_code": userCode, "username": Self.user])
            #expect(approval.status == 200)
            let answer = try await client.token(poll)
            #expect(answer.status == 200)
            #expect(answer.refreshToken != nil)
            let token = try #require(answer.accessToken)
            #expect(try await client.introspect(token)["username"] as? String == Self.user)
        }
    }

    @Test func expiredAccessTokenIsInactive() async throws {
        try await Self.withSandbox(Self.configuration()) { server, client in
            let answer = try await client.token(["grant_type": "client_credentials", "client_id": "app",
                                                 "client_secret": "app-secret"])
            let token = try #require(answer.accessToken)
            await server.directory.expireAccessTokens()
            #expect(try await client.introspect(token)["active"] as? Bool == false)
        }
    }

    @Test func tokenEndpointDownAnswers503ThenRecovers() async throws {
        try await Self.withSandbox(Self.configuration()) { server, client in
            let form = ["grant_type": "client_credentials", "client_id": "app", "client_secret": "app-secret"]
            await server.directory.setTokenEndpointDown(true)
            let down = try await client.token(form)
            #expect(down.status == 503)
            await server.directory.setTokenEndpointDown(false)
            let back = try await client.token(form)
            #expect(back.status == 200)
        }
    }
}
