import Foundation
import GRDB

/// The queries of a SQLite ledger. `SQLiteLedger` answers reads through one; `init(readOnlyPath:)`
/// opens one on its own, without the owner lock, for `notegate ledger list/show` beside a running
/// daemon: in WAL mode it reads the last committed state and never blocks the daemon's writes.
public struct SQLiteLedgerReader: LedgerReading {
    private let database: any DatabaseReader

    /// How many of the latest Message-IDs `ticketForThread` considers.
    static let threadLookupLimit = 1000

    init(database: any DatabaseReader) {
        self.database = database
    }

    /// Opens the ledger at `path` read-only. Throws `LedgerError.missing` if there is no file,
    /// `notMigrated` or `supersededSchema` if its schema is not this notegate's.
    public init(readOnlyPath path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw LedgerError.missing(path: path) }
        var configuration = Configuration()
        configuration.readonly = true
        // Opening can meet the owner's WAL checkpoint; wait for it rather than fail.
        configuration.busyMode = .timeout(5)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.read { db in
            if try LedgerSchema.migrator.hasBeenSuperseded(db) { throw LedgerError.supersededSchema(path: path) }
            if try !LedgerSchema.migrator.hasCompletedMigrations(db) { throw LedgerError.notMigrated(path: path) }
        }
        self.init(database: queue)
    }

    public func entry(_ id: LedgerEntryID) async throws -> LedgerEntry? {
        try await database.read { db in
            try MessageRecord.fetchOne(db, key: id.rawValue).flatMap { try MessageRecord.entries([$0], in: db).first }
        }
    }

    public func list(_ filter: LedgerFilter) async throws -> [LedgerEntry] {
        try await database.read { db in
            var request = MessageRecord.order(MessageColumns.id.desc)
            if let state = filter.state {
                request = request.filter(MessageColumns.state == state.rawValue)
            }
            if let ticketID = filter.ticketID {
                request = request.filter(MessageColumns.ticketID == ticketID)
            }
            if let since = filter.since {
                request = request.filter(MessageColumns.createdAt >= since)
            }
            if let limit = filter.limit {
                request = request.limit(limit)
            }
            return try MessageRecord.entries(request.fetchAll(db), in: db)
        }
    }

    public func counts() async throws -> [LedgerState.Name: Int] {
        try await database.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT state, COUNT(*) AS count FROM \(MessageRecord.databaseTableName) GROUP BY state")
            var counts = Dictionary(uniqueKeysWithValues: LedgerState.Name.allCases.map { ($0, 0) })
            for row in rows {
                if let name = LedgerState.Name(rawValue: row["state"]) {
                    counts[name] = row["count"]
                }
            }
            return counts
        }
    }

    public func duePosts(now: Date, limit: Int) async throws -> [LedgerEntry] {
        try await database.read { db in
            let state = MessageColumns.state
            let records = try MessageRecord
                .filter(state == LedgerState.Name.pending.rawValue
                    || (state == LedgerState.Name.retrying.rawValue && MessageColumns.nextAttemptAt <= now))
                .order(MessageColumns.id)
                .limit(limit)
                .fetchAll(db)
            return try MessageRecord.entries(records, in: db)
        }
    }

    /// States whose ticket a reply follows: posted, or on its way to being posted. A reply often
    /// arrives in the same batch as its parent, before the parent's note is out.
    private static let threadStates = [LedgerState.Name.posted, .pending, .posting, .retrying, .uncertain].map(\.rawValue)

    public func ticketForThread(messageIDs: [String]) async throws -> Int? {
        // References lists oldest first; a hostile header must not exceed SQLite's parameter limit.
        let normalized = messageIDs.compactMap(MessageKey.normalizedMessageID).suffix(Self.threadLookupLimit)
        guard !normalized.isEmpty else { return nil }
        return try await database.read { db in
            try MessageRecord
                .filter(normalized.contains(MessageColumns.messageID))
                .filter(Self.threadStates.contains(MessageColumns.state))
                .filter(MessageColumns.ticketID != nil)
                .order(MessageColumns.id.desc)
                .fetchOne(db)?
                .ticketID
        }
    }

    public func checkpoint(account: String, folder: String) async throws -> MailboxCheckpoint? {
        try await database.read { db in
            try CheckpointRecord.fetch(account: account, folder: folder, in: db)
        }
    }

    public func dueActions(account: String, folder: String) async throws -> [DueMailboxAction] {
        try await database.read { db in
            try SightingRecord
                .filter(SightingRecord.Columns.account == account && SightingRecord.Columns.folder == folder)
                .filter(SightingRecord.Columns.dueAction != nil)
                .order(SightingRecord.Columns.id)
                .fetchAll(db)
                .compactMap { record in record.dueAction.map { DueMailboxAction(location: record.location, action: $0) } }
        }
    }
}
