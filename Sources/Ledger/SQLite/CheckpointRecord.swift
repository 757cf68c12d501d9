import Foundation
import GRDB

/// A row of `checkpoints`: one per (account, folder).
struct CheckpointRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "checkpoints"

    var account: String
    var folder: String
    var uidValidity: UInt32
    var lastUID: UInt32
    var startUID: UInt32
    var updatedAt: Date

    var checkpoint: MailboxCheckpoint {
        MailboxCheckpoint(account: account, folder: folder, uidValidity: uidValidity, lastUID: lastUID,
                          startUID: startUID)
    }

    static func fetch(account: String, folder: String, in db: Database) throws -> MailboxCheckpoint? {
        try fetchOne(db, key: ["account": account, "folder": folder])?.checkpoint
    }

    /// Moves the folder's checkpoint to `proposed` if that is an advance (see `MailboxCheckpoint`).
    static func advance(to proposed: MailboxCheckpoint, now: Date, in db: Database) throws {
        let current = try fetch(account: proposed.account, folder: proposed.folder, in: db)
        let next = current?.advanced(to: proposed) ?? proposed
        guard next != current else { return }
        try CheckpointRecord(
            account: next.account, folder: next.folder, uidValidity: next.uidValidity, lastUID: next.lastUID,
            startUID: next.startUID, updatedAt: now
        ).upsert(db)
    }
}
