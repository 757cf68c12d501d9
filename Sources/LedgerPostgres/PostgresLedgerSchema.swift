import Logging
import PostgresNIO

/// The ledger's PostgreSQL schema as named, append-only migrations recorded in `schema_migrations`: never
/// edit a migration that has shipped, add the next one. The tables mirror the SQLite ledger's (v1 and v2
/// there), plus what several instances need to share one ledger.
enum PostgresLedgerSchema {
    struct Migration {
        let name: String
        let statements: [String]
    }

    /// Serialises migrations between instances starting together (a transaction-scoped advisory lock).
    static let migrationLockKey: Int64 = 0x6E6F_7465_6761_7465 // "notegate"

    static let migrations: [Migration] = [
        Migration(name: "v1-ledger", statements: [
            """
            CREATE TABLE messages (
                id BIGSERIAL PRIMARY KEY,
                message_key TEXT NOT NULL UNIQUE,
                message_id TEXT,
                subject TEXT,
                sender TEXT,
                ticket_id BIGINT,
                note_hash TEXT,
                note TEXT,
                state TEXT NOT NULL
                    CHECK (state IN ('skipped', 'pending', 'posting', 'posted', 'retrying', 'dead', 'uncertain')),
                state_reason TEXT,
                next_attempt_at TIMESTAMPTZ,
                attempts INTEGER NOT NULL DEFAULT 0,
                last_error TEXT,
                api_response TEXT,
                uncertain_reposts INTEGER NOT NULL DEFAULT 0,
                created_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL,
                posted_at TIMESTAMPTZ,
                -- The instance whose HTTP call is in flight, while state = 'posting'.
                posting_owner TEXT,
                CHECK (state NOT IN ('skipped', 'dead') OR state_reason IS NOT NULL),
                CHECK (state <> 'retrying' OR next_attempt_at IS NOT NULL)
            )
            """,
            "CREATE INDEX messages_message_id ON messages(message_id)",
            "CREATE INDEX messages_ticket_id ON messages(ticket_id)",
            "CREATE INDEX messages_state ON messages(state)",
            "CREATE INDEX messages_created_at ON messages(created_at)",
            """
            CREATE TABLE sightings (
                id BIGSERIAL PRIMARY KEY,
                entry_id BIGINT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
                account TEXT NOT NULL,
                folder TEXT NOT NULL,
                uid_validity BIGINT NOT NULL,
                uid BIGINT NOT NULL,
                seen_at TIMESTAMPTZ NOT NULL,
                due_action TEXT CHECK (due_action IS NULL OR due_action IN ('posted', 'skipped', 'failed')),
                UNIQUE (entry_id, account, folder, uid_validity, uid)
            )
            """,
            "CREATE INDEX sightings_entry_id ON sightings(entry_id)",
            "CREATE INDEX sightings_place ON sightings(account, folder, uid_validity, uid)",
            "CREATE INDEX sightings_due_action ON sightings(account, folder) WHERE due_action IS NOT NULL",
            """
            CREATE TABLE checkpoints (
                account TEXT NOT NULL,
                folder TEXT NOT NULL,
                uid_validity BIGINT NOT NULL,
                last_uid BIGINT NOT NULL,
                start_uid BIGINT NOT NULL DEFAULT 0,
                updated_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (account, folder)
            )
            """,
            """
            CREATE TABLE messages_in_hand (
                account TEXT NOT NULL,
                folder TEXT NOT NULL,
                uid_validity BIGINT NOT NULL,
                uid BIGINT NOT NULL,
                interruptions INTEGER NOT NULL DEFAULT 0,
                started_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (account, folder, uid_validity, uid)
            )
            """,
            // Each running instance renews its row; one whose row expired is gone, and its posts in flight
            // are uncertain.
            """
            CREATE TABLE instances (
                owner TEXT PRIMARY KEY,
                expires_at TIMESTAMPTZ NOT NULL
            )
            """,
        ]),
        // Who watches each folder (the hold itself is a session advisory lock; this row says whose it is),
        // and which instance has claimed a due post (so two instances never take the same one).
        Migration(name: "v2-folder-ownership", statements: [
            """
            CREATE TABLE folder_owners (
                account TEXT NOT NULL,
                folder TEXT NOT NULL,
                owner TEXT NOT NULL,
                since TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (account, folder)
            )
            """,
            "ALTER TABLE messages ADD COLUMN claimed_by TEXT",
            "ALTER TABLE messages ADD COLUMN claim_expires_at TIMESTAMPTZ",
            "CREATE INDEX messages_claimed_by ON messages(claimed_by) WHERE claimed_by IS NOT NULL",
        ]),
        // The LeadSquared call limit shared by every instance (PostgresCallSlots): per access key (its SHA-256,
        // never the key) the pause after a 429, and one row per call slot.
        Migration(name: "v3-rate-slots", statements: [
            """
            CREATE TABLE rate_keys (
                key_hash TEXT PRIMARY KEY,
                paused_until TIMESTAMPTZ NOT NULL DEFAULT '1970-01-01 00:00:00+00'
            )
            """,
            """
            CREATE TABLE rate_slots (
                key_hash TEXT NOT NULL REFERENCES rate_keys(key_hash) ON DELETE CASCADE,
                slot INTEGER NOT NULL CHECK (slot >= 0),
                -- The instance whose call holds the slot; NULL once handed back.
                held_by TEXT,
                -- Counts the slot's grants, so a late hand-back of an expired grant changes nothing.
                grant_id BIGINT NOT NULL DEFAULT 0,
                granted_at TIMESTAMPTZ,
                -- When the slot may carry a call again: one window after its call ended, or, while held, one
                -- window after the grant's hold ends.
                reusable_at TIMESTAMPTZ NOT NULL DEFAULT '1970-01-01 00:00:00+00',
                PRIMARY KEY (key_hash, slot)
            )
            """,
        ]),
    ]

    static var names: [String] { migrations.map(\.name) }

    /// Applies the migrations the database lacks, in one transaction, under an advisory lock so
    /// that instances starting together apply each once. Refuses a database a newer notegate migrated.
    static func migrate(_ client: PostgresClient, location: String, logger: Logger) async throws {
        try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLockKey))", logger: logger)
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp())
                    """, logger: logger)
                for migration in try await status(connection, location: location, logger: logger).missing {
                    for statement in migration.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query(
                        "INSERT INTO schema_migrations(name) VALUES (\(migration.name))", logger: logger)
                }
                try await connection.query("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// The migrations applied to the database (oldest first) and those this notegate has that it lacks; throws
    /// `supersededSchema` when it has some this notegate does not know (a newer notegate migrated it).
    static func status(_ connection: PostgresConnection, location: String, logger: Logger) async throws
        -> (applied: [String], missing: [Migration]) {
        let applied = try await appliedNames(connection, logger: logger)
        let unknown = applied.filter { !names.contains($0) }
        guard unknown.isEmpty else { throw PostgresLedgerError.supersededSchema(location: location, unknown: unknown) }
        return (applied, migrations.filter { !applied.contains($0.name) })
    }

    /// The names in `schema_migrations`, oldest first; empty when the table does not exist.
    static func appliedNames(_ connection: PostgresConnection, logger: Logger) async throws -> [String] {
        let exists = try await connection.query(
            "SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger).collect()
        guard try exists.first?.decode(Bool.self) == true else { return [] }
        var names: [String] = []
        for try await name in try await connection.query(
            "SELECT name FROM schema_migrations ORDER BY applied_at, name", logger: logger).decode(String.self) {
            names.append(name)
        }
        return names
    }
}
