import Secrets

/// One IMAP mailbox notegate watches: where it is, how to log in, which folders to read and what to
/// do with each message once it has been handled. Built from a `mailboxes:` entry of the config file.
public struct MailboxConfig: Sendable, Equatable {
    /// How the connection is protected.
    public enum Transport: String, Sendable, Equatable, CaseIterable {
        /// TLS from the first byte (port 993).
        case imaps
        /// Plain connection upgraded with STARTTLS before logging in (port 143).
        case starttls
        /// No encryption at all; refused unless `allowInsecure` is set.
        case plain

        /// The usual port for this transport.
        public var defaultPort: Int { self == .imaps ? 993 : 143 }
    }

    /// How the server's certificate is checked.
    public struct TLSSettings: Sendable, Equatable {
        /// Check the chain and the host name. Default true.
        public var verify: Bool
        /// PEM file of trusted authorities, used instead of the system trust store. Default none.
        public var caFile: String?

        public init(verify: Bool = true, caFile: String? = nil) {
            self.verify = verify
            self.caFile = caFile
        }
    }

    /// How notegate proves who it is.
    public enum Authentication: Sendable, Equatable {
        /// IMAP LOGIN with a password.
        case login(password: SecretSource)
        /// SASL PLAIN with a password.
        case plain(password: SecretSource)
        /// SASL XOAUTH2 with an OAuth access token (Gmail, Microsoft 365).
        case xoauth2(token: SecretSource)
        /// SASL XOAUTH2 or OAUTHBEARER with access tokens notegate gets itself from the provider.
        case oauth2(OAuth2Settings)
    }

    /// What to do with messages for each outcome of the pipeline.
    public struct OutcomeActions: Sendable, Equatable {
        /// After a note was posted. Default `move:notegate/posted`.
        public var posted: MailboxAction
        /// After a message was skipped (no ticket, auto-reply...). Default `move:notegate/skipped`.
        public var skipped: MailboxAction
        /// After posting failed for good. Default `keep`.
        public var failed: MailboxAction

        public init(posted: MailboxAction = .move(folder: "notegate/posted"),
                    skipped: MailboxAction = .move(folder: "notegate/skipped"),
                    failed: MailboxAction = .keep) {
            self.posted = posted
            self.skipped = skipped
            self.failed = failed
        }
    }

    /// Which messages count on the first start on a folder (no checkpoint yet).
    public enum StartFrom: Sendable, Equatable {
        /// Only mail arriving after the first start; what is already there is recorded as skipped
        /// `before-start`, never posted. The default, so turning the gateway on never floods tickets.
        case new
        /// Everything in the folder.
        case all
        /// Mail that arrived (IMAP INTERNALDATE) on or after this day.
        case since(year: Int, month: Int, day: Int)
    }

    /// The account name, used in checkpoints and logs.
    public var name: String
    public var host: String
    public var port: Int
    public var transport: Transport
    /// Allows `transport: plain`. Default false.
    public var allowInsecure: Bool
    public var tls: TLSSettings
    public var username: String
    public var authentication: Authentication
    /// Seconds `oauth_token_command` may run before it is killed and the login fails. Default 10.
    public var oauthTokenCommandTimeoutSeconds: Int
    /// Folders to read. Default `[INBOX]`.
    public var folders: [String]
    /// The most bytes fetched for one message: its header, the text parts read, forwarded messages'
    /// headers (attachments are never fetched). Text past it is cut; a message whose header alone is
    /// larger is skipped `too-large`. Default 25 MiB.
    public var maxMessageBytes: Int
    /// The most bytes of text parts fetched for one message (within `maxMessageBytes`): the decoded-text
    /// budget, with room for transfer encoding (quoted-printable takes up to 3 bytes per byte). Text past
    /// it is never decoded, so it is never fetched. Set by the gateway from `notes.max_note_bytes`: 3 times
    /// the text budget. Default 786,432 (3 × 256 KiB, the text budget for the default 64 KiB notes).
    public var maxTextFetchBytes = 786_432
    /// Seconds between checks for new mail when the server has no IDLE. Default 60.
    public var pollIntervalSeconds: Int
    /// Seconds between full `UID SEARCH` sweeps while idling; also bounds each IDLE. Default 300.
    public var sweepIntervalSeconds: Int
    /// Seconds allowed to connect, and for each server response. Default 30.
    public var timeoutSeconds: Int
    public var actions: OutcomeActions
    /// Default `.new`.
    public var startFrom: StartFrom
    /// Seconds a parked mailbox waits before it tries again. A mailbox is parked after an error that only
    /// a configuration change can fix (a refused login, an untrusted certificate, STARTTLS refused, a folder
    /// that does not exist); the other mailboxes and posting go on. Default 900: long enough that a wrong
    /// password never locks the account.
    public var configurationRetrySeconds: Int

    public init(name: String, host: String, port: Int? = nil, transport: Transport = .imaps,
                allowInsecure: Bool = false, tls: TLSSettings = TLSSettings(), username: String,
                authentication: Authentication, oauthTokenCommandTimeoutSeconds: Int = 10,
                folders: [String] = ["INBOX"],
                maxMessageBytes: Int = 26_214_400, pollIntervalSeconds: Int = 60,
                sweepIntervalSeconds: Int = 300, timeoutSeconds: Int = 30,
                actions: OutcomeActions = OutcomeActions(), startFrom: StartFrom = .new,
                configurationRetrySeconds: Int = 900) {
        self.name = name
        self.host = host
        self.port = port ?? transport.defaultPort
        self.transport = transport
        self.allowInsecure = allowInsecure
        self.tls = tls
        self.username = username
        self.authentication = authentication
        self.oauthTokenCommandTimeoutSeconds = oauthTokenCommandTimeoutSeconds
        self.folders = folders
        self.maxMessageBytes = maxMessageBytes
        self.pollIntervalSeconds = pollIntervalSeconds
        self.sweepIntervalSeconds = sweepIntervalSeconds
        self.timeoutSeconds = timeoutSeconds
        self.actions = actions
        self.startFrom = startFrom
        self.configurationRetrySeconds = configurationRetrySeconds
    }
}
