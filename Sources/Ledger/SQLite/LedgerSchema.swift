import GRDB

/// The ledger's SQLite schema, as named, append-only migrations: never edit a registered migration,
/// add the next one.
enum LedgerSchema {
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: MessageRecord.databaseTableName) { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("messageKey", .text).notNull().unique()
                table.column("messageID", .text).indexed()
                table.column("subject", .text)
                table.column("sender", .text)
                table.column("ticketID", .integer).indexed()
                table.column("noteHash", .text)
                table.column("note", .text)
                table.column("state", .text).notNull().indexed()
                table.column("stateReason", .text)
                table.column("nextAttemptAt", .datetime)
                table.column("attempts", .integer).notNull().defaults(to: 0)
                table.column("lastError", .text)
                table.column("apiResponse", .text)
                table.column("uncertainReposts", .integer).notNull().defaults(to: 0)
                table.column("createdAt", .datetime).notNull().indexed()
                table.column("updatedAt", .datetime).notNull()
                table.column("postedAt", .datetime)
                // Spelled out, not derived from LedgerState.Name: a migration must mean the same forever.
                table.check(sql: """
                    state IN ('skipped', 'pending', 'posting', 'posted', 'retrying', 'dead', 'uncertain')
                    """)
                table.check(sql: "state NOT IN ('skipped', 'dead') OR stateReason IS NOT NULL")
                table.check(sql: "state <> 'retrying' OR nextAttemptAt IS NOT NULL")
            }
            try db.create(table: SightingRecord.databaseTableName) { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("entryID", .integer).notNull().indexed()
                    .references(MessageRecord.databaseTableName, onDelete: .cascade)
                table.column("account", .text).notNull()
                table.column("folder", .text).notNull()
                table.column("uidValidity", .integer).notNull()
                table.column("uid", .integer).notNull()
                table.column("seenAt", .datetime).notNull()
                table.uniqueKey(["entryID", "account", "folder", "uidValidity", "uid"])
            }
            try db.create(table: CheckpointRecord.databaseTableName) { table in
                table.column("account", .text).notNull()
                table.column("folder", .text).notNull()
                table.column("uidValidity", .integer).notNull()
                table.column("lastUID", .integer).notNull()
                table.column("startUID", .integer).notNull().defaults(to: 0)
                table.column("updatedAt", .datetime).notNull()
                table.primaryKey(["account", "folder"])
            }
        }
        // Mailbox actions kept with the outcome until applied, and the message being handled, so that
        // one that crashes the process is recognised when it comes round again.
        migrator.registerMigration("v2-due-actions-and-messages-in-hand") { db in
            try db.alter(table: SightingRecord.databaseTableName) { table in
                table.add(column: "dueAction", .text)
                    .check(sql: "dueAction IS NULL OR dueAction IN ('posted', 'skipped', 'failed')")
            }
            try db.execute(sql: """
                CREATE INDEX sightings_dueAction ON sightings(account, folder) WHERE dueAction IS NOT NULL
                """)
            try db.create(table: MessageInHandRecord.databaseTableName) { table in
                table.column("account", .text).notNull()
                table.column("folder", .text).notNull()
                table.column("uidValidity", .integer).notNull()
                table.column("uid", .integer).notNull()
                table.column("interruptions", .integer).notNull().defaults(to: 0)
                table.column("startedAt", .datetime).notNull()
                table.primaryKey(["account", "folder", "uidValidity", "uid"])
            }
        }
        return migrator
    }()
}
