import Foundation
import GRDB

/// Recording sightings, saving checkpoints and the mailbox actions due.
extension SQLiteLedger {
    public func record(_ requests: [RecordRequest], checkpoint: MailboxCheckpoint?) async throws -> [RecordResult] {
        let now = clock()
        return try await pool.write { db in
            let results = try requests.map { request in
                try Self.recordSighting(request, now: now, in: db)
            }
            if let checkpoint {
                try CheckpointRecord.advance(to: checkpoint, now: now, in: db)
            }
            return results
        }
    }

    private static func recordSighting(_ request: RecordRequest, now: Date, in db: Database) throws -> RecordResult {
        let result: RecordResult
        var record: MessageRecord
        if let existing = try MessageRecord.fetch(key: request.sighting.key, in: db) {
            record = existing
            result = .alreadySeen(record.entryID, record.ledgerState)
        } else {
            record = MessageRecord(sighting: request.sighting, decision: request.decision, now: now)
            try record.insertRow(db)
            result = .new(record.entryID)
        }
        let location = request.sighting.location
        try SightingRecord(entryID: record.entryID, location: location, seenAt: now).insertIfNew(db)
        // A message whose outcome is settled (skipped now, or posted, skipped or dead before under another
        // copy) gets its mailbox action here too; one still to be posted gets it with the post's outcome.
        if let due = DueAction(state: record.state) {
            try SightingRecord.setDueAction(due, entryID: record.entryID, at: location, in: db)
        }
        try MessageInHandRecord.end(location, in: db)
        return result
    }

    public func saveCheckpoint(_ checkpoint: MailboxCheckpoint) async throws {
        let now = clock()
        try await pool.write { db in
            try CheckpointRecord.advance(to: checkpoint, now: now, in: db)
        }
    }

    public func actionsApplied(_ actions: [DueMailboxAction]) async throws {
        guard !actions.isEmpty else { return }
        // Lost with a power cut, the mark only makes the watcher apply these actions again, which changes
        // nothing on the server (the messages have left the folder, or have the flag): it costs no sync of
        // its own, and the next commit that syncs carries it to the disk.
        try await writeForCrashesOnly { db in
            for applied in actions {
                // Only the action that was applied: one recorded meanwhile (an operator's retry posted the
                // message after a failure, say) stays due.
                try SightingRecord.clearAppliedAction(applied.action, at: applied.location, in: db)
            }
        }
    }
}
