import Foundation
import GRDB
import Testing
@testable import Ledger

@Suite struct DurabilityTests {
    @Test func reopenedLedgerKeepsEverything() async throws {
        let fixture = try LedgerFixture()
        let checkpoint = MailboxCheckpoint(account: "support", folder: "INBOX", uidValidity: 7, lastUID: 42)
        let (id, written): (LedgerEntryID, LedgerEntry)
        do {
            let ledger = try fixture.open()
            id = try await ledger.entry(in: .posting)
            _ = try await ledger.record(
                sighting("m1@vendor.example", folder: "Archive", uid: 5), decision: .skip(reason: "bulk", ticketID: nil, draftNote: nil),
                checkpoint: nil)
            written = try await ledger.markPosted(id, response: #"{"Id":"n-1"}"#, checkpoint: checkpoint)
        }

        let reopened = try fixture.open()

        #expect(try await reopened.existing(id) == written)
        #expect(written.sightings.count == 2)
        #expect(try await reopened.checkpoint(account: "support", folder: "INBOX") == checkpoint)
    }

    @Test func freshFileGetsEveryMigrationInWALMode() throws {
        let fixture = try LedgerFixture()
        let ledger = try fixture.open()

        #expect(try ledger.appliedMigrations == ["v1", "v2-due-actions-and-messages-in-hand"])
        let journalMode = try DatabaseQueue(path: fixture.path).read { db in
            try String.fetchOne(db, sql: "PRAGMA journal_mode")
        }
        #expect(journalMode == "wal")
    }

    @Test func reopeningRunsNoMigrationTwice() async throws {
        let fixture = try LedgerFixture()
        let id = try await fixture.open().recordNew("m@vendor.example")

        let reopened = try fixture.open()

        #expect(try reopened.appliedMigrations == ["v1", "v2-due-actions-and-messages-in-hand"])
        #expect(try await reopened.existing(id).state == .pending)
    }

    @Test func ledgerOfTheFirstSchemaIsUpgradedWithItsEntries() async throws {
        let fixture = try LedgerFixture()
        let pool = try DatabasePool(path: fixture.path)
        try LedgerSchema.migrator.migrate(pool, upTo: "v1")
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO messages (messageKey, state, stateReason, createdAt, updatedAt)
                VALUES ('mid:old@vendor.example', 'skipped', 'no-ticket', '2026-11-01 10:00:00.000', '2026-11-01 10:00:00.000')
                """)
            try db.execute(sql: """
                INSERT INTO sightings (entryID, account, folder, uidValidity, uid, seenAt)
                VALUES (1, 'support', 'INBOX', 1, 1, '2026-11-01 10:00:00.000')
                """)
        }
        try pool.close()

        let ledger = try fixture.open()

        #expect(try ledger.appliedMigrations == ["v1", "v2-due-actions-and-messages-in-hand"])
        let entry = try await ledger.existing(LedgerEntryID(rawValue: 1))
        #expect(entry.state == .skipped(reason: "no-ticket"))
        #expect(entry.sightings.map(\.dueAction) == [nil], "an old entry has no action due: it was applied then")
    }

    @Test func newLedgerFileAndItsLockAreReadableByTheOwnerOnly() throws {
        let fixture = try LedgerFixture()
        let previous = umask(0o022)
        defer { umask(previous) }
        let ledger = try fixture.open()
        _ = try ledger.appliedMigrations

        for path in [fixture.path, fixture.path + ".lock", fixture.path + "-wal"] {
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(path) has mode \(String(mode ?? 0, radix: 8))")
        }
    }

    @Test func ledgerFromANewerNotegateIsRefused() throws {
        let fixture = try LedgerFixture()
        do {
            _ = try fixture.open()
        }
        try DatabaseQueue(path: fixture.path).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99')")
        }

        #expect(throws: LedgerError.supersededSchema(path: fixture.path)) { _ = try fixture.open() }
        #expect(throws: LedgerError.supersededSchema(path: fixture.path)) {
            _ = try SQLiteLedgerReader(readOnlyPath: fixture.path)
        }
    }

    @Test func readerRefusesAFileWithoutTheSchema() throws {
        let fixture = try LedgerFixture()
        try DatabaseQueue(path: fixture.path).write { db in
            try db.execute(sql: "CREATE TABLE unrelated (x)")
        }

        #expect(throws: LedgerError.notMigrated(path: fixture.path)) {
            _ = try SQLiteLedgerReader(readOnlyPath: fixture.path)
        }
    }
}
