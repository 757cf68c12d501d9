/// What "Get a Ticket's Details by Id" said about the configured host, tenant and keys: the `notegate check`
/// answer. The call reads one ticket and creates nothing.
public enum AccessCheck: Sendable, Hashable {
    /// 200: the host, tenant and keys work, and the ticket exists.
    case granted
    /// The host, tenant, keys or ticket number are wrong (401, 403, 404, 4xx); the reason says which to check.
    case refused(reason: String)
    /// No answer, a 429 or a server failure: nothing is known yet; try again later.
    case unavailable(reason: String)
}

extension AccessCheck {
    /// Reads the answer the way a note's would be read: whatever would stop a note, refuses access.
    init(_ outcome: PostOutcome) {
        switch outcome {
        case .posted:
            self = .granted
        case .rejected(let reason), .configuration(let reason):
            self = .refused(reason: reason)
        case .transient(let reason), .uncertain(let reason):
            self = .unavailable(reason: reason)
        case .rateLimited(let retryAfter):
            self = .unavailable(reason: "LeadSquared is rate limiting this key; try again in \(retryAfter).")
        }
    }
}
