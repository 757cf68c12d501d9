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

        #expect(try ledger.appliedMigrations == ["v1"])
        let journalMode = try DatabaseQueue(path: fixture.path).read { db in
            try String.fetchOne(db, sql: "PRAGMA journal_mode")
        }
        #expect(journalMode == "wal")
    }

    @Test func reopeningRunsNoMigrationTwice() async throws {
        let fixture = try LedgerFixture()
        let id = try await fixture.open().recordNew("m@vendor.example")

        let reopened = try fixture.open()

        #expect(try reopened.appliedMigrations == ["v1"])
        #expect(try await reopened.existing(id).state == .pending)
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
