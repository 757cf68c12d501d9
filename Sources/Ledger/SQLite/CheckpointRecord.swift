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

    init(row: Row) throws {
        account = row["account"]
        folder = row["folder"]
        uidValidity = row["uidValidity"]
        lastUID = row["lastUID"]
        startUID = row["startUID"]
        updatedAt = row["updatedAt"]
    }

    func encode(to container: inout PersistenceContainer) {
        container["account"] = account
        container["folder"] = folder
        container["uidValidity"] = uidValidity
        container["lastUID"] = lastUID
        container["startUID"] = startUID
        container["updatedAt"] = LedgerTimestamp.databaseValue(updatedAt)
    }

    private static let byFolderSQL = "SELECT * FROM \(databaseTableName) WHERE account = ? AND folder = ?"
    private static let saveSQL = """
        INSERT INTO \(databaseTableName) (account, folder, uidValidity, lastUID, startUID, updatedAt)
        VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (account, folder) DO UPDATE SET uidValidity = excluded.uidValidity, lastUID = excluded.lastUID,
            startUID = excluded.startUID, updatedAt = excluded.updatedAt
        """

    static func fetch(account: String, folder: String, in db: Database) throws -> MailboxCheckpoint? {
        try fetchOne(db.cachedStatement(sql: byFolderSQL), arguments: [account, folder])?.checkpoint
    }

    /// Moves the folder's checkpoint to `proposed` if that is an advance (see `MailboxCheckpoint`).
    static func advance(to proposed: MailboxCheckpoint, now: Date, in db: Database) throws {
        let current = try fetch(account: proposed.account, folder: proposed.folder, in: db)
        let next = current?.advanced(to: proposed) ?? proposed
        guard next != current else { return }
        try db.cachedStatement(sql: saveSQL).execute(arguments: [
            next.account, next.folder, next.uidValidity, next.lastUID, next.startUID, LedgerTimestamp.databaseValue(now),
        ])
    }
}
