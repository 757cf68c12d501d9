import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
    let pool: DatabasePool
    let reader: SQLiteLedgerReader
    let clock: @Sendable () -> Date

    /// Opens (creating if needed) the ledger at `path`, whose folder must exist. `clock` stamps
    /// entries and checkpoints.
    public init(path: String, clock: @escaping @Sendable () -> Date = Date.init) throws {
        lock = try OwnerLock(ledgerPath: path)
        try Self.createPrivately(path)
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

    /// Creates the ledger file readable and writable by its owner only (0600, whatever the umask): it
    /// holds note texts. SQLite gives its `-wal` and `-shm` files the same mode. An existing file is left
    /// as it is.
    private static func createPrivately(_ path: String) throws {
        let descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor >= 0 {
            fchmod(descriptor, 0o600)
            close(descriptor)
        } else if errno != EEXIST {
            throw LedgerError.cannotCreate(path: path, errno: errno)
        }
    }

    /// Names of the migrations applied to the file, oldest first.
    var appliedMigrations: [String] {
        get throws { try pool.read(LedgerSchema.migrator.appliedMigrations) }
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

    public func dueActions(account: String, folder: String) async throws -> [DueMailboxAction] {
        try await reader.dueActions(account: account, folder: folder)
    }

    // MARK: - Transactions

    /// One transaction: loads the entry, applies `transition` with `change`, runs `then` (further
    /// writes that must commit with it), and returns the entry as saved.
    func transition(
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
