import Foundation
import Ledger
import Synchronization
import Logging
import PostgresNIO

/// The ledger on PostgreSQL: the same operations and state machine as `SQLiteLedger`, for several notegate
/// instances sharing one database. Every method is one transaction; rows an operation changes are locked
/// (`FOR UPDATE`) so instances never interleave inside one entry's transition.
///
/// Each instance has an owner name and renews an `instances` row while it lives; a post left `posting` by an
/// instance whose row expired is uncertain (see `recoverInterruptedPosts`).
public final class PostgresLedger: LedgerStore {
    public let location: PostgresLedgerLocation
    /// This instance's name in `instances` and `messages.posting_owner`.
    public let owner: String
    let client: PostgresClient
    /// The session outside the pool holding this instance's name and the folders it watches.
    let ownershipSession: OwnershipSession
    let clock: @Sendable () -> Date
    let logger: Logger
    private let runner: Task<Void, Never>
    /// Renews this instance's row every `instanceLease / 3` for as long as the ledger is open.
    private let renewer = Mutex<Task<Void, Never>?>(nil)
    /// What `recoverInterruptedPosts` was told to do with uncertain posts; the renewal's sweep follows it.
    let recoveryPolicy = Mutex<UncertainPolicy?>(nil)
    /// Set by the first `close` (or `abandon`): a second one does nothing.
    private let isClosed = Mutex(false)
    /// How long an instance's row lives without renewal.
    public static let instanceLease: TimeInterval = 30
    /// How long a claim on a due post (`duePosts`) keeps other instances off it, in seconds: long enough for
    /// a batch to wait its turns under the rate limit, short enough that a killed instance's claims free soon.
    public static let claimLifetime: Double = 30
    /// How long `duePosts` waits for the database before it answers that nothing is due now.
    static let duePostsDeadline: Duration = .seconds(5)

    private init(location: PostgresLedgerLocation, owner: String, client: PostgresClient,
                 clock: @escaping @Sendable () -> Date, logger: Logger) {
        self.location = location
        self.owner = owner
        self.client = client
        self.clock = clock
        self.logger = logger
        ownershipSession = OwnershipSession(location: location, owner: owner, logger: logger)
        runner = Task { await client.run() }
    }

    /// Renews this instance's lease and sweeps dead instances' posts every `instanceLease / 3` until closed.
    private func startRenewing() {
        let task = Task { [weak self, owner, client, logger] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(Self.instanceLease / 3))
                guard !Task.isCancelled else { return }
                do {
                    try await Self.renew(owner: owner, client: client, logger: logger)
                    let recovered = try await self?.recoverPostsOfExpiredInstances() ?? []
                    if !recovered.isEmpty {
                        logger.warning("posts left in flight by a stopped instance are uncertain",
                                       metadata: ["ledger_ids": "\(recovered.map(\.description).joined(separator: ","))"])
                    }
                } catch where !Task.isCancelled {
                    logger.warning("cannot renew this instance's lease in the ledger database: \(error)")
                } catch {
                    return
                }
            }
        }
        renewer.withLock { $0 = task }
    }

    /// Connects to `location`, applies the migrations the database lacks and registers this instance as
    /// `owner` (default: host name and pid). Throws `PostgresLedgerError` when the server cannot be used, or
    /// when another running process still uses the name `owner` after `instanceNameWait` (a process killed and
    /// restarted under its name finds it free within milliseconds).
    public static func open(
        _ location: PostgresLedgerLocation, owner: String? = nil, clock: @escaping @Sendable () -> Date = Date.init,
        instanceNameWait: Duration = .seconds(35), logger: Logger = Logger(label: "notegate.ledger.postgres")
    ) async throws -> PostgresLedger {
        let owner = owner ?? "\(ProcessInfo.processInfo.hostName):\(getpid())"
        let client = PostgresClient(
            configuration: try location.clientConfiguration(
                applicationName: PostgresLedgerLocation.poolApplicationName(owner: owner)),
            backgroundLogger: backgroundLogger(logger))
        let ledger = PostgresLedger(location: location, owner: owner, client: client, clock: clock, logger: logger)
        do {
            try await PostgresLedgerSchema.migrate(client, location: location.description, logger: logger)
            try await ledger.ownershipSession.start(nameWait: instanceNameWait)
            try await ledger.renewInstance()
            ledger.startRenewing()
        } catch let error as PostgresLedgerError {
            await ledger.close()
            throw error
        } catch {
            await ledger.close()
            throw PostgresLedgerError.unreachable(location: location.description, error: error)
        }
        return ledger
    }

    /// Checks, without changing anything, that the database is reachable within `timeout` and fully migrated:
    /// what `notegate check` asks. Returns the applied migrations.
    public static func verify(_ location: PostgresLedgerLocation, timeout: Duration = .seconds(10),
                              logger: Logger = Logger(label: "notegate.ledger.postgres")) async throws -> [String] {
        let client = PostgresClient(configuration: try location.clientConfiguration(),
                                    backgroundLogger: backgroundLogger(logger))
        return try await withThrowingTaskGroup(of: [String]?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw PostgresLedgerError.unreachable(location: location.description,
                                                      error: PostgresLedgerError("no answer within \(timeout)"))
            }
            group.addTask {
                do {
                    let (applied, missing) = try await client.withConnection { connection in
                        try await PostgresLedgerSchema.status(connection, location: location.description, logger: logger)
                    }
                    guard missing.isEmpty else {
                        throw PostgresLedgerError.notMigrated(location: location.description, missing: missing.map(\.name))
                    }
                    return applied
                } catch let error as PostgresLedgerError {
                    throw error
                } catch {
                    throw PostgresLedgerError.unreachable(location: location.description, error: error)
                }
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let applied = result { return applied }
            }
            throw PostgresLedgerError.unreachable(location: location.description,
                                                  error: PostgresLedgerError("the connection pool stopped"))
        }
    }

    /// The pool's own logger: errors only (a lease asked for in the instant before `run()` starts is logged as
    /// a warning, and is served all the same).
    private static func backgroundLogger(_ logger: Logger) -> Logger {
        var background = logger
        background.logLevel = max(logger.logLevel, .error)
        return background
    }

    /// Whether the database answers `SELECT 1` within `timeout`: `/healthz`.
    public func ping(timeout: Duration = .seconds(2)) async -> Bool {
        let client = client
        let logger = logger
        return (try? await withinDeadline(timeout) { try await client.query("SELECT 1", logger: logger) }) != nil
    }

    /// How long closing waits for the database to take back this instance's claims and row.
    static let closeDeadline: Duration = .seconds(3)

    /// Gives up this instance's folders and the posts it claimed but did not begin, ends its row (so nothing
    /// waits for it to expire) and closes the connections. Idempotent.
    public func close() async {
        guard isClosed.withLock({ closed in
            defer { closed = true }
            return !closed
        }) else { return }
        let renewing = renewer.withLock { $0 }
        renewing?.cancel()
        _ = await renewing?.value
        await ownershipSession.close()
        // A database that does not answer must not hold the stop up: the claims expire, the row too.
        let (client, owner, logger) = (client, owner, logger)
        _ = try? await withinDeadline(Self.closeDeadline) {
            try await client.query("""
                UPDATE messages SET claimed_by = NULL, claim_expires_at = NULL
                WHERE claimed_by = \(owner) AND state <> 'posting'
                """, logger: logger)
            try await client.query("DELETE FROM instances WHERE owner = \(owner)", logger: logger)
        }
        runner.cancel()
        _ = await runner.value
    }

    /// Stops as a killed process would, for tests: the database sessions end, nothing is given back first
    /// (claims, the `instances` row and in-flight posts stay as they are).
    public func abandon() async {
        isClosed.withLock { $0 = true }
        renewer.withLock { $0?.cancel() }
        await ownershipSession.close()
        runner.cancel()
        _ = await runner.value
    }

    deinit {
        renewer.withLock { $0?.cancel() }
        runner.cancel()
    }

    /// Extends this instance's row to `instanceLease` from now by the database's clock (the one clock every
    /// instance reads, whatever its host's says).
    public func renewInstance() async throws {
        try await Self.renew(owner: owner, client: client, logger: logger)
    }

    private static func renew(owner: String, client: PostgresClient, logger: Logger) async throws {
        try await client.query("""
            INSERT INTO instances(owner, expires_at)
            VALUES (\(owner), clock_timestamp() + \(instanceLease) * interval '1 second')
            ON CONFLICT (owner) DO UPDATE SET expires_at = EXCLUDED.expires_at
            """, logger: logger)
    }

    /// The names of the migrations this notegate applies, oldest first.
    public static var migrations: [String] { PostgresLedgerSchema.names }

    /// Names of the migrations applied to the database, oldest first.
    public func appliedMigrations() async throws -> [String] {
        try await client.withConnection { connection in
            try await PostgresLedgerSchema.appliedNames(connection, logger: logger)
        }
    }

    // MARK: - Transactions

    /// Runs `work` in one transaction on one pooled connection; rolls back and rethrows `work`'s own error.
    func transaction<T: Sendable>(_ work: (PostgresConnection) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                let value = try await work(connection)
                try await connection.query("COMMIT", logger: logger)
                return value
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// The row with this id, locked for the rest of the transaction, or `LedgerError.notFound`.
    func lockedRow(_ id: LedgerEntryID, _ connection: PostgresConnection) async throws -> MessageRow {
        let rows = try await connection.query(
            "SELECT \(unescaped: MessageRow.columns) FROM messages WHERE id = \(id.rawValue) FOR UPDATE",
            logger: logger).collect()
        guard let row = rows.first else { throw LedgerError.notFound(id) }
        return try MessageRow(row)
    }

    /// Loads the entry, checks `transition` and `first` (a further check that may throw), applies `change`,
    /// runs `then` (further writes that commit with it) and returns the entry as saved, all in one transaction.
    func transition(
        _ id: LedgerEntryID, _ transition: LedgerTransition,
        first: (PostgresConnection) async throws -> Void = { _ in },
        then: (PostgresConnection) async throws -> Void = { _ in },
        change: (inout MessageRow) -> Void
    ) async throws -> LedgerEntry {
        let now = clock()
        return try await self.transaction { connection in
            var row = try await lockedRow(id, connection)
            try transition.check(row)
            try await first(connection)
            change(&row)
            row.updatedAt = now
            try await row.update(connection, postingOwner: owner, logger: logger)
            try await then(connection)
            return try await entries([row], connection)[0]
        }
    }

    /// The entries of `rows`, in order, each with its sightings.
    func entries(_ rows: [MessageRow], _ connection: PostgresConnection) async throws -> [LedgerEntry] {
        guard !rows.isEmpty else { return [] }
        let ids = rows.map(\.id)
        var sightings: [Int64: [Sighting]] = [:]
        let result = try await connection.query("""
            SELECT entry_id, account, folder, uid_validity, uid, seen_at, due_action FROM sightings
            WHERE entry_id = ANY(\(ids)) ORDER BY id
            """, logger: logger)
        for try await (entryID, account, folder, uidValidity, uid, seenAt, dueAction)
            in result.decode((Int64, String, String, Int64, Int64, Date, String?).self) {
            let location = MessageLocation(account: account, folder: folder, uidValidity: UInt32(uidValidity),
                                           uid: UInt32(uid))
            sightings[entryID, default: []].append(
                Sighting(location: location, seenAt: seenAt, dueAction: dueAction.flatMap(DueAction.init(rawValue:))))
        }
        return rows.map { $0.entry(sightings: sightings[$0.id, default: []]) }
    }

    func rows(_ query: PostgresQuery, _ connection: PostgresConnection) async throws -> [MessageRow] {
        try await connection.query(query, logger: logger).collect().map(MessageRow.init)
    }

    /// Moves the folder's checkpoint to `proposed` if that is an advance: a later UID under the same
    /// UIDVALIDITY (keeping `startUID`), or any checkpoint under another UIDVALIDITY.
    func advanceCheckpoint(to proposed: MailboxCheckpoint, now: Date, _ connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO checkpoints(account, folder, uid_validity, last_uid, start_uid, updated_at)
            VALUES (\(proposed.account), \(proposed.folder), \(Int64(proposed.uidValidity)), \
            \(Int64(proposed.lastUID)), \(Int64(proposed.startUID)), \(now))
            ON CONFLICT (account, folder) DO UPDATE SET
                last_uid = EXCLUDED.last_uid,
                start_uid = CASE WHEN checkpoints.uid_validity = EXCLUDED.uid_validity
                            THEN checkpoints.start_uid ELSE EXCLUDED.start_uid END,
                uid_validity = EXCLUDED.uid_validity,
                updated_at = EXCLUDED.updated_at
            WHERE checkpoints.uid_validity <> EXCLUDED.uid_validity OR checkpoints.last_uid < EXCLUDED.last_uid
            """, logger: logger)
    }
}
