import Foundation
import GRDB

/// The posting lifecycle: the pipeline's transitions around each HTTP call, one at a time or a batch in
/// one transaction, and start-up recovery.
extension SQLiteLedger {
    @discardableResult
    public func beginPosting(_ id: LedgerEntryID, noteHash: NoteHash) async throws -> LedgerEntry {
        try await writeOne { db, now in
            try Self.apply(PostAttempt.Start(entryID: id, noteHash: noteHash), now: now, in: db)
        }
    }

    @discardableResult
    public func markPosted(
        _ id: LedgerEntryID, response: String, checkpoint: MailboxCheckpoint?
    ) async throws -> LedgerEntry {
        try await end(id, .posted(response: response, checkpoint: checkpoint))
    }

    @discardableResult
    public func markRetrying(_ id: LedgerEntryID, error: String, nextAttemptAt: Date) async throws -> LedgerEntry {
        try await end(id, .retrying(error: error, nextAttemptAt: nextAttemptAt))
    }

    @discardableResult
    public func markDead(_ id: LedgerEntryID, reason: String) async throws -> LedgerEntry {
        try await end(id, .dead(reason: reason))
    }

    @discardableResult
    public func markUncertain(_ id: LedgerEntryID, error: String, policy: UncertainPolicy) async throws -> LedgerEntry {
        try await end(id, .uncertain(error: error, policy: policy))
    }

    @discardableResult
    public func markPending(_ id: LedgerEntryID, error: String) async throws -> LedgerEntry {
        try await end(id, .pending(error: error))
    }

    /// Every start in one transaction; each entry in a savepoint of its own, so an illegal transition
    /// leaves the others recorded.
    public func beginPosting(_ starts: [PostAttempt.Start]) async throws -> PostAttemptResults {
        try await writeEach(starts) { start, db, now in try Self.apply(start, now: now, in: db) }
    }

    /// Every outcome in one transaction; each entry in a savepoint of its own, so an illegal transition
    /// leaves the others recorded.
    public func endPosting(_ ends: [PostAttempt.End]) async throws -> PostAttemptResults {
        try await writeEach(ends) { end, db, now in try Self.apply(end, now: now, in: db) }
    }

    public func recoverInterruptedPosts(policy: UncertainPolicy) async throws -> [LedgerEntryID] {
        let now = clock()
        return try await pool.write { db in
            let interrupted = try MessageRecord
                .filter(MessageColumns.state == LedgerState.Name.posting.rawValue)
                .order(MessageColumns.id)
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

    // MARK: - Transitions inside a write transaction

    private func end(_ id: LedgerEntryID, _ outcome: PostAttempt.Outcome) async throws -> LedgerEntry {
        try await writeOne { db, now in try Self.apply(PostAttempt.End(entryID: id, outcome: outcome), now: now, in: db) }
    }

    private static func apply(_ start: PostAttempt.Start, now: Date, in db: Database) throws -> MessageRecord {
        var record = try MessageRecord.fetch(start.entryID, in: db)
        try Transition.beginPosting.apply(to: &record, now: now, in: db) { record in
            record.ledgerState = .posting
            record.attempts += 1
            record.noteHash = start.noteHash.rawValue
        }
        return record
    }

    private static func apply(_ end: PostAttempt.End, now: Date, in db: Database) throws -> MessageRecord {
        let id = end.entryID
        var record = try MessageRecord.fetch(id, in: db)
        switch end.outcome {
        case .posted(let response, let checkpoint):
            try Transition.markPosted.apply(to: &record, now: now, in: db) { record in
                record.ledgerState = .posted
                record.apiResponse = response
                record.postedAt = now
            }
            if let checkpoint {
                try CheckpointRecord.advance(to: checkpoint, now: now, in: db)
            }
            try SightingRecord.setDueAction(.posted, entryID: id, in: db)
        case .retrying(let error, let nextAttemptAt):
            try Transition.markRetrying.apply(to: &record, now: now, in: db) { record in
                record.ledgerState = .retrying(nextAttemptAt: nextAttemptAt)
                record.lastError = error
            }
        case .dead(let reason):
            try Transition.markDead.apply(to: &record, now: now, in: db) { record in
                record.ledgerState = .dead(reason: reason)
            }
            try SightingRecord.setDueAction(.failed, entryID: id, in: db)
        case .uncertain(let error, let policy):
            try Transition.markUncertain.apply(to: &record, now: now, in: db) { record in
                record.ledgerState = .uncertain
                record.lastError = error
                if policy == .repost {
                    record.requeue()
                }
            }
        case .pending(let error):
            try Transition.markPending.apply(to: &record, now: now, in: db) { record in
                record.ledgerState = .pending
                record.lastError = error
            }
        }
        return record
    }

    /// One transaction for one entry's transition; returns the entry as saved.
    private func writeOne(
        _ transition: @escaping @Sendable (Database, Date) throws -> MessageRecord
    ) async throws -> LedgerEntry {
        let now = clock()
        return try await pool.write { db in
            try MessageRecord.entries([transition(db, now)], in: db)[0]
        }
    }

    /// One transaction for every item's transition, each in a savepoint: a `LedgerError` (unknown entry,
    /// illegal transition) rolls back that item alone and becomes its result; any other error fails the
    /// whole transaction.
    private func writeEach<Item: Sendable>(
        _ items: [Item], _ transition: @escaping @Sendable (Item, Database, Date) throws -> MessageRecord
    ) async throws -> PostAttemptResults {
        guard !items.isEmpty else { return [] }
        let now = clock()
        return try await pool.write { db in
            try items.map { item -> Result<LedgerEntry, any Error> in
                try db.cachedStatement(sql: "SAVEPOINT postAttempt").execute()
                do {
                    let entry = try MessageRecord.entries([transition(item, db, now)], in: db)[0]
                    try db.cachedStatement(sql: "RELEASE SAVEPOINT postAttempt").execute()
                    return .success(entry)
                } catch let error as LedgerError {
                    try db.execute(sql: "ROLLBACK TO SAVEPOINT postAttempt; RELEASE SAVEPOINT postAttempt")
                    return .failure(error)
                }
            }
        }
    }
}
