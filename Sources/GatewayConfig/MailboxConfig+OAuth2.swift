import Foundation
import Secrets

/// `auth: oauth2`: notegate gets its own access tokens from the provider's token endpoint.
public struct OAuth2Settings: Sendable, Equatable {
    /// Whose endpoints and scopes to use.
    public enum Provider: String, Sendable, CaseIterable {
        case microsoft365, google, generic
    }

    /// How notegate obtains access tokens.
    public enum Grant: String, Sendable, CaseIterable {
        /// App-only (Microsoft 365): the client's id and secret.
        case clientCredentials = "client_credentials"
        /// Delegated: a refresh token from `notegate oauth login` (RFC 8628 device flow), kept in `refreshTokenFile`.
        case refreshToken = "refresh_token"
        /// RFC 7523: an RS256 assertion signed with a service account's key (Google domain-wide delegation).
        case jwtBearer = "jwt_bearer"
    }

    public var provider: Provider
    public var grant: Grant
    public var tokenURL: String
    /// The RFC 8628 device authorization endpoint `notegate oauth login` uses; nil when the provider has none.
    public var deviceAuthorizationURL: String?
    /// Space-separated scopes asked for.
    public var scope: String
    /// The OAuth client id; nil for `jwt_bearer`, which takes it from the key file.
    public var clientID: String?
    /// The client secret; nil for a public client.
    public var clientSecret: SecretSource?
    /// The service account's JSON key file (`jwt_bearer`).
    public var serviceAccountKeyFile: String?
    /// The user whose mailbox a service account acts for (`sub`); default the mailbox's `username`.
    public var subject: String
    /// Where the refresh token notegate obtained is kept (mode 0600); default beside the ledger.
    public var refreshTokenFile: String?
    /// Allows an `http://` token URL (the identity sandbox only).
    public var allowInsecure: Bool

    public init(provider: Provider, grant: Grant, tokenURL: String, deviceAuthorizationURL: String? = nil,
                scope: String, clientID: String? = nil, clientSecret: SecretSource? = nil,
                serviceAccountKeyFile: String? = nil, subject: String, refreshTokenFile: String? = nil,
                allowInsecure: Bool = false) {
        self.provider = provider
        self.grant = grant
        self.tokenURL = tokenURL
        self.deviceAuthorizationURL = deviceAuthorizationURL
        self.scope = scope
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.serviceAccountKeyFile = serviceAccountKeyFile
        self.subject = subject
        self.refreshTokenFile = refreshTokenFile
        self.allowInsecure = allowInsecure
    }

    /// Tells apart the token sets of a process: one per endpoint, client, user and grant.
    public var identity: String {
        [tokenURL, grant.rawValue, clientID ?? "", clientSecret.map { "\($0)" } ?? "", serviceAccountKeyFile ?? "",
         subject, scope, refreshTokenFile ?? ""].joined(separator: "\u{1}")
    }

    /// The refresh-token state file of mailbox `name` when none is configured: beside the ledger.
    public static func defaultRefreshTokenFile(ledgerPath: String, mailbox name: String) -> String {
        let safe = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
        return URL(fileURLWithPath: ledgerPath).deletingLastPathComponent()
            .appendingPathComponent("oauth-\(safe).refresh-token").path
    }
}

extension MailboxConfig {
    static let oauth2Keys: Set<String> = [
        "provider", "grant", "tenant_id", "token_url", "device_authorization_url", "scope", "client_id",
        "client_secret_env", "client_secret_file", "client_secret_command", "service_account_key_file", "subject",
        "refresh_token_file", "allow_insecure",
    ]

    static func oauth2Settings(_ mailbox: ConfigNode, username: String) throws -> OAuth2Settings {
        guard let config = try mailbox.mapping("oauth2") else {
            throw mailbox.error("oauth2", "is required with `auth: oauth2`: give at least `provider` and `client_id` "
                + "(or `service_account_key_file` for a Google service account)")
        }
        try config.rejectUnknownKeys(oauth2Keys)
        let provider = try config.choice("provider", as: OAuth2Settings.Provider.self) ?? .generic
        let hasSecret = ["client_secret_env", "client_secret_file", "client_secret_command"].contains { config.has($0) }
        let clientSecret = hasSecret ? try config.secret(env: "client_secret_env", file: "client_secret_file",
                                                         command: "client_secret_command",
                                                         purpose: "the OAuth client secret", anchor: "client_secret_file")
            : nil
        let keyFile = try config.string("service_account_key_file")
        let inferred: OAuth2Settings.Grant = keyFile != nil ? .jwtBearer
            : (provider == .microsoft365 && hasSecret ? .clientCredentials : .refreshToken)
        let grant = try config.choice("grant", as: OAuth2Settings.Grant.self) ?? inferred
        let clientID = try config.string("client_id")
        switch grant {
        case .clientCredentials:
            guard clientID != nil, clientSecret != nil else {
                throw config.error("grant", "client_credentials needs `client_id` and a client secret "
                    + "(`client_secret_env`, `client_secret_file` or `client_secret_command`)")
            }
        case .refreshToken:
            guard clientID != nil else { throw config.error("client_id", "is required for the refresh_token grant") }
        case .jwtBearer:
            guard keyFile != nil else {
                throw config.error("service_account_key_file", "is required for the jwt_bearer grant")
            }
        }
        var tokenURL = try config.string("token_url")
        var deviceURL = try config.string("device_authorization_url")
        var scope = try config.string("scope")
        switch provider {
        case .microsoft365:
            let tenant = try config.requiredString("tenant_id")
            tokenURL = tokenURL ?? "https://login.microsoftonline.com/\(tenant)/oauth2/v2.0/token"
            deviceURL = deviceURL ?? "https://login.microsoftonline.com/\(tenant)/oauth2/v2.0/devicecode"
            scope = scope ?? (grant == .clientCredentials ? "https://outlook.office365.com/.default"
                : "https://outlook.office365.com/IMAP.AccessAsUser.All offline_access")
        case .google:
            tokenURL = tokenURL ?? "https://oauth2.googleapis.com/token"
            deviceURL = deviceURL ?? "https://oauth2.googleapis.com/device/code"
            scope = scope ?? "https://mail.google.com/"
        case .generic:
            guard tokenURL != nil else { throw config.error("token_url", "is required with `provider: generic`") }
            guard scope != nil else { throw config.error("scope", "is required with `provider: generic`") }
        }
        let allowInsecure = try config.bool("allow_insecure") ?? false
        for (key, url) in [("token_url", tokenURL), ("device_authorization_url", deviceURL)] {
            guard let url else { continue }
            guard url.hasPrefix("https://") || (allowInsecure && url.hasPrefix("http://")) else {
                throw config.error(key, "must be an https:// URL (http:// only with `allow_insecure: true`, "
                    + "for a local test identity provider)")
            }
        }
        return OAuth2Settings(provider: provider, grant: grant, tokenURL: tokenURL!, deviceAuthorizationURL: deviceURL,
                              scope: scope!, clientID: clientID, clientSecret: clientSecret,
                              serviceAccountKeyFile: keyFile, subject: try config.string("subject") ?? username,
                              refreshTokenFile: try config.string("refresh_token_file"), allowInsecure: allowInsecure)
    }
}

extension MailboxConfig {
    /// This mailbox with its OAuth refresh-token file, when none is configured, beside the ledger.
    func keepingOAuthStateBeside(ledgerPath: String) -> MailboxConfig {
        guard case .oauth2(var settings) = authentication, settings.refreshTokenFile == nil else { return self }
        settings.refreshTokenFile = OAuth2Settings.defaultRefreshTokenFile(ledgerPath: ledgerPath, mailbox: name)
        var mailbox = self
        mailbox.authentication = .oauth2(settings)
        return mailbox
    }
}
