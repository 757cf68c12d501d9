import Foundation
import GRDB
import Testing
import Ledger

@Suite struct CheckpointTests {
    private func inbox(uidValidity: UInt32 = 1, lastUID: UInt32, startUID: UInt32 = 0) -> MailboxCheckpoint {
        MailboxCheckpoint(account: "support", folder: "INBOX", uidValidity: uidValidity, lastUID: lastUID,
                          startUID: startUID)
    }

    /// Installs a trigger through a second connection, to make one write of a transaction fail.
    private func failWrites(_ fixture: LedgerFixture, trigger sql: String) throws {
        try DatabaseQueue(path: fixture.path).write { db in try db.execute(sql: sql) }
    }

    @Test(arguments: LedgerBackend.allCases)
    func noCheckpointBeforeTheFirst(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            #expect(try await ledger.checkpoint(account: "support", folder: "INBOX") == nil)
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func checkpointAdvancesButNeverMovesBackWithinAUIDValidity(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            try await ledger.saveCheckpoint(inbox(lastUID: 10))
            try await ledger.saveCheckpoint(inbox(lastUID: 7))
            #expect(try await ledger.checkpoint(account: "support", folder: "INBOX") == inbox(lastUID: 10))

            try await ledger.saveCheckpoint(inbox(lastUID: 12))
            #expect(try await ledger.checkpoint(account: "support", folder: "INBOX") == inbox(lastUID: 12))
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func newUIDValidityReplacesTheCheckpoint(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            try await ledger.saveCheckpoint(inbox(uidValidity: 1, lastUID: 500))
            try await ledger.saveCheckpoint(inbox(uidValidity: 2, lastUID: 3))
            #expect(try await ledger.checkpoint(account: "support", folder: "INBOX") == inbox(uidValidity: 2, lastUID: 3))
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func firstSaveFixesTheStartUIDForItsUIDValidity(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            try await ledger.saveCheckpoint(inbox(lastUID: 0, startUID: 40))
            try await ledger.saveCheckpoint(inbox(lastUID: 12))
            try await ledger.saveCheckpoint(inbox(lastUID: 30, startUID: 90))
            let skip = LedgerDecision.skip(reason: "before-start", ticketID: nil, draftNote: nil)
            _ = try await ledger.record(sighting("old@vendor.example", uid: 31), decision: skip, checkpoint: inbox(lastUID: 31))
            #expect(try await ledger.checkpoint(account: "support", folder: "INBOX") == inbox(lastUID: 31, startUID: 40))

            try await ledger.saveCheckpoint(inbox(uidValidity: 2, lastUID: 0))
            #expect(try await ledger.checkpoint(account: "support", folder: "INBOX") == inbox(uidValidity: 2, lastUID: 0))
        }
    }

    @Test func startUIDIsStoredInTheFile() async throws {
        let fixture = try LedgerFixture()
        try await fixture.open().saveCheckpoint(inbox(lastUID: 0, startUID: 7))
        let startUID = try await DatabaseQueue(path: fixture.path).read { db in
            try UInt32.fetchOne(db, sql: "SELECT startUID FROM checkpoints WHERE account = 'support'")
        }
        #expect(startUID == 7)
    }

    @Test(arguments: LedgerBackend.allCases)
    func checkpointsAreKeptPerAccountAndFolder(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            try await ledger.saveCheckpoint(inbox(lastUID: 10))
            try await ledger.saveCheckpoint(MailboxCheckpoint(account: "support", folder: "Vendors", uidValidity: 5, lastUID: 2))
            try await ledger.saveCheckpoint(MailboxCheckpoint(account: "sales", folder: "INBOX", uidValidity: 9, lastUID: 4))

            #expect(try await ledger.checkpoint(account: "support", folder: "INBOX") == inbox(lastUID: 10))
            #expect(try await ledger.checkpoint(account: "support", folder: "Vendors")?.lastUID == 2)
            #expect(try await ledger.checkpoint(account: "sales", folder: "INBOX")?.uidValidity == 9)
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func postedMovesTheCheckpoint(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let id = try await ledger.entry(in: .posting)

            try await ledger.markPosted(id, response: "{}", checkpoint: inbox(lastUID: 1))

            #expect(try await ledger.checkpoint(account: "support", folder: "INBOX") == inbox(lastUID: 1))
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func recordingASkipMovesTheCheckpoint(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            _ = try await ledger.record(
                sighting("old@vendor.example", uid: 4), decision: .skip(reason: "before-start", ticketID: nil, draftNote: nil),
                checkpoint: inbox(lastUID: 4))
            #expect(try await ledger.checkpoint(account: "support", folder: "INBOX") == inbox(lastUID: 4))
        }
    }

    @Test func postedStaysPostingWhenTheCheckpointCannotBeSaved() async throws {
        let fixture = try LedgerFixture()
        let ledger = try fixture.open()
        let id = try await ledger.entry(in: .posting)
        try failWrites(fixture, trigger: """
            CREATE TRIGGER failCheckpoint BEFORE INSERT ON checkpoints BEGIN SELECT RAISE(ABORT, 'disk full'); END
            """)

        await #expect(throws: DatabaseError.self) {
            try await ledger.markPosted(id, response: "{}", checkpoint: inbox(lastUID: 1))
        }

        #expect(try await ledger.existing(id).state == .posting)
        #expect(try await ledger.checkpoint(account: "support", folder: "INBOX") == nil)
    }

    @Test func checkpointStaysWhenThePostCannotBeRecorded() async throws {
        let fixture = try LedgerFixture()
        let ledger = try fixture.open()
        try await ledger.saveCheckpoint(inbox(lastUID: 1))
        let id = try await ledger.entry(in: .posting)
        try failWrites(fixture, trigger: """
            CREATE TRIGGER failPosted BEFORE UPDATE OF state ON messages WHEN NEW.state = 'posted'
            BEGIN SELECT RAISE(ABORT, 'disk full'); END
            """)

        await #expect(throws: DatabaseError.self) {
            try await ledger.markPosted(id, response: "{}", checkpoint: inbox(lastUID: 2))
        }

        #expect(try await ledger.checkpoint(account: "support", folder: "INBOX") == inbox(lastUID: 1))
        #expect(try await ledger.existing(id).state == .posting)
    }

    @Test func batchIsNotRecordedWhenTheCheckpointCannotBeSaved() async throws {
        let fixture = try LedgerFixture()
        let ledger = try fixture.open()
        try failWrites(fixture, trigger: """
            CREATE TRIGGER failCheckpoint BEFORE INSERT ON checkpoints BEGIN SELECT RAISE(ABORT, 'disk full'); END
            """)

        await #expect(throws: DatabaseError.self) {
            try await ledger.record([
                RecordRequest(sighting: sighting("m1@vendor.example", uid: 1), decision: .post(ticketID: 1, note: note)),
                RecordRequest(sighting: sighting("m2@vendor.example", uid: 2), decision: .post(ticketID: 1, note: note)),
            ], checkpoint: inbox(lastUID: 2))
        }

        #expect(try await ledger.list(LedgerFilter()).isEmpty)
    }
}
