/// The ledger's state changes and the states each may start from: the single table that decides
/// which transitions are legal, shared by every backend so all of them allow exactly the same moves.
public enum LedgerTransition: String, Sendable {
    case beginPosting = "begin posting"
    case markPosted = "record the post of"
    case markRetrying = "schedule a retry of"
    case markDead = "dead-letter"
    case markUncertain = "record an uncertain post of"
    case markPending = "requeue"
    case retry = "retry"
    case assign = "assign a ticket to"

    public var allowedFrom: Set<LedgerState.Name> {
        switch self {
        case .beginPosting: [.pending, .retrying]
        case .markPosted, .markRetrying, .markUncertain, .markPending: [.posting]
        case .markDead: [.posting, .pending, .retrying]
        case .retry: [.dead, .uncertain, .retrying]
        case .assign: [.skipped, .pending, .retrying, .dead, .uncertain]
        }
    }

    /// Throws `LedgerError.illegalTransition` unless the entry's `state` may take this transition.
    public func check(_ entry: LedgerEntryID, from state: LedgerState.Name) throws {
        guard allowedFrom.contains(state) else {
            throw LedgerError.illegalTransition(entry, from: state, operation: rawValue)
        }
    }
}
