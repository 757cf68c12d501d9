import Foundation
import GRDB

/// What `notegate ledger retry/assign/forget` do.
extension SQLiteLedger {
    @discardableResult
    public func retry(_ id: LedgerEntryID) async throws -> LedgerEntry {
        try await transition(id, .retry) { record in
            record.requeueByOperator()
        }
    }

    public func retryAllDead() async throws -> Int {
        let now = clock()
        return try await pool.write { db in
            let dead = try MessageRecord.filter(MessageColumns.state == LedgerState.Name.dead.rawValue)
                .fetchAll(db)
            for var record in dead {
                try Transition.retry.apply(to: &record, now: now, in: db) { $0.requeueByOperator() }
            }
            return dead.count
        }
    }

    @discardableResult
    public func assign(_ id: LedgerEntryID, ticketID: Int) async throws -> LedgerEntry {
        guard let existing = try await entry(id) else { throw LedgerError.notFound(id) }
        guard existing.note != nil else { throw LedgerError.nothingToPost(id) }
        return try await transition(id, .assign) { record in
            record.ticketID = ticketID
            record.requeueByOperator()
        }
    }

    public func forget(_ id: LedgerEntryID) async throws {
        try await pool.write { db in
            guard try MessageRecord.deleteOne(db, key: id.rawValue) else { throw LedgerError.notFound(id) }
        }
    }
}
