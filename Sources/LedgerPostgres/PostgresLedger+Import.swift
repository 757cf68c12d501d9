import Foundation
import Ledger
import Logging
import PostgresNIO
import Synchronization

/// Copies a SQLite ledger's entries, sightings and checkpoints into a PostgreSQL ledger: `notegate ledger
/// migrate`. Each call is one transaction, committed, or rolled back in a dry run so that it reports what it
/// would write without writing it.
///
/// Entries keep their ids (what `ledger show` takes) unless another message already holds the id in PostgreSQL;
/// then the entry gets a new one from the sequence (`Counts.renumbered`). An entry whose message key is already
/// there is left as it is, so running the import again changes nothing. Entries keep their state, `posting`
/// included: left without an owner, the first instance to start (or any running one, at its next lease
/// renewal) makes it `uncertain` and follows `on_uncertain`, as a restarted SQLite gateway would have.
public final class PostgresLedgerImport: Sendable {
    /// What an import wrote (or, in a dry run, would write), per kind of row.
    public struct Counts: Sendable, Hashable {
        /// Entries inserted, by the state they were copied in.
        public var newEntries: [LedgerState.Name: Int] = [:]
        /// Entries whose message key PostgreSQL already had: left as they are.
        public var entriesPresent = 0
        /// Entries that got another id because theirs was taken by another message: SQLite id → PostgreSQL id.
        public var renumbered: [LedgerEntryID: LedgerEntryID] = [:]
        public var newSightings = 0
        public var sightingsPresent = 0
        /// Sightings inserted with a mailbox action still to apply, by action.
        public var newDueActions: [DueAction: Int] = [:]
        public var newCheckpoints = 0
        /// Checkpoints PostgreSQL had under the same UIDVALIDITY at an earlier UID: moved to the SQLite one.
        public var advancedCheckpoints = 0
        public var checkpointsPresent = 0
        /// Checkpoints PostgreSQL had under another UIDVALIDITY: kept, as the folder was read since.
        public var checkpointsKept: [MailboxCheckpoint] = []

        public init() {}

        public var newEntryCount: Int { newEntries.values.reduce(0, +) }
        public var newDueActionCount: Int { newDueActions.values.reduce(0, +) }

        /// Adds `other`'s figures to these.
        public mutating func add(_ other: Counts) {
            newEntries.merge(other.newEntries, uniquingKeysWith: +)
            entriesPresent += other.entriesPresent
            renumbered.merge(other.renumbered) { first, _ in first }
            newSightings += other.newSightings
            sightingsPresent += other.sightingsPresent
            newDueActions.merge(other.newDueActions, uniquingKeysWith: +)
            newCheckpoints += other.newCheckpoints
            advancedCheckpoints += other.advancedCheckpoints
            checkpointsPresent += other.checkpointsPresent
            checkpointsKept += other.checkpointsKept
        }
    }

    public let location: PostgresLedgerLocation
    /// Roll every transaction back instead of committing it.
    public let dryRun: Bool
    let client: PostgresClient
    private let runner: Task<Void, Never>
    let logger: Logger
    /// Migrations a dry run applies inside each of its transactions (rolled back with it), so that it can
    /// count against a database that has no notegate tables yet.
    private let schemaToSimulate: [PostgresLedgerSchema.Migration]
    /// What `reserveIDs` was given: a dry run numbers taken ids above it, as the moved sequence would.
    let reservedThrough = Mutex<Int64>(0)
    /// Entries a dry run gave new ids in its earlier batches (rolled back), to number on from there.
    let renumberedInDryRun = Mutex<Int64>(0)

    private init(location: PostgresLedgerLocation, dryRun: Bool, client: PostgresClient, runner: Task<Void, Never>,
                 schemaToSimulate: [PostgresLedgerSchema.Migration], logger: Logger) {
        self.location = location
        self.dryRun = dryRun
        self.client = client
        self.runner = runner
        self.schemaToSimulate = schemaToSimulate
        self.logger = logger
    }

    deinit {
        runner.cancel()
    }

    /// Connects to `location` and checks its schema, writing nothing yet. A database a newer notegate migrated
    /// is refused; one lacking migrations too, unless `createSchema` (then they are applied here, or, in a dry
    /// run, inside each transaction that is rolled back).
    public static func connect(
        _ location: PostgresLedgerLocation, createSchema: Bool, dryRun: Bool,
        logger: Logger = Logger(label: "notegate.ledger.migrate")
    ) async throws -> PostgresLedgerImport {
        var background = logger
        background.logLevel = max(logger.logLevel, .error)
        let client = PostgresClient(configuration: try location.clientConfiguration(), backgroundLogger: background)
        let runner = Task { await client.run() }
        do {
            let missing = try await missingMigrations(client, location: location, createSchema: createSchema,
                                                      dryRun: dryRun, logger: logger)
            return PostgresLedgerImport(location: location, dryRun: dryRun, client: client, runner: runner,
                                        schemaToSimulate: dryRun ? missing : [], logger: logger)
        } catch {
            runner.cancel()
            _ = await runner.value
            throw error
        }
    }

    /// The migrations the database lacks, after applying them when `createSchema` outside a dry run; throws
    /// when it has unknown ones, or lacks some and `createSchema` is false.
    private static func missingMigrations(
        _ client: PostgresClient, location: PostgresLedgerLocation, createSchema: Bool, dryRun: Bool, logger: Logger
    ) async throws -> [PostgresLedgerSchema.Migration] {
        do {
            let missing = try await client.withConnection { connection in
                try await PostgresLedgerSchema.status(connection, location: location.description, logger: logger).missing
            }
            if !missing.isEmpty && !createSchema {
                throw PostgresLedgerError(
                    "the ledger database \(location) lacks migrations "
                        + "\(missing.map(\.name).joined(separator: ", ")); nothing was copied. If this is the "
                        + "database meant for notegate, add --create-schema to create its tables first")
            }
            if !missing.isEmpty && !dryRun {
                try await PostgresLedgerSchema.migrate(client, location: location.description, logger: logger)
            }
            return missing
        } catch let error as PostgresLedgerError {
            throw error
        } catch {
            throw PostgresLedgerError.unreachable(location: location.description, error: error)
        }
    }

    /// Moves the id sequence past `highestID`, never back, so that the messages instances record from now on
    /// get ids above every copied one. Not in a dry run.
    public func reserveIDs(through highestID: LedgerEntryID) async throws {
        reservedThrough.withLock { $0 = max($0, highestID.rawValue) }
        guard !dryRun else { return }
        try await client.query("""
            SELECT setval(pg_get_serial_sequence('messages', 'id'), GREATEST(\(highestID.rawValue), \
            COALESCE(pg_sequence_last_value(pg_get_serial_sequence('messages', 'id')::regclass), 0), 1))
            """, logger: logger)
    }

    /// Copies the checkpoints, in one transaction: a folder PostgreSQL has no checkpoint for gets the SQLite one;
    /// one it has under the same UIDVALIDITY moves to the SQLite one if that is later.
    public func importCheckpoints(_ checkpoints: [SQLiteLedgerExport.StoredCheckpoint]) async throws -> Counts {
        try await transaction { connection in
            var counts = Counts()
            for stored in checkpoints {
                try await importCheckpoint(stored, into: &counts, connection)
            }
            return counts
        }
    }

    /// Closes the connections.
    public func close() async {
        runner.cancel()
        _ = await runner.value
    }

    // MARK: - Rows

    private func importCheckpoint(_ stored: SQLiteLedgerExport.StoredCheckpoint, into counts: inout Counts,
                                  _ connection: PostgresConnection) async throws {
        let checkpoint = stored.checkpoint
        let inserted = try await connection.query("""
            INSERT INTO checkpoints(account, folder, uid_validity, last_uid, start_uid, updated_at)
            VALUES (\(checkpoint.account), \(checkpoint.folder), \(Int64(checkpoint.uidValidity)), \
            \(Int64(checkpoint.lastUID)), \(Int64(checkpoint.startUID)), \
            'epoch'::timestamptz + \(Self.microseconds(stored.updatedAt)) * interval '1 microsecond')
            ON CONFLICT (account, folder) DO NOTHING RETURNING 1
            """, logger: logger).collect()
        guard inserted.isEmpty else {
            counts.newCheckpoints += 1
            return
        }
        let existing = try await connection.query("""
            SELECT uid_validity, last_uid, start_uid FROM checkpoints
            WHERE account = \(checkpoint.account) AND folder = \(checkpoint.folder) FOR UPDATE
            """, logger: logger).collect()
        guard let row = existing.first else {
            throw PostgresLedgerError("the checkpoint of \(checkpoint.account)/\(checkpoint.folder) was neither "
                + "inserted nor found in \(location); run the migration again")
        }
        let (uidValidity, lastUID, startUID) = try row.decode((Int64, Int64, Int64).self)
        if uidValidity != Int64(checkpoint.uidValidity) {
            counts.checkpointsKept.append(MailboxCheckpoint(
                account: checkpoint.account, folder: checkpoint.folder, uidValidity: UInt32(uidValidity),
                lastUID: UInt32(lastUID), startUID: UInt32(startUID)))
        } else if lastUID < Int64(checkpoint.lastUID) {
            try await connection.query("""
                UPDATE checkpoints SET last_uid = \(Int64(checkpoint.lastUID)), \
                updated_at = 'epoch'::timestamptz + \(Self.microseconds(stored.updatedAt)) * interval '1 microsecond'
                WHERE account = \(checkpoint.account) AND folder = \(checkpoint.folder)
                """, logger: logger)
            counts.advancedCheckpoints += 1
        } else {
            counts.checkpointsPresent += 1
        }
    }

    /// Runs `work` in one transaction: committed, or rolled back in a dry run.
    func transaction<T: Sendable>(_ work: (PostgresConnection) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                for migration in schemaToSimulate {
                    for statement in migration.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                }
                let value = try await work(connection)
                try await connection.query(dryRun ? "ROLLBACK" : "COMMIT", logger: logger)
                return value
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }
}
