import Foundation
import GRDB

/// The embedded ledger: one SQLite file in WAL mode, owned by one process at a time.
///
/// Opening takes the owner lock (`<path>.lock`) before touching the file, then runs the migrations.
/// A second owner, in this process or another, is refused with `LedgerError.inUse`, so mutating
/// operator commands cannot run beside the daemon; reads can, through `SQLiteLedgerReader`. The lock is
/// held until this value is released or the process ends.
public final class SQLiteLedger: LedgerStore {
    /// The ledger file.
    public let path: String
    /// Held for as long as this value lives; never read, its release frees the file for another owner.
    private let lock: OwnerLock
    private let pool: DatabasePool
    private let reader: SQLiteLedgerReader
    private let clock: @Sendable () -> Date

    /// Opens (creating if needed) the ledger at `path`, whose folder must exist. `clock` stamps
    /// entries and checkpoints.
    public init(path: String, clock: @escaping @Sendable () -> Date = Date.init) throws {
        lock = try OwnerLock(ledgerPath: path)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // Every commit reaches the disk before it returns: a note recorded as posted stays posted
            // through a power loss, not only through a crash of the process.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        try pool.read { db in
            if try LedgerSchema.migrator.hasBeenSuperseded(db) { throw LedgerError.supersededSchema(path: path) }
        }
        try LedgerSchema.migrator.migrate(pool)
        self.path = path
        self.clock = clock
        reader = SQLiteLedgerReader(database: pool)
    }

    /// Names of the migrations applied to the file, oldest first.
    var appliedMigrations: [String] {
        get throws { try pool.read(LedgerSchema.migrator.appliedMigrations) }
    }

    // MARK: - Recording

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

    // MARK: - Posting

    @discardableResult
    public func beginPosting(_ id: LedgerEntryID, noteHash: NoteHash) async throws -> LedgerEntry {
        try await transition(id, .beginPosting) { record in
            record.ledgerState = .posting
            record.attempts += 1
            record.noteHash = noteHash.rawValue
        }
    }

    @discardableResult
    public func markPosted(
        _ id: LedgerEntryID, response: String, checkpoint: MailboxCheckpoint?
    ) async throws -> LedgerEntry {
        let now = clock()
        return try await transition(id, .markPosted, then: { db in
            if let checkpoint {
                try CheckpointRecord.advance(to: checkpoint, now: now, in: db)
            }
        }) { record in
            record.ledgerState = .posted
            record.apiResponse = response
            record.postedAt = now
        }
    }

    @discardableResult
    public func markRetrying(_ id: LedgerEntryID, error: String, nextAttemptAt: Date) async throws -> LedgerEntry {
        try await transition(id, .markRetrying) { record in
            record.ledgerState = .retrying(nextAttemptAt: nextAttemptAt)
            record.lastError = error
        }
    }

    @discardableResult
    public func markDead(_ id: LedgerEntryID, reason: String) async throws -> LedgerEntry {
        try await transition(id, .markDead) { record in
            record.ledgerState = .dead(reason: reason)
        }
    }

    @discardableResult
    public func markUncertain(_ id: LedgerEntryID, error: String) async throws -> LedgerEntry {
        try await transition(id, .markUncertain) { record in
            record.ledgerState = .uncertain
            record.lastError = error
        }
    }

    @discardableResult
    public func markPending(_ id: LedgerEntryID, error: String) async throws -> LedgerEntry {
        try await transition(id, .markPending) { record in
            record.ledgerState = .pending
            record.lastError = error
        }
    }

    public func recoverInterruptedPosts(policy: UncertainPolicy) async throws -> [LedgerEntryID] {
        let now = clock()
        return try await pool.write { db in
            let interrupted = try MessageRecord
                .filter(MessageRecord.Columns.state == LedgerState.Name.posting.rawValue)
                .order(MessageRecord.Columns.id)
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

    // MARK: - Operator

    @discardableResult
    public func retry(_ id: LedgerEntryID) async throws -> LedgerEntry {
        try await transition(id, .retry) { record in
            record.requeueByOperator()
        }
    }

    public func retryAllDead() async throws -> Int {
        let now = clock()
        return try await pool.write { db in
            let dead = try MessageRecord.filter(MessageRecord.Columns.state == LedgerState.Name.dead.rawValue)
                .fetchAll(db)
            for var record in dead {
                try Transition.retry.apply(to: &record, now: now, in: db) { $0.requeueByOperator() }
            }
            return dead.count
        }
    }

    @discardableResult
    public func assign(_ id: LedgerEntryID, ticketID: Int) async throws -> LedgerEntry {
        try await transition(id, .assign) { record in
            record.ticketID = ticketID
            record.requeueByOperator()
        }
    }

    public func forget(_ id: LedgerEntryID) async throws {
        try await pool.write { db in
            guard try MessageRecord.deleteOne(db, key: id.rawValue) else { throw LedgerError.notFound(id) }
        }
    }

    // MARK: - Checkpoints

    public func saveCheckpoint(_ checkpoint: MailboxCheckpoint) async throws {
        let now = clock()
        try await pool.write { db in
            try CheckpointRecord.advance(to: checkpoint, now: now, in: db)
        }
    }

    // MARK: - Reading

    public func entry(_ id: LedgerEntryID) async throws -> LedgerEntry? {
        try await reader.entry(id)
    }

    public func list(_ filter: LedgerFilter) async throws -> [LedgerEntry] {
        try await reader.list(filter)
    }

    public func counts() async throws -> [LedgerState.Name: Int] {
        try await reader.counts()
    }

    public func duePosts(now: Date, limit: Int) async throws -> [LedgerEntry] {
        try await reader.duePosts(now: now, limit: limit)
    }

    public func ticketForThread(messageIDs: [String]) async throws -> Int? {
        try await reader.ticketForThread(messageIDs: messageIDs)
    }

    public func checkpoint(account: String, folder: String) async throws -> MailboxCheckpoint? {
        try await reader.checkpoint(account: account, folder: folder)
    }

    // MARK: - Transactions

    /// One transaction: loads the entry, applies `transition` with `change`, runs `then` (further
    /// writes that must commit with it), and returns the entry as saved.
    private func transition(
        _ id: LedgerEntryID,
        _ transition: Transition,
        then: @escaping @Sendable (Database) throws -> Void = { _ in },
        change: @escaping @Sendable (inout MessageRecord) -> Void
    ) async throws -> LedgerEntry {
        let now = clock()
        return try await pool.write { db in
            var record = try MessageRecord.fetch(id, in: db)
            try transition.apply(to: &record, now: now, in: db, change: change)
            try then(db)
            return try MessageRecord.entries([record], in: db)[0]
        }
    }
}
