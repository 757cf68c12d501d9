import Foundation
import Ledger
import PostgresNIO

/// Recording sightings, saving checkpoints and the mailbox actions due.
extension PostgresLedger {
    public func record(_ requests: [RecordRequest], checkpoint: MailboxCheckpoint?) async throws -> [RecordResult] {
        let now = clock()
        return try await transaction { connection in
            var results: [RecordResult] = []
            for request in requests {
                results.append(try await recordSighting(request, now: now, connection))
            }
            if let checkpoint {
                try await advanceCheckpoint(to: checkpoint, now: now, connection)
            }
            return results
        }
    }

    private func recordSighting(_ request: RecordRequest, now: Date, _ connection: PostgresConnection) async throws
        -> RecordResult {
        let sighting = request.sighting
        let new = StoredMessage(sighting: sighting, decision: request.decision, now: now)
        let inserted = try await connection.query("""
            INSERT INTO messages(message_key, message_id, subject, sender, ticket_id, note_hash, note, state, \
            state_reason, attempts, last_error, uncertain_reposts, created_at, updated_at)
            VALUES (\(new.messageKey), \(new.messageID), \(new.subject), \(new.sender), \
            \(new.ticketID.map { Int64($0) }), \(new.noteHash), \(new.note), \
            \(new.state.rawValue), \(new.stateReason), 0, \(new.lastError), 0, \(now), \(now))
            ON CONFLICT (message_key) DO NOTHING RETURNING id
            """, logger: logger).collect()
        let result: RecordResult
        let entryID: Int64
        let entryState: LedgerState.Name
        if let row = inserted.first {
            entryID = try row.decode(Int64.self)
            entryState = new.state
            result = .new(LedgerEntryID(rawValue: entryID))
        } else {
            let existing = try await rows("""
                SELECT \(unescaped: MessageRow.columns) FROM messages WHERE message_key = \(sighting.key.rawValue)
                FOR UPDATE
                """, connection)
            guard let row = existing.first else {
                throw PostgresLedgerError("message \(sighting.key) was neither inserted nor found; try again")
            }
            entryID = row.id
            entryState = row.state
            result = .alreadySeen(LedgerEntryID(rawValue: row.id), row.ledgerState)
        }
        let location = sighting.location
        try await connection.query("""
            INSERT INTO sightings(entry_id, account, folder, uid_validity, uid, seen_at)
            VALUES (\(entryID), \(location.account), \(location.folder), \(Int64(location.uidValidity)), \
            \(Int64(location.uid)), \(now))
            ON CONFLICT DO NOTHING
            """, logger: logger)
        // A message whose outcome is settled gets its mailbox action here too; one still to be posted gets
        // it with the post's outcome.
        if let due = DueAction(state: entryState) {
            try await setDueAction(due, entryID: entryID, at: location, connection)
        }
        try await connection.query("""
            DELETE FROM messages_in_hand WHERE account = \(location.account) AND folder = \(location.folder)
            AND uid_validity = \(Int64(location.uidValidity)) AND uid = \(Int64(location.uid))
            """, logger: logger)
        return result
    }

    /// Makes `action` due on the entry's sighting at `location`, or on every sighting of the entry.
    func setDueAction(_ action: DueAction, entryID: Int64, at location: MessageLocation? = nil,
                      _ connection: PostgresConnection) async throws {
        if let location {
            try await connection.query("""
                UPDATE sightings SET due_action = \(action.rawValue) WHERE entry_id = \(entryID) \
                AND account = \(location.account) AND folder = \(location.folder) \
                AND uid_validity = \(Int64(location.uidValidity)) AND uid = \(Int64(location.uid))
                """, logger: logger)
        } else {
            try await connection.query(
                "UPDATE sightings SET due_action = \(action.rawValue) WHERE entry_id = \(entryID)", logger: logger)
        }
    }

    public func saveCheckpoint(_ checkpoint: MailboxCheckpoint) async throws {
        let now = clock()
        try await transaction { connection in
            try await advanceCheckpoint(to: checkpoint, now: now, connection)
        }
    }

    public func actionsApplied(_ actions: [DueMailboxAction]) async throws {
        guard !actions.isEmpty else { return }
        try await transaction { connection in
            for applied in actions {
                let location = applied.location
                // Only the action that was applied: one recorded meanwhile stays due.
                try await connection.query("""
                    UPDATE sightings SET due_action = NULL WHERE account = \(location.account) \
                    AND folder = \(location.folder) AND uid_validity = \(Int64(location.uidValidity)) \
                    AND uid = \(Int64(location.uid)) AND due_action = \(applied.action.rawValue)
                    """, logger: logger)
            }
        }
    }

    public func beginHandling(_ location: MessageLocation) async throws -> Int {
        let result = try await client.query("""
            INSERT INTO messages_in_hand(account, folder, uid_validity, uid, interruptions, started_at)
            VALUES (\(location.account), \(location.folder), \(Int64(location.uidValidity)), \
            \(Int64(location.uid)), 0, \(clock()))
            ON CONFLICT (account, folder, uid_validity, uid) DO UPDATE SET
                interruptions = messages_in_hand.interruptions + 1, started_at = EXCLUDED.started_at
            RETURNING interruptions
            """, logger: logger)
        for try await interruptions in result.decode(Int32.self) {
            return Int(interruptions)
        }
        return 0
    }

    public func beginHandling(_ locations: [MessageLocation]) async throws -> Bool {
        guard !locations.isEmpty else { return true }
        let now = clock()
        let accounts = locations.map(\.account), folders = locations.map(\.folder)
        let uidValidities = locations.map { Int64($0.uidValidity) }, uids = locations.map { Int64($0.uid) }
        return try await transaction { connection in
            let inHand = try await connection.query("""
                SELECT EXISTS (SELECT 1 FROM messages_in_hand m
                JOIN unnest(\(accounts)::text[], \(folders)::text[], \(uidValidities)::bigint[], \(uids)::bigint[])
                    AS l(account, folder, uid_validity, uid)
                ON m.account = l.account AND m.folder = l.folder AND m.uid_validity = l.uid_validity AND m.uid = l.uid)
                """, logger: logger).collect()
            guard try inHand.first?.decode(Bool.self) == false else { return false }
            try await connection.query("""
                INSERT INTO messages_in_hand(account, folder, uid_validity, uid, interruptions, started_at)
                SELECT l.account, l.folder, l.uid_validity, l.uid, 0, \(now)
                FROM unnest(\(accounts)::text[], \(folders)::text[], \(uidValidities)::bigint[], \(uids)::bigint[])
                    AS l(account, folder, uid_validity, uid)
                """, logger: logger)
            return true
        }
    }

    public func endHandling(_ location: MessageLocation) async throws {
        try await client.query("""
            DELETE FROM messages_in_hand WHERE account = \(location.account) AND folder = \(location.folder)
            AND uid_validity = \(Int64(location.uidValidity)) AND uid = \(Int64(location.uid))
            """, logger: logger)
    }
}
