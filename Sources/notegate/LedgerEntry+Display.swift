import Foundation
import Ledger

/// The pieces of an entry that `ledger list` and `show` print, in text and in JSON alike.
extension LedgerEntry {
    /// The reason of a skip or a dead letter; nil in other states.
    var stateReason: String? {
        switch state {
        case .skipped(let reason), .dead(let reason): reason
        case .pending, .posting, .posted, .retrying, .uncertain: nil
        }
    }

    /// When a `retrying` entry is tried next; nil in other states.
    var nextAttemptAt: Date? {
        if case .retrying(let next) = state { return next }
        return nil
    }

    /// The state as a person reads it: `skipped (no-ticket)`, `retrying (next attempt …)`.
    var stateSummary: String {
        if let reason = stateReason { return "\(state.name.rawValue) (\(reason))" }
        if let next = nextAttemptAt { return "retrying (next attempt \(next.timestamp))" }
        return state.name.rawValue
    }

    /// What `retry` and `assign` report once the entry is queued.
    var queuedMessage: String {
        let ticket = ticketID.map { " to ticket #\($0)" } ?? ""
        return "Entry \(id) is \(state.name.rawValue): notegate posts its note\(ticket) on its next pass."
    }
}

extension Date {
    /// ISO 8601 in UTC to the second, as every ledger command prints times.
    var timestamp: String { formatted(.iso8601) }
}
