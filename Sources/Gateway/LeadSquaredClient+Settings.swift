import Foundation
import GatewayConfig
import LeadSquared

extension LeadSquaredClient.Configuration {
    /// The client a config file describes: the account, call limits and retries of its `leadsquared:` section, and
    /// the note limit of `notes.max_note_bytes`, so that a note the composer made fit is never refused by the client.
    /// `run`, `once` and `check` all build their client here. Reads the access and secret keys now.
    public init(settings: LeadSquaredSettings, notes: NoteSettings) throws {
        guard let host = URL(string: settings.host) else {
            throw GatewaySetupError("`leadsquared.host` \(settings.host) is not a URL")
        }
        self.init(host: host, tenantID: settings.tenantID,
                  accessKey: try settings.accessKey.resolve(), secretKey: try settings.secretKey.resolve())
        requestTimeout = .seconds(settings.timeoutSeconds)
        rateLimit = RateLimit(calls: settings.rateLimitCalls, per: .seconds(settings.rateLimitSeconds))
        retryPolicy = RetryPolicy(base: .seconds(settings.retryBaseSeconds), cap: .seconds(settings.retryCapSeconds),
                                  maxAttempts: settings.maxAttempts)
        maxNoteBytes = notes.maxNoteBytes
    }
}
