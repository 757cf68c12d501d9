import Secrets
import Foundation

extension LeadSquaredClient {
    /// Everything the client needs to reach one LeadSquared Service CRM account. The host, tenant and keys are
    /// the account's own; every other field has a default that fits the documented API.
    public struct Configuration: Sendable, CustomStringConvertible {
        /// The account's API host, e.g. `https://apigw.service-in.leadsquared.com`. It differs per account and
        /// region (the account manager gives it out), so it is never assumed.
        public var host: URL
        /// The tenant id shown under My Profile in the account.
        public var tenantID: String
        /// The API access key (`X-LSQ-ACCESS-KEY`).
        public var accessKey: Secret
        /// The API secret key (`X-LSQ-SECRET-KEY`).
        public var secretKey: Secret
        /// The longest wait for a connection (TCP and TLS). Default 10 s.
        public var connectTimeout: Duration = .seconds(10)
        /// The longest wait for a whole call, from asking for a connection to the last byte of the answer.
        /// Default 30 s.
        public var requestTimeout: Duration = .seconds(30)
        /// How long an unused connection is kept open. Default 4 s: shorter than the keep-alive of common
        /// servers and gateways (5 s and up), so a call never races the server closing its connection.
        public var idleConnectionTimeout: Duration = .seconds(4)
        /// The calls the account allows; the rate governor keeps under it. Default: the documented 25 per 5 s.
        public var rateLimit: RateLimit = .documented
        /// Backoff for transient failures, for the pipeline. Default: 2 s base, 5 min cap, 8 tries.
        public var retryPolicy = RetryPolicy()
        /// Notes longer than this many UTF-8 bytes are rejected without a call. The API documents no limit;
        /// the default, 64 KiB, keeps a runaway message from being posted whole. The gateway sets it from
        /// `notes.max_note_bytes`, the limit the notes are composed to.
        public var maxNoteBytes = 65_536

        public init(host: URL, tenantID: String, accessKey: Secret, secretKey: Secret) {
            self.host = host
            self.tenantID = tenantID
            self.accessKey = accessKey
            self.secretKey = secretKey
        }

        public var description: String {
            "LeadSquared tenant \(tenantID) at \(host.absoluteString) (keys \(accessKey), \(secretKey); "
                + "\(rateLimit), timeouts \(connectTimeout) to connect and \(requestTimeout) per call)"
        }

        /// Checks what can be checked without a call.
        public func validate() throws(ConfigurationError) {
            guard let scheme = host.scheme?.lowercased(), ["http", "https"].contains(scheme),
                host.host?.isEmpty == false
            else { throw .invalidHost(host.absoluteString) }
            guard !tenantID.isEmpty, !tenantID.contains("/") else { throw .invalidTenant }
            if accessKey.isEmpty { throw .missingKey("accessKey") }
            if secretKey.isEmpty { throw .missingKey("secretKey") }
            for (name, positive) in [
                ("rateLimit.calls", rateLimit.calls > 0), ("rateLimit.window", rateLimit.window > .zero),
                ("connectTimeout", connectTimeout > .zero), ("requestTimeout", requestTimeout > .zero),
                ("idleConnectionTimeout", idleConnectionTimeout > .zero),
                ("maxNoteBytes", maxNoteBytes > 0),
            ] where !positive {
                throw .notPositive(name)
            }
        }

        /// The URL of an API path under this tenant, e.g. `["internalnote", "upload"]`.
        func url(_ components: String...) -> URL {
            components.reduce(host.appending(path: "api/tenants").appending(component: tenantID)) {
                $0.appending(component: $1)
            }
        }

        /// `text` with every occurrence of either key blotted out: for server messages that might echo a request.
        func redacting(_ text: String) -> String {
            [accessKey, secretKey].filter { !$0.isEmpty }.reduce(text) {
                $0.replacingOccurrences(of: $1.reveal(), with: "\($1)")
            }
        }
    }
}
