import Foundation
import Ledger
import PostgresNIO

/// The posting lifecycle and the operator's commands.
extension PostgresLedger {
    /// Refused with `PostgresLedgerError.claimedElsewhere` while another instance's claim on the entry
    /// (`duePosts`) is live: an entry is posted by the instance that claimed it, or by any once the claim expired.
    @discardableResult
    public func beginPosting(_ id: LedgerEntryID, noteHash: NoteHash) async throws -> LedgerEntry {
        try await transition(id, .beginPosting, first: { connection in
            let claims = try await connection.query("""
                SELECT claimed_by FROM messages WHERE id = \(id.rawValue) AND claimed_by <> \(owner)
                AND claim_expires_at > clock_timestamp()
                """, logger: logger).collect()
            if let claimant = try claims.first?.decode(String.self) {
                throw PostgresLedgerError.claimedElsewhere(entry: id.rawValue, owner: claimant)
            }
        }) { row in
            row.ledgerState = .posting
            row.attempts += 1
            row.noteHash = noteHash.rawValue
        }
    }

    @discardableResult
    public func markPosted(_ id: LedgerEntryID, response: String, checkpoint: MailboxCheckpoint?) async throws
        -> LedgerEntry {
        let now = clock()
        return try await transition(id, .markPosted, then: { connection in
            if let checkpoint {
                try await advanceCheckpoint(to: checkpoint, now: now, connection)
            }
            try await setDueAction(.posted, entryID: id.rawValue, connection)
        }) { row in
            row.ledgerState = .posted
            row.apiResponse = response
            row.postedAt = now
        }
    }

    @discardableResult
    public func markRetrying(_ id: LedgerEntryID, error: String, nextAttemptAt: Date) async throws -> LedgerEntry {
        try await transition(id, .markRetrying) { row in
            row.ledgerState = .retrying(nextAttemptAt: nextAttemptAt)
            row.lastError = error
        }
    }

    @discardableResult
    public func markDead(_ id: LedgerEntryID, reason: String) async throws -> LedgerEntry {
        try await transition(id, .markDead, then: { connection in
            try await setDueAction(.failed, entryID: id.rawValue, connection)
        }) { row in
            row.ledgerState = .dead(reason: reason)
        }
    }

    @discardableResult
    public func markUncertain(_ id: LedgerEntryID, error: String, policy: UncertainPolicy) async throws -> LedgerEntry {
        try await transition(id, .markUncertain) { row in
            row.ledgerState = .uncertain
            row.lastError = error
            if policy == .repost {
                row.requeue()
            }
        }
    }

    @discardableResult
    public func markPending(_ id: LedgerEntryID, error: String) async throws -> LedgerEntry {
        try await transition(id, .markPending) { row in
            row.ledgerState = .pending
            row.lastError = error
        }
    }

    /// Every `posting` entry whose instance is gone becomes `uncertain`, then `policy` decides whether it is
    /// queued again: this instance's own (it restarted under the same name), any without an owner, and any
    /// whose owner's `instances` row expired (killed, host gone). Another live instance's calls in flight are
    /// left alone.
    public func recoverInterruptedPosts(policy: UncertainPolicy) async throws -> [LedgerEntryID] {
        recoveryPolicy.withLock { $0 = policy }
        return try await recoverPosts(includingOwn: true, policy: policy)
    }

    /// While running, after each lease renewal: posts left `posting` by instances whose lease expired (killed,
    /// host gone) become uncertain under the policy the last `recoverInterruptedPosts` was given; none before
    /// that call. Returns their ids.
    @discardableResult
    public func recoverPostsOfExpiredInstances() async throws -> [LedgerEntryID] {
        guard let policy = recoveryPolicy.withLock({ $0 }) else { return [] }
        return try await recoverPosts(includingOwn: false, policy: policy)
    }

    private func recoverPosts(includingOwn: Bool, policy: UncertainPolicy) async throws -> [LedgerEntryID] {
        let now = clock()
        return try await transaction { connection in
            let interrupted = try await rows("""
                SELECT \(unescaped: MessageRow.columns) FROM messages m WHERE state = 'posting'
                AND (posting_owner IS NULL OR (\(includingOwn) AND posting_owner = \(owner)) OR NOT EXISTS (
                    SELECT 1 FROM instances i WHERE i.owner = m.posting_owner AND i.expires_at > clock_timestamp()))
                ORDER BY id FOR UPDATE SKIP LOCKED
                """, connection)
            for var row in interrupted {
                try LedgerTransition.markUncertain.check(row)
                row.ledgerState = .uncertain
                row.lastError = "notegate stopped during post attempt \(row.attempts); "
                    + "the note may or may not be on ticket \(row.ticketID.map(String.init) ?? "?")"
                if policy == .repost {
                    row.requeue()
                }
                row.updatedAt = now
                try await row.update(connection, postingOwner: nil, logger: logger)
            }
            return interrupted.map { LedgerEntryID(rawValue: $0.id) }
        }
    }

    @discardableResult
    public func retry(_ id: LedgerEntryID) async throws -> LedgerEntry {
        try await transition(id, .retry) { row in
            row.requeueByOperator()
        }
    }

    public func retryAllDead() async throws -> Int {
        let now = clock()
        return try await transaction { connection in
            let dead = try await rows(
                "SELECT \(unescaped: MessageRow.columns) FROM messages WHERE state = 'dead' FOR UPDATE", connection)
            for var row in dead {
                row.requeueByOperator()
                row.updatedAt = now
                try await row.update(connection, postingOwner: nil, logger: logger)
            }
            return dead.count
        }
    }

    @discardableResult
    public func assign(_ id: LedgerEntryID, ticketID: Int) async throws -> LedgerEntry {
        guard let existing = try await entry(id) else { throw LedgerError.notFound(id) }
        guard existing.note != nil else { throw LedgerError.nothingToPost(id) }
        return try await transition(id, .assign) { row in
            row.ticketID = ticketID
            row.requeueByOperator()
        }
    }

    public func forget(_ id: LedgerEntryID) async throws {
        try await transaction { connection in
            let deleted = try await connection.query(
                "DELETE FROM messages WHERE id = \(id.rawValue) RETURNING id", logger: logger).collect()
            guard !deleted.isEmpty else { throw LedgerError.notFound(id) }
        }
    }
}
