import Foundation
import GRDB

/// A SQLite ledger read whole, for `notegate ledger migrate`: it holds the file's owner lock for as long as it
/// lives, so no notegate can start on the file and change it while its rows are copied elsewhere, and reads
/// through a read-only connection, so the file itself is left exactly as it was.
public final class SQLiteLedgerExport: Sendable {
    /// The ledger file.
    public let path: String
    /// Held for as long as this value lives; never read.
    private let lock: OwnerLock
    private let database: DatabaseQueue

    /// A mailbox checkpoint with the time it was last moved.
    public struct StoredCheckpoint: Sendable, Hashable {
        public var checkpoint: MailboxCheckpoint
        public var updatedAt: Date
    }

    /// Opens the ledger at `path`. Throws `LedgerError.missing` without a file, `inUse` while a notegate owns it,
    /// `notMigrated` or `supersededSchema` if its schema is not this notegate's.
    public init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw LedgerError.missing(path: path) }
        lock = try OwnerLock(ledgerPath: path)
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        database = try DatabaseQueue(path: path, configuration: configuration)
        try database.read { db in
            if try LedgerSchema.migrator.hasBeenSuperseded(db) { throw LedgerError.supersededSchema(path: path) }
            if try !LedgerSchema.migrator.hasCompletedMigrations(db) { throw LedgerError.notMigrated(path: path) }
        }
        self.path = path
    }

    /// Up to `limit` entries with ids above `id` (all of them from nil), oldest first, each with its sightings
    /// in the order they were recorded.
    public func entries(after id: LedgerEntryID?, limit: Int) throws -> [LedgerEntry] {
        try database.read { db in
            let records = try MessageRecord
                .filter(MessageColumns.id > (id?.rawValue ?? 0))
                .order(MessageColumns.id)
                .limit(limit)
                .fetchAll(db)
            return try MessageRecord.entries(records, in: db)
        }
    }

    /// The highest entry id, or nil when the ledger is empty.
    public func highestID() throws -> LedgerEntryID? {
        try database.read { db in
            try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM \(MessageRecord.databaseTableName)")
                .map(LedgerEntryID.init(rawValue:))
        }
    }

    /// Every folder's checkpoint, by account and folder.
    public func checkpoints() throws -> [StoredCheckpoint] {
        try database.read { db in
            try CheckpointRecord.order(Column("account"), Column("folder")).fetchAll(db).map { record in
                StoredCheckpoint(checkpoint: record.checkpoint, updatedAt: record.updatedAt)
            }
        }
    }

    /// How many messages a notegate was handling when it stopped (the poison-message guard's marks).
    public func messagesInHand() throws -> Int {
        try database.read { db in try MessageInHandRecord.fetchCount(db) }
    }
}
