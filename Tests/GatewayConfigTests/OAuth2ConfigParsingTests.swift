import Testing
@testable import GatewayConfig

private func mailbox(_ oauth2: String) -> String {
    """
    mailboxes:
      - name: notes
        host: outlook.office365.com
        username: notes@contoso.com
        auth: oauth2
        oauth2:
    \(oauth2.split(separator: "\n").map { "      \($0)" }.joined(separator: "\n"))
    ledger:
      path: /var/lib/notegate/ledger.sqlite

    """
}

private func settings(_ oauth2: String) throws -> OAuth2Settings {
    let config = try GatewayConfiguration.parse(yaml: mailbox(oauth2))
    guard case .oauth2(let settings) = config.mailboxes[0].authentication else {
        Issue.record("not an oauth2 mailbox")
        throw ConfigError(keyPath: "", line: nil, problem: "not oauth2")
    }
    return settings
}

@Suite struct OAuth2ConfigParsingTests {
    @Test func microsoft365WithASecretIsAppOnlyClientCredentials() throws {
        let oauth = try settings("""
            provider: microsoft365
            tenant_id: 0b1f-tenant
            client_id: app-id
            client_secret_env: M365_SECRET
            """)
        #expect(oauth.grant == .clientCredentials)
        #expect(oauth.tokenURL == "https://login.microsoftonline.com/0b1f-tenant/oauth2/v2.0/token")
        #expect(oauth.scope == "https://outlook.office365.com/.default")
        #expect(oauth.clientSecret == .environment("M365_SECRET"))
        #expect(oauth.subject == "notes@contoso.com")
        #expect(oauth.refreshTokenFile == "/var/lib/notegate/oauth-notes.refresh-token")
    }

    @Test func microsoft365WithoutASecretIsDelegated() throws {
        let oauth = try settings("provider: microsoft365\ntenant_id: t\nclient_id: app-id")
        #expect(oauth.grant == .refreshToken)
        #expect(oauth.scope == "https://outlook.office365.com/IMAP.AccessAsUser.All offline_access")
        #expect(oauth.deviceAuthorizationURL == "https://login.microsoftonline.com/t/oauth2/v2.0/devicecode")
    }

    @Test func googleWithAKeyFileIsJWTBearer() throws {
        let oauth = try settings("provider: google\nservice_account_key_file: /etc/notegate/sa.json")
        #expect(oauth.grant == .jwtBearer)
        #expect(oauth.tokenURL == "https://oauth2.googleapis.com/token")
        #expect(oauth.scope == "https://mail.google.com/")
    }

    @Test func genericNeedsTokenURLAndScope() {
        #expect(throws: ConfigError.self) { try settings("provider: generic\nclient_id: c\nscope: imap") }
        #expect(throws: ConfigError.self) { try settings("provider: generic\nclient_id: c\ntoken_url: https://idp/token") }
    }

    @Test func anHTTPTokenURLNeedsAllowInsecure() throws {
        #expect(throws: ConfigError.self) {
            try settings("provider: generic\nclient_id: c\nscope: imap\ntoken_url: http://127.0.0.1:9/token")
        }
        let oauth = try settings("provider: generic\nclient_id: c\nscope: imap\ntoken_url: http://127.0.0.1:9/token\n"
            + "allow_insecure: true")
        #expect(oauth.allowInsecure)
    }

    @Test func clientCredentialsWithoutASecretIsRefused() {
        #expect(throws: ConfigError.self) {
            try settings("provider: microsoft365\ntenant_id: t\nclient_id: c\ngrant: client_credentials")
        }
    }

    @Test func unknownKeysAndAMissingSectionAreRefused() {
        #expect(throws: ConfigError.self) { try settings("provider: google\nservice_account_key_file: k\ncolour: red") }
        #expect(throws: ConfigError.self) {
            try GatewayConfiguration.parse(yaml: "mailboxes:\n  - {name: n, host: h, username: u, auth: oauth2}\n")
        }
    }
}
