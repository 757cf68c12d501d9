import DovecotHarness
import Foundation
import Ledger
import Testing

/// The poison-message guard seen from outside, read-only: after each death of a gateway process the test reads the
/// ledger's in-hand marks (`messagesInHand` in SQLite, `messages_in_hand` in PostgreSQL). A mark still there after
/// the process died is a handling that death interrupted; the guard counts such deaths per message
/// (`interruptions`) and, at `crashLimit`, records the message `dead` (`crashed-while-parsing`) at the next start.
/// Two random kills can catch the same innocent message in hand (a batch of up to 100 is marked at once, and a
/// second while the first is recorded), so a dead-lettered message is legitimate exactly when the kills account
/// for it, and a bug otherwise.
struct InHandMarks {
    /// `MessageIntake.crashLimit`: deaths with a message in hand that make it a poison message.
    static let crashLimit = 2
    /// `MessageIntake.GatewayDeadLetter.crashedWhileParsing`.
    static let crashedWhileParsing = "crashed-while-parsing"

    /// One in-hand mark, as the ledger stored it.
    struct Mark: Hashable, CustomStringConvertible {
        let folder: String
        let uid: UInt32
        /// The earlier handlings of the message the ledger counts as interrupted by a death.
        let interruptions: Int
        /// When this handling began (the ledger's text): tells one handling from the next.
        let startedAt: String

        var description: String { "\(folder) UID \(uid) (interruptions \(interruptions), started \(startedAt))" }
    }

    /// Per INBOX UID, the start of every handling found in hand after a death. A mark that outlives several deaths
    /// untouched (its batch waiting behind a message handled one at a time) is one handling, counted once, as the
    /// guard counts it.
    private(set) var interrupted: [UInt32: Set<String>] = [:]
    /// UIDs found in hand after a death with the ledger already counting `crashLimit - 1` earlier deaths: the next
    /// handling of each finds `crashLimit` and must dead-letter it.
    private(set) var limitReached: Set<UInt32> = []
    /// Marks counting more earlier deaths than the test saw: a death counted that did not happen.
    private(set) var overcounted: [String] = []
    /// Marks outside INBOX (the only folder watched).
    private(set) var elsewhere: [String] = []
    /// Why the marks read may not be every interrupted handling (then only the checks that stay sound are made).
    private(set) var inexact: [String] = []
    /// Deaths after which at least one message was in hand.
    private(set) var deathsCatchingMessages = 0

    /// Takes in the marks read after a death (`death` numbers it, for messages).
    mutating func observe(_ marks: [Mark], death: Int) {
        if !marks.isEmpty { deathsCatchingMessages += 1 }
        for mark in marks {
            guard mark.folder == "INBOX" else {
                elsewhere.append("death \(death): \(mark)")
                continue
            }
            var handlings = interrupted[mark.uid, default: []]
            let earlier = handlings.subtracting([mark.startedAt]).count
            if mark.interruptions > earlier {
                overcounted.append("death \(death): \(mark); the test saw \(earlier) earlier interrupted handlings")
            }
            handlings.insert(mark.startedAt)
            interrupted[mark.uid] = handlings
            if mark.interruptions + 1 >= Self.crashLimit { limitReached.insert(mark.uid) }
        }
    }

    mutating func markInexact(_ why: String) {
        inexact.append(why)
    }

    /// UIDs found in hand after at least `count` deaths, each in a handling of its own.
    func interrupted(atLeast count: Int) -> Set<UInt32> {
        Set(interrupted.filter { $0.value.count >= count }.keys)
    }

    var summary: String {
        let handlings = interrupted.values.reduce(0) { $0 + $1.count }
        return "\(deathsCatchingMessages) deaths caught messages in hand: \(handlings) handlings of "
            + "\(interrupted.count) messages interrupted, \(interrupted(atLeast: Self.crashLimit).count) messages in "
            + "hand at \(Self.crashLimit)+ deaths, \(limitReached.count) at the guard's limit"
            + (inexact.isEmpty ? "" : "; not exact: \(inexact.joined(separator: "; "))")
    }

    /// The ledger's dead entries, by INBOX UID, and whatever about them no kill can explain.
    struct DeadLettered {
        /// INBOX UID → Message-ID of each message dead-lettered `crashed-while-parsing`.
        var byUID: [UInt32: String] = [:]
        var problems: [String] = []

        /// `dead`: each dead entry, described, with its reason and the INBOX UIDs it was seen at.
        init(_ dead: [(entry: String, reason: String, inboxUIDs: [UInt32])], inbox: [UInt32: String]) {
            for (entry, reason, uids) in dead {
                guard reason == InHandMarks.crashedWhileParsing else {
                    problems.append("entry \(entry) is dead for another reason: \(reason)")
                    continue
                }
                guard uids.count == 1, let uid = uids.first, let messageID = inbox[uid] else {
                    problems.append("entry \(entry) (\(reason)) is not at one known INBOX UID: \(uids)")
                    continue
                }
                byUID[uid] = messageID
            }
        }

        init(_ entries: [LedgerEntry], inbox: [UInt32: String]) {
            self.init(entries.compactMap { entry in
                guard case .dead(let reason) = entry.state else { return nil }
                let uids = entry.sightings.map(\.location).filter { $0.folder == "INBOX" }.map(\.uid)
                return (entry: "\(entry.id)", reason: reason, inboxUIDs: uids)
            }, inbox: inbox)
        }
    }

    /// The checks that a dead-lettered message is one the deaths account for, and every one they account for is.
    func expectAccounts(for dead: DeadLettered, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(dead.problems.isEmpty, "dead entries no kill explains: \(dead.problems)", sourceLocation: sourceLocation)
        #expect(elsewhere.isEmpty, "messages in hand outside INBOX: \(elsewhere)", sourceLocation: sourceLocation)
        guard inexact.isEmpty else { return }
        #expect(overcounted.isEmpty, "the ledger counted deaths that did not happen: \(overcounted)",
                sourceLocation: sourceLocation)
        let deadUIDs = Set(dead.byUID.keys)
        // Independent of the ledger's own count: each was seen in hand after two deaths, in two handlings.
        let withoutTwoDeaths = deadUIDs.subtracting(interrupted(atLeast: Self.crashLimit))
        let named = withoutTwoDeaths.sorted().map { "UID \($0) \(dead.byUID[$0] ?? "?")" }
        #expect(withoutTwoDeaths.isEmpty, Comment(rawValue: "dead-lettered without being in hand at "
                + "\(Self.crashLimit) deaths: \(named)"), sourceLocation: sourceLocation)
        // Exact: a mark at the limit that outlived a death is dead-lettered at the message's next handling (a batch
        // holding it goes one message at a time), and only such a message is.
        #expect(deadUIDs == limitReached, Comment(rawValue: "dead-lettered: \(deadUIDs.sorted()); in hand at the "
                + "guard's limit when a process died: \(limitReached.sorted())"), sourceLocation: sourceLocation)
    }

    static func parse(_ output: String) throws -> [Mark] {
        try output.split(separator: "\n").map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 4, let uid = UInt32(fields[1]), let interruptions = Int(fields[2]) else {
                throw MailboxFolders.FolderListingError(description: "an in-hand mark read as '\(line)'")
            }
            return Mark(folder: fields[0], uid: uid, interruptions: interruptions, startedAt: fields[3])
        }
    }

    /// The marks of a SQLite ledger, read with python3's sqlite3 opened read-only (no notegate code between the
    /// table and the test); none while the ledger or its table does not exist yet.
    static func sqlite(ledger path: String) throws -> [Mark] {
        try afterDeath(ledger: path).marks
    }

    /// What a death left in a SQLite ledger, read in one read-only transaction: the in-hand marks, and how many
    /// entries are in state `posting` (the posts it interrupted, each recovered as uncertain at the next start).
    static func afterDeath(ledger path: String) throws -> (marks: [Mark], posting: Int) {
        let completion = try SpawnedProcess.run("/usr/bin/env", ["python3", "-c", sqliteScript, path])
        let lines = completion.output.split(separator: "\n").map(String.init)
        guard completion.succeeded, let last = lines.last, last.hasPrefix("posting\t"),
              let posting = Int(last.dropFirst("posting\t".count)) else {
            throw MailboxFolders.FolderListingError(description: "reading what a death left in \(path): \(completion.output)")
        }
        return (try parse(lines.dropLast().joined(separator: "\n")), posting)
    }

    private static let sqliteScript = """
    import os, sqlite3, sys, urllib.parse
    path = sys.argv[1]
    if not os.path.exists(path):
        print("posting\\t0")
        sys.exit(0)
    db = sqlite3.connect("file:" + urllib.parse.quote(path) + "?mode=ro", uri=True)
    def rows(sql):
        try:
            return db.execute(sql).fetchall()
        except sqlite3.OperationalError as error:
            if "no such table" in str(error):
                return []
            raise
    db.execute("BEGIN")
    for row in rows("SELECT folder, uid, interruptions, startedAt FROM messagesInHand"):
        print("\\t".join(str(value) for value in row))
    posting = rows("SELECT count(*) FROM messages WHERE state = 'posting'")
    print("posting\\t" + str(posting[0][0] if posting else 0))
    """
}

/// INBOX's UIDs and the Message-ID at each, read with python3's imaplib (read-only).
enum InboxUIDs {
    static func messageIDs(_ dovecot: DovecotServer) throws -> [UInt32: String] {
        let completion = try SpawnedProcess.run("/usr/bin/env", ["python3", "-c", script, String(dovecot.imapPort),
                                                                 dovecot.user, dovecot.password])
        guard completion.succeeded else {
            throw MailboxFolders.FolderListingError(description: "listing INBOX's UIDs failed: \(completion.output)")
        }
        var messageIDs: [UInt32: String] = [:]
        for line in completion.output.split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 1).map(String.init)
            guard fields.count == 2, let uid = UInt32(fields[0]) else { continue }
            messageIDs[uid] = fields[1]
        }
        return messageIDs
    }

    private static let script = """
    import imaplib, re, sys
    port, user, password = sys.argv[1:]
    imap = imaplib.IMAP4("127.0.0.1", int(port))
    imap.login(user, password)
    imap.select("INBOX", readonly=True)
    kind, data = imap.uid("FETCH", "1:*", "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
    for item in data:
        if isinstance(item, tuple):
            uid = re.search(rb"UID (\\d+)", item[0])
            found = re.search(rb"<([^>]*)>", item[1])
            print(uid.group(1).decode() + "\\t" + (found.group(1).decode() if found else "(none)"))
    imap.logout()
    """
}
