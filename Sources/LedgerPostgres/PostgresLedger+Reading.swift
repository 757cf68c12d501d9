import Foundation
import Ledger
import PostgresNIO

/// Reads: what `notegate ledger list/show`, metrics and the pipeline's lookups need.
extension PostgresLedger {
    public func entry(_ id: LedgerEntryID) async throws -> LedgerEntry? {
        try await client.withConnection { connection in
            let found = try await rows(
                "SELECT \(unescaped: MessageRow.columns) FROM messages WHERE id = \(id.rawValue)", connection)
            return try await entries(found, connection).first
        }
    }

    public func list(_ filter: LedgerFilter) async throws -> [LedgerEntry] {
        try await client.withConnection { connection in
            let found = try await rows("""
                SELECT \(unescaped: MessageRow.columns) FROM messages
                WHERE (\(filter.state?.rawValue)::text IS NULL OR state = \(filter.state?.rawValue))
                AND (\(filter.ticketID.map { Int64($0) })::bigint IS NULL OR ticket_id = \(filter.ticketID.map { Int64($0) }))
                AND (\(filter.since)::timestamptz IS NULL OR created_at >= \(filter.since))
                ORDER BY id DESC LIMIT \(filter.limit.map { Int64($0) })
                """, connection)
            return try await entries(found, connection)
        }
    }

    public func counts() async throws -> [LedgerState.Name: Int] {
        var counts = Dictionary(uniqueKeysWithValues: LedgerState.Name.allCases.map { ($0, 0) })
        let result = try await client.query("SELECT state, COUNT(*) FROM messages GROUP BY state", logger: logger)
        for try await (state, count) in result.decode((String, Int64).self) {
            if let name = LedgerState.Name(rawValue: state) {
                counts[name] = Int(count)
            }
        }
        return counts
    }

    /// Claims the due posts for this instance (`claimed_by`, for `claimLifetime` by the database's clock):
    /// rows another instance is claiming at the same moment are skipped (`SKIP LOCKED`), and rows under another
    /// instance's live claim are not due here. So two instances never take the same entry, and neither spends a
    /// rate-limit slot on an entry the other is posting.
    ///
    /// The posting loop asks again only once its batch is done, so the same call gives back what this instance
    /// claimed before and did not begin (posting paused by a refused configuration, or stopping): another
    /// instance need not wait for those claims to expire.
    ///
    /// A database that does not answer within `duePostsDeadline` has no posts due now: the posting loop looks
    /// again on its next turn, and a stop is not held up by the pool's minute-long wait for a connection.
    public func duePosts(now: Date, limit: Int) async throws -> [LedgerEntry] {
        let claimed = try await withinDeadline(Self.duePostsDeadline) { try await self.claimDuePosts(now: now, limit: limit) }
        guard let claimed else {
            logger.warning("the ledger database did not answer within \(Self.duePostsDeadline); no posts are taken now")
            return []
        }
        return claimed
    }

    private func claimDuePosts(now: Date, limit: Int) async throws -> [LedgerEntry] {
        try await transaction { connection in
            try await connection.query("""
                UPDATE messages SET claimed_by = NULL, claim_expires_at = NULL
                WHERE claimed_by = \(owner) AND state IN ('pending', 'retrying')
                """, logger: logger)
            let claimed = try await rows("""
                UPDATE messages SET claimed_by = \(owner), \
                claim_expires_at = clock_timestamp() + \(Self.claimLifetime) * interval '1 second'
                WHERE id IN (
                    SELECT id FROM messages
                    WHERE (state = 'pending' OR (state = 'retrying' AND next_attempt_at <= \(now)))
                    AND (claimed_by IS NULL OR claimed_by = \(owner) OR claim_expires_at <= clock_timestamp())
                    ORDER BY id LIMIT \(Int64(limit)) FOR UPDATE SKIP LOCKED)
                RETURNING \(unescaped: MessageRow.columns)
                """, connection)
            return try await entries(claimed.sorted { $0.id < $1.id }, connection)
        }
    }

    public func ticketForThread(messageIDs: [String]) async throws -> Int? {
        // References lists oldest first; only the last 1,000 count, as in the SQLite ledger.
        let normalized = Array(messageIDs.compactMap(MessageKey.normalizedMessageID).suffix(1000))
        guard !normalized.isEmpty else { return nil }
        let result = try await client.query("""
            SELECT ticket_id FROM messages
            WHERE message_id = ANY(\(normalized))
            AND state IN ('posted', 'pending', 'posting', 'retrying', 'uncertain') AND ticket_id IS NOT NULL
            ORDER BY id DESC LIMIT 1
            """, logger: logger)
        for try await ticket in result.decode(Int64.self) {
            return Int(ticket)
        }
        return nil
    }

    public func checkpoint(account: String, folder: String) async throws -> MailboxCheckpoint? {
        let result = try await client.query("""
            SELECT uid_validity, last_uid, start_uid FROM checkpoints WHERE account = \(account) AND folder = \(folder)
            """, logger: logger)
        for try await (uidValidity, lastUID, startUID) in result.decode((Int64, Int64, Int64).self) {
            return MailboxCheckpoint(account: account, folder: folder, uidValidity: UInt32(uidValidity),
                                     lastUID: UInt32(lastUID), startUID: UInt32(startUID))
        }
        return nil
    }

    public func dueActions(account: String, folder: String) async throws -> [DueMailboxAction] {
        let result = try await client.query("""
            SELECT uid_validity, uid, due_action FROM sightings
            WHERE account = \(account) AND folder = \(folder) AND due_action IS NOT NULL ORDER BY id
            """, logger: logger)
        var actions: [DueMailboxAction] = []
        for try await (uidValidity, uid, action) in result.decode((Int64, Int64, String).self) {
            guard let action = DueAction(rawValue: action) else { continue }
            actions.append(DueMailboxAction(
                location: MessageLocation(account: account, folder: folder, uidValidity: UInt32(uidValidity),
                                          uid: UInt32(uid)),
                action: action))
        }
        return actions
    }
}
