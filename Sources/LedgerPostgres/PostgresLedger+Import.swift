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
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger: Logger
    /// Migrations a dry run applies inside each of its transactions (rolled back with it), so that it can
    /// count against a database that has no notegate tables yet.
    private let schemaToSimulate: [PostgresLedgerSchema.Migration]
    /// What `reserveIDs` was given: a dry run numbers taken ids above it, as the moved sequence would.
    private let reservedThrough = Mutex<Int64>(0)

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
            let applied = try await client.withConnection { connection in
                try await PostgresLedgerSchema.appliedNames(connection, logger: logger)
            }
            let unknown = applied.filter { !PostgresLedgerSchema.names.contains($0) }
            guard unknown.isEmpty else {
                throw PostgresLedgerError.supersededSchema(location: location.description, unknown: unknown)
            }
            let missing = PostgresLedgerSchema.migrations.filter { !applied.contains($0.name) }
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

    /// Copies `entries` with their sightings, in one transaction.
    public func importEntries(_ entries: [LedgerEntry]) async throws -> Counts {
        try await transaction { connection in
            var counts = Counts()
            for entry in entries {
                try await importEntry(entry, into: &counts, connection)
            }
            return counts
        }
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

    private func importEntry(_ entry: LedgerEntry, into counts: inout Counts, _ connection: PostgresConnection)
        async throws {
        let present: (id: Int64, state: LedgerState.Name)
        if let id = try await insert(entry, connection) {
            counts.newEntries[entry.state.name, default: 0] += 1
            if id != entry.id.rawValue {
                counts.renumbered[entry.id] = LedgerEntryID(rawValue: id)
            }
            present = (id, entry.state.name)
        } else {
            guard let existing = try await entryWithKey(entry.key, connection) else {
                throw PostgresLedgerError("entry \(entry.id) (message \(entry.key)) was neither inserted nor found "
                    + "in \(location); run the migration again")
            }
            counts.entriesPresent += 1
            present = existing
        }
        for sighting in entry.sightings {
            // Under an entry PostgreSQL already had, the outcome that counts is PostgreSQL's: an action still due
            // in SQLite becomes the one its state calls for (none while it is still to be posted).
            let dueAction = present.state == entry.state.name
                ? sighting.dueAction : sighting.dueAction.flatMap { _ in DueAction(state: present.state) }
            let location = sighting.location
            let inserted = try await connection.query("""
                INSERT INTO sightings(entry_id, account, folder, uid_validity, uid, seen_at, due_action)
                VALUES (\(present.id), \(location.account), \(location.folder), \(Int64(location.uidValidity)), \
                \(Int64(location.uid)), \(MicrosecondTimestamp(sighting.seenAt)), \(dueAction?.rawValue))
                ON CONFLICT DO NOTHING RETURNING id
                """, logger: logger).collect()
            if inserted.isEmpty {
                counts.sightingsPresent += 1
            } else {
                counts.newSightings += 1
                if let dueAction {
                    counts.newDueActions[dueAction, default: 0] += 1
                }
            }
        }
    }

    /// Inserts the entry under its own id if that is free, else under a new one; returns the id, or nil when
    /// the message key is already there.
    private func insert(_ entry: LedgerEntry, _ connection: PostgresConnection) async throws -> Int64? {
        // A dry run takes no number from the sequence (its rows are rolled back) but gives the one it would.
        let reserved = reservedThrough.withLock { $0 }
        let newID = dryRun ? "GREATEST((SELECT MAX(id) FROM messages), \(reserved)) + 1"
            : "nextval(pg_get_serial_sequence('messages', 'id'))"
        var stateReason: String?
        var nextAttemptAt: Date?
        switch entry.state {
        case let .skipped(reason), let .dead(reason): stateReason = reason
        case let .retrying(date): nextAttemptAt = date
        case .pending, .posting, .posted, .uncertain: break
        }
        // Twice at most: a message recorded by a running instance can take the free id between the check and
        // the insert.
        for _ in 0..<2 {
            let inserted = try await connection.query("""
                INSERT INTO messages(id, message_key, message_id, subject, sender, ticket_id, note_hash, note, state, \
                state_reason, next_attempt_at, attempts, last_error, api_response, uncertain_reposts, created_at, \
                updated_at, posted_at)
                VALUES (CASE WHEN EXISTS (SELECT 1 FROM messages WHERE id = \(entry.id.rawValue)) \
                THEN \(unescaped: newID) ELSE \(entry.id.rawValue) END, \
                \(entry.key.rawValue), \(entry.messageID), \(entry.subject), \(entry.from), \
                \(entry.ticketID.map { Int64($0) }), \(entry.noteHash?.rawValue), \(entry.note), \
                \(entry.state.name.rawValue), \(stateReason), \(nextAttemptAt.map(MicrosecondTimestamp.init)), \
                \(Int32(entry.attempts)), \(entry.lastError), \(entry.apiResponse), \(Int32(entry.uncertainReposts)), \
                \(MicrosecondTimestamp(entry.createdAt)), \(MicrosecondTimestamp(entry.updatedAt)), \(entry.postedAt.map(MicrosecondTimestamp.init)))
                ON CONFLICT DO NOTHING RETURNING id
                """, logger: logger).collect()
            if let row = inserted.first {
                return try row.decode(Int64.self)
            }
            if try await entryWithKey(entry.key, connection) != nil {
                return nil
            }
        }
        throw PostgresLedgerError("entry \(entry.id) (message \(entry.key)) could not be given an id in \(location) "
            + "while instances record messages; run the migration again")
    }

    private func entryWithKey(_ key: MessageKey, _ connection: PostgresConnection) async throws
        -> (id: Int64, state: LedgerState.Name)? {
        let rows = try await connection.query(
            "SELECT id, state FROM messages WHERE message_key = \(key.rawValue)", logger: logger).collect()
        guard let row = rows.first else { return nil }
        let (id, state) = try row.decode((Int64, String).self)
        guard let name = LedgerState.Name(rawValue: state) else {
            throw PostgresLedgerError("ledger row \(id) in \(location) has unknown state \(state)")
        }
        return (id, name)
    }

    private func importCheckpoint(_ stored: SQLiteLedgerExport.StoredCheckpoint, into counts: inout Counts,
                                  _ connection: PostgresConnection) async throws {
        let checkpoint = stored.checkpoint
        let inserted = try await connection.query("""
            INSERT INTO checkpoints(account, folder, uid_validity, last_uid, start_uid, updated_at)
            VALUES (\(checkpoint.account), \(checkpoint.folder), \(Int64(checkpoint.uidValidity)), \
            \(Int64(checkpoint.lastUID)), \(Int64(checkpoint.startUID)), \(MicrosecondTimestamp(stored.updatedAt)))
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
                UPDATE checkpoints SET last_uid = \(Int64(checkpoint.lastUID)), updated_at = \(MicrosecondTimestamp(stored.updatedAt))
                WHERE account = \(checkpoint.account) AND folder = \(checkpoint.folder)
                """, logger: logger)
            counts.advancedCheckpoints += 1
        } else {
            counts.checkpointsPresent += 1
        }
    }

    /// Runs `work` in one transaction: committed, or rolled back in a dry run.
    private func transaction<T: Sendable>(_ work: (PostgresConnection) async throws -> T) async throws -> T {
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

/// A time as PostgreSQL stores it, to the microsecond, rounded rather than truncated: `Date`'s own encoding
/// truncates, which can turn the SQLite ledger's milliseconds (.123) into .122999.
private struct MicrosecondTimestamp: PostgresNonThrowingEncodable {
    static let epoch = Date(timeIntervalSince1970: 946_684_800)
    var date: Date

    init(_ date: Date) {
        self.date = date
    }

    static var psqlType: PostgresDataType { .timestamptz }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer,
                                                  context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeInteger(Int64((date.timeIntervalSince(Self.epoch) * 1_000_000).rounded()))
    }
}
