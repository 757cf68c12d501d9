/// How one call to the LeadSquared API ended, as the `outcome` label of `notegate_api_calls_total`.
///
/// Mirrors the client's post outcomes without depending on the client: the gateway maps one to the other.
public enum APIOutcome: String, Sendable, CaseIterable {
    /// 2xx: the note is on the ticket.
    case posted
    /// 429: the account's call limit was hit.
    case rateLimited = "rate_limited"
    /// 5xx, or the request never fully left this host.
    case transient
    /// The request was sent but no answer came.
    case uncertain
    /// A 4xx that concerns this note alone.
    case rejected
    /// 401, 403, 404, 405 or a redirect: host, tenant or keys are wrong.
    case configuration
}
