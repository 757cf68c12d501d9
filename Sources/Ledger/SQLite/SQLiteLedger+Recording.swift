import Foundation
import GRDB

/// Recording sightings and saving checkpoints.
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
        if let existing = try MessageRecord.filter(MessageRecord.Columns.messageKey == request.sighting.key.rawValue)
            .fetchOne(db) {
            record = existing
            result = .alreadySeen(record.entryID, record.ledgerState)
        } else {
            record = MessageRecord(sighting: request.sighting, decision: request.decision, now: now)
            try record.insert(db)
            result = .new(record.entryID)
        }
        try SightingRecord(entryID: record.entryID, location: request.sighting.location, seenAt: now).insertIfNew(db)
        return result
    }

    public func saveCheckpoint(_ checkpoint: MailboxCheckpoint) async throws {
        let now = clock()
        try await pool.write { db in
            try CheckpointRecord.advance(to: checkpoint, now: now, in: db)
        }
    }
}
