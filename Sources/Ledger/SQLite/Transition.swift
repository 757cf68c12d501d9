import Foundation
import GRDB

/// The ledger's state changes and the states each may start from: the single table that decides
/// which transitions are legal.
enum Transition: String {
    case beginPosting = "begin posting"
    case markPosted = "record the post of"
    case markRetrying = "schedule a retry of"
    case markDead = "dead-letter"
    case markUncertain = "record an uncertain post of"
    case markPending = "requeue"
    case retry = "retry"
    case assign = "assign a ticket to"

    var allowedFrom: Set<LedgerState.Name> {
        switch self {
        case .beginPosting: [.pending, .retrying]
        case .markPosted, .markRetrying, .markUncertain, .markPending: [.posting]
        case .markDead: [.posting, .pending, .retrying]
        case .retry: [.dead, .uncertain, .retrying]
        case .assign: [.skipped, .pending, .retrying, .dead, .uncertain]
        }
    }

    /// Validates the transition, applies `change` and saves the record; call inside a write transaction.
    func apply(
        to record: inout MessageRecord, now: Date, in db: Database, change: (inout MessageRecord) -> Void
    ) throws {
        guard allowedFrom.contains(record.state) else {
            throw LedgerError.illegalTransition(record.entryID, from: record.state, operation: rawValue)
        }
        change(&record)
        record.updatedAt = now
        try record.update(db)
    }
}
