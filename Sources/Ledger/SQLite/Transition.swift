import Foundation
import GRDB

typealias Transition = LedgerTransition

extension LedgerTransition {
    /// Validates the transition, applies `change` and saves the record; call inside a write transaction.
    func apply(
        to record: inout MessageRecord, now: Date, in db: Database, change: (inout MessageRecord) -> Void
    ) throws {
        try check(record.entryID, from: record.state)
        change(&record)
        record.updatedAt = now
        try record.updateRow(db)
    }
}
