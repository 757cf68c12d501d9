import Foundation
import Ledger
import LedgerPostgres
import PostgresHarness
import Testing

/// `notegate ledger migrate`: a SQLite ledger filled through the real API, copied by the real binary into a real
/// PostgreSQL 15, and read back through the PostgreSQL ledger.
@Suite struct LedgerMigrateCommandTests {
    static let account = "support"

    @Test func migrateCopiesEveryEntryExactlyAndASecondRunChangesNothing() async throws {
        let file = try LedgerFile()
        let ids = try await Self.fillEveryState(file)
        try await PostgresServer.with { server in
            let first = try await NotegateBinary.run(
                ["ledger", "migrate", "--from", file.path, "--to", server.url(), "--create-schema"])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.lines.contains(
                "  entries      10 new (skipped 1, pending 2, posting 1, posted 2, retrying 1, dead 2, uncertain 1), "
                    + "0 already present"), "\(first.stdout)")
            #expect(first.lines.contains("  sightings    11 new, 0 already present"), "\(first.stdout)")
            #expect(first.lines.contains("  due actions  5 new (posted 2, skipped 1, failed 2)"), "\(first.stdout)")
            #expect(first.lines.contains("  checkpoints  2 new, 0 advanced, 0 already present"), "\(first.stdout)")
            #expect(first.lines.contains { $0.hasPrefix("  not copied   1 message in hand") }, "\(first.stdout)")
            #expect(!first.stdout.contains("  ids "), "every id is kept: \(first.stdout)")

            let before = try Self.dump(server)
            let postgres = try await PostgresLedger.open(try PostgresLedgerLocation(url: server.url()), owner: "reader")
            do {
                let source = try SQLiteLedgerReader(readOnlyPath: file.path)
                let copied = try await postgres.list(LedgerFilter())
                let original = try await source.list(LedgerFilter())
                #expect(copied.map(\.id) == original.map(\.id), "ids kept, the gap of the forgotten entry too")
                for (copy, entry) in zip(copied, original) {
                    #expect(Self.toTheMillisecond(copy) == Self.toTheMillisecond(entry), "entry \(entry.id)")
                }
                #expect(try await postgres.counts() == source.counts())
                for folder in ["INBOX", "Archive"] {
                    #expect(try await postgres.checkpoint(account: Self.account, folder: folder)
                        == source.checkpoint(account: Self.account, folder: folder))
                    #expect(try await postgres.dueActions(account: Self.account, folder: folder)
                        == source.dueActions(account: Self.account, folder: folder))
                }
                #expect(try await postgres.checkpoint(account: Self.account, folder: "INBOX")?.startUID == 2)

                let again = try await NotegateBinary.run(
                    ["ledger", "migrate", "--from", file.path, "--to", server.url()])
                #expect(again.status == 0, "\(again.stderr)")
                #expect(again.lines.contains("  entries      0 new, 10 already present"), "\(again.stdout)")
                #expect(again.lines.contains("  sightings    0 new, 11 already present"), "\(again.stdout)")
                #expect(again.lines.contains("  due actions  0 new"), "\(again.stdout)")
                #expect(again.lines.contains("  checkpoints  0 new, 0 advanced, 2 already present"), "\(again.stdout)")
                #expect(try Self.dump(server) == before, "the second run changed the database")

                // The post interrupted under SQLite is the first PostgreSQL instance's to settle, by on_uncertain.
                #expect(try await postgres.recoverInterruptedPosts(policy: .repost) == [ids.posting])
                let reposted = try await postgres.existing(ids.posting)
                #expect(reposted.state == .pending && reposted.uncertainReposts == 1)
                // Messages recorded from now on get ids above every copied one.
                let next = try await postgres.record(
                    MessageSighting(key: Self.key("new@vendor.example"),
                                    messageID: "new@vendor.example", subject: "[#7] New", from: nil,
                                    location: MessageLocation(account: Self.account, folder: "INBOX", uidValidity: 7,
                                                              uid: 40)),
                    decision: .post(ticketID: 7, note: "New."), checkpoint: nil)
                guard case let .new(id) = next else { throw LedgerMigrationTestFailure("\(next) is not new") }
                #expect(id.rawValue > ids.highest.rawValue)
            } catch {
                await postgres.close()
                throw error
            }
            await postgres.close()
        }
    }

    @Test func migrateIsRefusedAndWritesNothingWhenItCannotCopySafely() async throws {
        let file = try LedgerFile()
        _ = try await Self.fillEveryState(file)
        try await PostgresServer.with { server in
            let notPostgres = try await NotegateBinary.run(
                ["ledger", "migrate", "--from", file.path, "--to", "mysql://notegate@127.0.0.1/ledger"])
            #expect(notPostgres.status != 0)
            #expect(notPostgres.stderr.contains("it must start with postgres://"), "\(notPostgres.stderr)")

            let missing = try await NotegateBinary.run(
                ["ledger", "migrate", "--from", file.path + ".typo", "--to", server.url(), "--create-schema"])
            #expect(missing.status != 0)
            #expect(missing.stderr.contains("no ledger at \(file.path).typo"), "\(missing.stderr)")

            let notMigrated = try await NotegateBinary.run(
                ["ledger", "migrate", "--from", file.path, "--to", server.url()])
            #expect(notMigrated.status != 0)
            #expect(notMigrated.stderr.contains("lacks migrations v1-ledger"), "\(notMigrated.stderr)")
            #expect(notMigrated.stderr.contains("add --create-schema"), "\(notMigrated.stderr)")
            #expect(try server.psql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == "0\n")

            let owned = try await file.write(at: Date()) { _ in
                try await NotegateBinary.run(
                    ["ledger", "migrate", "--from", file.path, "--to", server.url(), "--create-schema"])
            }
            #expect(owned.status != 0)
            #expect(owned.stderr.contains("is in use by another notegate process (pid \(getpid()))"), "\(owned.stderr)")
            #expect(try server.psql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == "0\n")

            let ledger = try await PostgresLedger.open(try PostgresLedgerLocation(url: server.url()), owner: "newer")
            await ledger.close()
            try server.psql("INSERT INTO schema_migrations(name) VALUES ('v99-from-the-future')")
            let newer = try await NotegateBinary.run(
                ["ledger", "migrate", "--from", file.path, "--to", server.url(), "--create-schema"])
            #expect(newer.status != 0)
            #expect(newer.stderr.contains("was migrated by a newer notegate"), "\(newer.stderr)")
            #expect(try server.psql("SELECT count(*) FROM messages") == "0\n")
        }
    }

    @Test func migrateLeavesMessagesPostgreSQLHasAndRenumbersTakenIDsAndADryRunSaysSoFirst() async throws {
        let file = try LedgerFile()
        let inbox = MailboxCheckpoint(account: Self.account, folder: "INBOX", uidValidity: 7, lastUID: 3)
        try await file.write(at: Date(timeIntervalSince1970: 1_800_000_000.25)) { ledger in
            for uid in UInt32(1)...3 {
                let id = try await ledger.record("m\(uid)@vendor.example", subject: "[#143] Part \(uid)",
                                                 decision: .post(ticketID: 143, note: "Part \(uid)."), uid: uid)
                try await ledger.beginPosting(id, noteHash: NoteHash(noteText: "Part \(uid)."))
                try await ledger.markPosted(id, response: "{}", checkpoint: inbox)
            }
        }
        try await PostgresServer.with { server in
            let postgres = try await PostgresLedger.open(try PostgresLedgerLocation(url: server.url()), owner: "live")
            do {
                // A running instance recorded another message (id 1), message 2 seen in another folder (id 2) and
                // a third message (id 3).
                let recorded = [("other@vendor.example", "INBOX", UInt32(1)), ("m2@vendor.example", "Shared", 1),
                                ("third@vendor.example", "Shared", 2)]
                for (messageID, folder, uid) in recorded {
                    _ = try await postgres.record(
                        MessageSighting(key: Self.key(messageID),
                                        messageID: messageID, subject: "[#143] Seen here", from: nil,
                                        location: MessageLocation(account: Self.account, folder: folder,
                                                                  uidValidity: 7, uid: uid)),
                        decision: .post(ticketID: 143, note: "Seen here."),
                        checkpoint: MailboxCheckpoint(account: Self.account, folder: folder, uidValidity: 7,
                                                      lastUID: uid))
                }
                let before = try Self.dump(server)
                let sequence = try server.psql("SELECT last_value FROM messages_id_seq")

                let dryRun = try await NotegateBinary.run(
                    ["ledger", "migrate", "--from", file.path, "--to", server.url(), "--dry-run"])
                #expect(dryRun.status == 0, "\(dryRun.stderr)")
                #expect(dryRun.lines.first?.hasPrefix("Dry run: nothing was written.") == true, "\(dryRun.stdout)")
                #expect(dryRun.lines.contains("  entries      2 new (posted 2), 1 already present"), "\(dryRun.stdout)")
                #expect(try Self.dump(server) == before, "a dry run wrote to the database")
                #expect(try server.psql("SELECT last_value FROM messages_id_seq") == sequence)

                let run = try await NotegateBinary.run(["ledger", "migrate", "--from", file.path, "--to", server.url()])
                #expect(run.status == 0, "\(run.stderr)")
                #expect(run.lines.contains("  entries      2 new (posted 2), 1 already present"), "\(run.stdout)")
                #expect(run.lines.contains("  sightings    3 new, 0 already present"), "\(run.stdout)")
                #expect(run.lines.contains("  due actions  2 new (posted 2)"), "\(run.stdout)")
                #expect(run.lines.contains("  checkpoints  0 new, 1 advanced, 0 already present"), "\(run.stdout)")
                #expect(run.lines.contains(
                    "  ids          2 taken in PostgreSQL by other messages, given new ones: 1 → 4, 3 → 5"),
                    "\(run.stdout)")
                #expect(Array(dryRun.lines.dropFirst()) == Array(run.lines.dropFirst()),
                        "the dry run said what the run did")

                let renumbered = try await postgres.existing(LedgerEntryID(rawValue: 4))
                #expect(renumbered.key == Self.key("m1@vendor.example"))
                #expect(renumbered.state == .posted && renumbered.sightings.first?.dueAction == .posted)
                #expect(try await postgres.existing(LedgerEntryID(rawValue: 5)).messageID == "m3@vendor.example")
                #expect(try await postgres.existing(LedgerEntryID(rawValue: 3)).messageID == "third@vendor.example")
                // PostgreSQL's entry of message 2 stays its own: pending, and its SQLite sighting has no action due
                // until it is posted here.
                let kept = try await postgres.existing(LedgerEntryID(rawValue: 2))
                #expect(kept.state == .pending && kept.sightings.map(\.location.folder) == ["Shared", "INBOX"])
                #expect(kept.sightings.map(\.dueAction) == [nil, nil])
                #expect(try await postgres.checkpoint(account: Self.account, folder: "INBOX") == inbox)
            } catch {
                await postgres.close()
                throw error
            }
            await postgres.close()
        }
    }

    // MARK: - Fixtures

    struct FilledLedger {
        var posting: LedgerEntryID
        var highest: LedgerEntryID
    }

    /// One entry in every state, through the ledger's own operations, at times with milliseconds: posted (its
    /// action applied, and another still due, seen in two folders), skipped, dead by the API and dead-lettered,
    /// retrying, uncertain, reposted after an uncertain post, pending, left posting, and a forgotten one (a gap in
    /// the ids); two checkpoints, and a message in hand.
    static func fillEveryState(_ file: LedgerFile) async throws -> FilledLedger {
        let clock = StoppedClock(Date(timeIntervalSince1970: 1_800_000_000.123))
        let inbox = MailboxCheckpoint(account: account, folder: "INBOX", uidValidity: 7, lastUID: 12, startUID: 2)
        // One owner for the whole filling: a lock released and taken again at once can find it still held by a
        // process another test is spawning, through the descriptor it inherited until its exec.
        let ledger = try SQLiteLedger(path: file.path, clock: { clock.now })
        try await ledger.saveCheckpoint(MailboxCheckpoint(account: account, folder: "INBOX", uidValidity: 7,
                                                          lastUID: 1, startUID: 2))
        let applied = try await ledger.record("applied@vendor.example", subject: "[#143] Done",
                                              decision: .post(ticketID: 143, note: "Done."), uid: 2)
        try await ledger.beginPosting(applied, noteHash: NoteHash(noteText: "Done."))
        try await ledger.markPosted(applied, response: #"{"Status":"Success","Id":"n-1"}"#, checkpoint: inbox)
        try await ledger.actionsApplied(try await ledger.dueActions(account: account, folder: "INBOX"))
        try await ledger.record("question@vendor.example", subject: "Question",
                                decision: .skip(reason: "no-ticket", ticketID: nil, draftNote: "Where is it?",
                                                detail: "no ticket tag like [#143] in the subject"), uid: 3)
        let forgotten = try await ledger.record("forgotten@vendor.example", subject: "[#1] Gone",
                                                decision: .post(ticketID: 1, note: "Gone."), uid: 4)
        try await ledger.forget(forgotten)
        clock.now += 61.457
        let posted = try await ledger.record("posted@vendor.example", subject: "[#143] Posted",
                                             decision: .post(ticketID: 143, note: "Posted.\nTwo lines."), uid: 5)
        try await ledger.record("posted@vendor.example", subject: "[#143] Posted",
                                decision: .post(ticketID: 143, note: "Posted.\nTwo lines."), folder: "Archive",
                                uid: 9)
        try await ledger.beginPosting(posted, noteHash: NoteHash(noteText: "Posted.\nTwo lines."))
        try await ledger.markPosted(posted, response: #"{"Status":"Success","Id":"n-2"}"#,
                                    checkpoint: MailboxCheckpoint(account: account, folder: "Archive",
                                                                  uidValidity: 3, lastUID: 9))
        let dead = try await ledger.record("dead@vendor.example", subject: "[#200] Logs",
                                           decision: .post(ticketID: 200, note: "Logs."), uid: 6)
        try await ledger.beginPosting(dead, noteHash: NoteHash(noteText: "Logs."))
        try await ledger.markDead(dead, reason: "HTTP 400: note too long")
        try await ledger.record("crash@vendor.example", subject: "[#201] Crash",
                                decision: .deadLetter(reason: "crashed-parser", detail: "killed 3 times"), uid: 7)
        let retrying = try await ledger.record("retry@vendor.example", subject: "[#202] Retry",
                                               decision: .post(ticketID: 202, note: "Retry."), uid: 8)
        try await ledger.beginPosting(retrying, noteHash: NoteHash(noteText: "Retry."))
        try await ledger.markRetrying(retrying, error: "HTTP 503",
                                      nextAttemptAt: Date(timeIntervalSince1970: 1_800_000_999.871))
        let uncertain = try await ledger.record("held@vendor.example", subject: "[#203] Held",
                                                decision: .post(ticketID: 203, note: "Held."), uid: 9)
        try await ledger.beginPosting(uncertain, noteHash: NoteHash(noteText: "Held."))
        try await ledger.markUncertain(uncertain, error: "connection reset after the request", policy: .hold)
        let reposted = try await ledger.record("again@vendor.example", subject: "[#204] Again",
                                               decision: .post(ticketID: 204, note: "Again."), uid: 10)
        try await ledger.beginPosting(reposted, noteHash: NoteHash(noteText: "Again."))
        try await ledger.markUncertain(reposted, error: "timed out after the request", policy: .repost)
        try await ledger.record("pending@vendor.example", subject: "[#205] Pending",
                                decision: .post(ticketID: 205, note: "Pending."), uid: 11)
        let posting = try await ledger.record("posting@vendor.example", subject: "[#206] In flight",
                                              decision: .post(ticketID: 206, note: "In flight."), uid: 12)
        try await ledger.beginPosting(posting, noteHash: NoteHash(noteText: "In flight."))
        _ = try await ledger.beginHandling(MessageLocation(account: account, folder: "INBOX", uidValidity: 7,
                                                           uid: 13))
        return FilledLedger(posting: posting, highest: posting)
    }

    /// The key the test ledgers give a message with this Message-ID.
    static func key(_ messageID: String) -> MessageKey {
        MessageKey(messageID: messageID, from: "", date: "", subject: "", body: "")
    }

    /// The entry with every time rounded to the millisecond, as the SQLite ledger stores them.
    static func toTheMillisecond(_ entry: LedgerEntry) -> LedgerEntry {
        func rounded(_ date: Date) -> Date {
            Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
        }
        var entry = entry
        entry.createdAt = rounded(entry.createdAt)
        entry.updatedAt = rounded(entry.updatedAt)
        entry.postedAt = entry.postedAt.map(rounded)
        if case let .retrying(date) = entry.state {
            entry.state = .retrying(nextAttemptAt: rounded(date))
        }
        entry.sightings = entry.sightings.map { sighting in
            var sighting = sighting
            sighting.seenAt = rounded(sighting.seenAt)
            return sighting
        }
        return entry
    }

    /// Every row of the ledger's tables, as text, to compare before and after.
    static func dump(_ server: PostgresServer) throws -> String {
        try ["messages", "sightings", "checkpoints"].map { table in
            try server.psql("SELECT * FROM \(table) ORDER BY 1, 2")
        }.joined(separator: "\n--\n")
    }
}

extension PostgresLedger {
    /// The entry, which must exist.
    func existing(_ id: LedgerEntryID) async throws -> LedgerEntry {
        guard let entry = try await entry(id) else { throw LedgerMigrationTestFailure("no entry \(id) in PostgreSQL") }
        return entry
    }
}

/// A clock the test moves by hand.
final class StoppedClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date) {
        current = start
    }

    var now: Date {
        get { lock.withLock { current } }
        set { lock.withLock { current = newValue } }
    }
}

struct LedgerMigrationTestFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
