import Foundation

/// Where a message stands in the ledger. A message is recorded `skipped` or `pending`; it becomes
/// `posting` just before the HTTP call and `posted`, `retrying`, `dead` or `uncertain` after it.
/// `uncertain` means the call may or may not have reached the API (the process died mid-call, or the
/// connection dropped after the request was sent).
public enum LedgerState: Sendable, Hashable, Codable {
    /// Never to be posted; `reason` is the machine-readable skip reason (`no-ticket`, `before-start`, …).
    case skipped(reason: String)
    /// Waiting for its first post.
    case pending
    /// The HTTP call is in flight.
    case posting
    /// The API accepted the note.
    case posted
    /// A post failed in a way worth trying again at `nextAttemptAt`.
    case retrying(nextAttemptAt: Date)
    /// A post failed for good; only an operator brings it back (`retry`, `assign`).
    case dead(reason: String)
    /// The post may or may not have happened.
    case uncertain

    /// The state without its associated values: what `list` filters on and `counts` groups by.
    public enum Name: String, Sendable, Hashable, Codable, CaseIterable {
        case skipped, pending, posting, posted, retrying, dead, uncertain
    }

    public var name: Name {
        switch self {
        case .skipped: .skipped
        case .pending: .pending
        case .posting: .posting
        case .posted: .posted
        case .retrying: .retrying
        case .dead: .dead
        case .uncertain: .uncertain
        }
    }
}
