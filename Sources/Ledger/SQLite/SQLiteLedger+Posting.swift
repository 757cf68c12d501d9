import Foundation
import GRDB

/// The posting lifecycle: the pipeline's transitions around each HTTP call, and start-up recovery.
extension SQLiteLedger {
    @discardableResult
    public func beginPosting(_ id: LedgerEntryID, noteHash: NoteHash) async throws -> LedgerEntry {
        try await transition(id, .beginPosting) { record in
            record.ledgerState = .posting
            record.attempts += 1
            record.noteHash = noteHash.rawValue
        }
    }

    @discardableResult
    public func markPosted(
        _ id: LedgerEntryID, response: String, checkpoint: MailboxCheckpoint?
    ) async throws -> LedgerEntry {
        let now = clock()
        return try await transition(id, .markPosted, then: { db in
            if let checkpoint {
                try CheckpointRecord.advance(to: checkpoint, now: now, in: db)
            }
            try SightingRecord.setDueAction(.posted, entryID: id, in: db)
        }) { record in
            record.ledgerState = .posted
            record.apiResponse = response
            record.postedAt = now
        }
    }

    @discardableResult
    public func markRetrying(_ id: LedgerEntryID, error: String, nextAttemptAt: Date) async throws -> LedgerEntry {
        try await transition(id, .markRetrying) { record in
            record.ledgerState = .retrying(nextAttemptAt: nextAttemptAt)
            record.lastError = error
        }
    }

    @discardableResult
    public func markDead(_ id: LedgerEntryID, reason: String) async throws -> LedgerEntry {
        try await transition(id, .markDead, then: { db in
            try SightingRecord.setDueAction(.failed, entryID: id, in: db)
        }) { record in
            record.ledgerState = .dead(reason: reason)
        }
    }

    @discardableResult
    public func markUncertain(_ id: LedgerEntryID, error: String, policy: UncertainPolicy) async throws -> LedgerEntry {
        try await transition(id, .markUncertain) { record in
            record.ledgerState = .uncertain
            record.lastError = error
            if policy == .repost {
                record.requeue()
            }
        }
    }

    @discardableResult
    public func markPending(_ id: LedgerEntryID, error: String) async throws -> LedgerEntry {
        try await transition(id, .markPending) { record in
            record.ledgerState = .pending
            record.lastError = error
        }
    }

    public func recoverInterruptedPosts(policy: UncertainPolicy) async throws -> [LedgerEntryID] {
        let now = clock()
        return try await pool.write { db in
            let interrupted = try MessageRecord
                .filter(MessageRecord.Columns.state == LedgerState.Name.posting.rawValue)
                .order(MessageRecord.Columns.id)
                .fetchAll(db)
            for var record in interrupted {
                try Transition.markUncertain.apply(to: &record, now: now, in: db) { record in
                    record.ledgerState = .uncertain
                    record.lastError = "notegate stopped during post attempt \(record.attempts); "
                        + "the note may or may not be on ticket \(record.ticketID.map(String.init) ?? "?")"
                    if policy == .repost {
                        record.requeue()
                    }
                }
            }
            return interrupted.map(\.entryID)
        }
    }
}
