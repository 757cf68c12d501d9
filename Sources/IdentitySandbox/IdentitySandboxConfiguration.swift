/// Who the identity-provider sandbox knows, and how long its tokens live.
public struct IdentitySandboxConfiguration: Sendable {
    /// An OAuth client (an app registration). An app-only client (client credentials) reaches `mailbox`,
    /// the one mailbox it was given permission on; a delegated client gets tokens for whoever signs in.
    public struct Client: Sendable {
        public var id: String
        /// Nil for a public client (device flow, refresh without a secret).
        public var secret: String?
        /// The mailbox an app-only token of this client may open; nil: the client cannot use client credentials.
        public var mailbox: String?

        public init(id: String, secret: String? = nil, mailbox: String? = nil) {
            self.id = id
            self.secret = secret
            self.mailbox = mailbox
        }
    }

    /// A service account with domain-wide delegation: it signs JWT assertions with its private key and may
    /// act as any user (`sub`).
    public struct ServiceAccount: Sendable {
        /// The `iss` of its assertions (a Google service account's `client_email`).
        public var email: String
        /// Its public key, PEM (SubjectPublicKeyInfo).
        public var publicKeyPEM: String

        public init(email: String, publicKeyPEM: String) {
            self.email = email
            self.publicKeyPEM = publicKeyPEM
        }
    }

    /// 0 picks a free port.
    public var port: Int
    public var clients: [Client]
    public var serviceAccounts: [ServiceAccount]
    /// Seconds an access token is valid (`expires_in`). Default 3600; tests use a few seconds.
    public var accessTokenLifetimeSeconds: Int
    /// Seconds a device-flow client must wait between polls (`interval`). Default 1.
    public var devicePollIntervalSeconds: Int

    public init(port: Int = 0, clients: [Client] = [], serviceAccounts: [ServiceAccount] = [],
                accessTokenLifetimeSeconds: Int = 3600, devicePollIntervalSeconds: Int = 1) {
        self.port = port
        self.clients = clients
        self.serviceAccounts = serviceAccounts
        self.accessTokenLifetimeSeconds = accessTokenLifetimeSeconds
        self.devicePollIntervalSeconds = devicePollIntervalSeconds
    }
}
