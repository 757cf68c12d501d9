import Secrets

/// Where notes go: the LeadSquared account, and how fast and how persistently to call it.
public struct LeadSquaredSettings: Sendable, Equatable {
    /// The account's API host, like `https://apigw.service-in.leadsquared.com` (from the account manager).
    public var host: String
    public var tenantID: String
    public var accessKey: SecretSource
    public var secretKey: SecretSource
    /// At most `rateLimitCalls` calls in any `rateLimitSeconds`. Default 25 per 5 s, the documented limit.
    public var rateLimitCalls: Int
    public var rateLimitSeconds: Int
    /// Seconds allowed for one call. Default 30.
    public var timeoutSeconds: Int
    /// Attempts before a failing note is dead-lettered. Default 8.
    public var maxAttempts: Int
    /// Backoff between attempts: starts at `retryBaseSeconds`, doubles, capped at `retryCapSeconds`,
    /// with full jitter. Defaults 2 and 300.
    public var retryBaseSeconds: Int
    public var retryCapSeconds: Int
    /// Calls in flight at once. Default 4.
    public var concurrency: Int
    /// Seconds posting pauses after the API refuses the keys, host or tenant (401/404) before it
    /// tries again. Default 180.
    public var configurationRetrySeconds: Int
    /// A ticket `notegate check` reads to confirm the host and keys ("Get a Ticket's Details by Id");
    /// it creates nothing. Default none: the check then only confirms the host answers.
    public var checkTicketID: Int?
    /// Allow `http://` hosts (the local sandbox). Default false.
    public var allowInsecure: Bool

    public init(host: String, tenantID: String, accessKey: SecretSource, secretKey: SecretSource,
                rateLimitCalls: Int = 25, rateLimitSeconds: Int = 5, timeoutSeconds: Int = 30, maxAttempts: Int = 8,
                retryBaseSeconds: Int = 2, retryCapSeconds: Int = 300, concurrency: Int = 4,
                configurationRetrySeconds: Int = 180, checkTicketID: Int? = nil, allowInsecure: Bool = false) {
        self.host = host
        self.tenantID = tenantID
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.rateLimitCalls = rateLimitCalls
        self.rateLimitSeconds = rateLimitSeconds
        self.timeoutSeconds = timeoutSeconds
        self.maxAttempts = maxAttempts
        self.retryBaseSeconds = retryBaseSeconds
        self.retryCapSeconds = retryCapSeconds
        self.concurrency = concurrency
        self.configurationRetrySeconds = configurationRetrySeconds
        self.checkTicketID = checkTicketID
        self.allowInsecure = allowInsecure
    }
}

/// The ledger file and what to do with posts interrupted mid-call.
public struct LedgerSettings: Sendable, Equatable {
    public enum OnUncertain: String, Sendable, Equatable, CaseIterable {
        /// Post again: a rare duplicate note is better than a missing one. The default.
        case repost
        /// Leave it `uncertain` for an operator (`notegate ledger retry`).
        case hold
    }

    /// The SQLite file. Default `notegate-ledger.sqlite` in the working directory
    /// (the systemd unit runs in /var/lib/notegate).
    public var path: String
    public var onUncertain: OnUncertain
    /// `postgres://user:password@host:port/db?sslmode=verify-full`: the ledger on PostgreSQL, shared by several
    /// instances, instead of the SQLite file. Nil (the default) keeps the SQLite file at `path`.
    public var url: String?
    /// The most connections one instance opens to the PostgreSQL ledger. Default 4.
    public var poolSize: Int
    /// This instance's name on a PostgreSQL ledger shared with other instances: it marks the folders it watches
    /// and the posts it makes; no two running instances may share it. Nil (the default): host name and pid.
    public var instance: String?

    public init(path: String = "notegate-ledger.sqlite", onUncertain: OnUncertain = .repost, url: String? = nil,
                poolSize: Int = 4, instance: String? = nil) {
        self.path = path
        self.onUncertain = onUncertain
        self.url = url
        self.poolSize = poolSize
        self.instance = instance
    }
}

/// How notes are found and written.
public struct NoteSettings: Sendable, Equatable {
    /// A regular expression with one capture group for the ticket number. Default `\[#([0-9]+)\]`.
    public var ticketPattern: String?
    /// The largest note in bytes; longer text is cut with a visible marker. Default 65536.
    public var maxNoteBytes: Int
    /// The gateway's own addresses; mail to `local+143@domain` goes to ticket 143. Default none.
    public var gatewayAddresses: [String]

    public init(ticketPattern: String? = nil, maxNoteBytes: Int = 65_536, gatewayAddresses: [String] = []) {
        self.ticketPattern = ticketPattern
        self.maxNoteBytes = maxNoteBytes
        self.gatewayAddresses = gatewayAddresses
    }
}

/// Who may post notes through the gateway.
public struct SenderSettings: Sendable, Equatable {
    /// Addresses or domains (`vendor.example`, `*.vendor.example`) allowed; empty allows everyone.
    public var allow: [String]
    /// Addresses or domains refused; wins over `allow`.
    public var deny: [String]
    /// Require `dmarc=pass` in the Authentication-Results header written by `trustedAuthservID`.
    public var requireDMARCPass: Bool
    public var trustedAuthservID: String?

    public init(allow: [String] = [], deny: [String] = [], requireDMARCPass: Bool = false,
                trustedAuthservID: String? = nil) {
        self.allow = allow
        self.deny = deny
        self.requireDMARCPass = requireDMARCPass
        self.trustedAuthservID = trustedAuthservID
    }

    /// Why these settings are risky, or nil: with no `allow` list and no `require_dmarc_pass`, anyone who
    /// knows the gateway's address and a ticket number (they are sequential) can add internal notes.
    public var openGatewayRisk: String? {
        guard allow.isEmpty && !requireDMARCPass else { return nil }
        return "anyone who knows the gateway's address and a ticket number (they are sequential) can add "
            + "internal notes, which agents trust; set `senders.allow` to your vendors' domains and/or "
            + "`require_dmarc_pass: true` with `trusted_authserv_id` (README, Security)"
    }
}

/// Logs, metrics and health.
public struct ObservabilitySettings: Sendable, Equatable {
    public enum LogFormat: String, Sendable, Equatable, CaseIterable {
        case text, json
    }

    /// `host:port` for `/metrics` and `/healthz`. Default `127.0.0.1:9464`; `off` turns it off.
    public var listen: String?
    public var logFormat: LogFormat
    /// trace, debug, info, notice, warning, error, critical. Default info.
    public var logLevel: String
    /// A mailbox unreachable for longer than this makes `/healthz` unhealthy. Default 600.
    public var mailboxUnreachableSeconds: Int
    /// An OAuth token expiring within this many seconds makes `/healthz` unhealthy. Default 900.
    public var tokenExpiryWarningSeconds: Int

    public init(listen: String? = "127.0.0.1:9464", logFormat: LogFormat = .text, logLevel: String = "info",
                mailboxUnreachableSeconds: Int = 600, tokenExpiryWarningSeconds: Int = 900) {
        self.listen = listen
        self.logFormat = logFormat
        self.logLevel = logLevel
        self.mailboxUnreachableSeconds = mailboxUnreachableSeconds
        self.tokenExpiryWarningSeconds = tokenExpiryWarningSeconds
    }
}
