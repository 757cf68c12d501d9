import Foundation
import Ledger

/// A ledger file in a fresh temporary folder, removed when the fixture goes away, and a clock the
/// test moves by hand.
final class LedgerFixture: Sendable {
    let folder: URL
    let clock = TestClock()

    init() throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("ledger-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    var path: String { folder.appendingPathComponent("notegate.sqlite").path }

    /// Opens the fixture's ledger as its owner.
    func open() throws -> SQLiteLedger {
        let clock = clock
        return try SQLiteLedger(path: path, clock: { clock.now })
    }
}

/// A settable clock, starting at a whole second (the ledger stores milliseconds).
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_800_000_000)

    var now: Date {
        lock.withLock { current }
    }

    func advance(seconds: TimeInterval) {
        lock.withLock { current += seconds }
    }
}

/// A sighting of the message with this Message-ID in a mailbox folder.
func sighting(
    _ messageID: String, account: String = "support", folder: String = "INBOX", uidValidity: UInt32 = 1,
    uid: UInt32 = 1, subject: String = "Re: [#143] Invoice"
) -> MessageSighting {
    MessageSighting(
        key: MessageKey(messageID: messageID, from: "", date: "", subject: "", body: ""),
        messageID: messageID,
        subject: subject,
        from: "Vendor <billing@vendor.example>",
        location: MessageLocation(account: account, folder: folder, uidValidity: uidValidity, uid: uid)
    )
}

let note = "Invoice attached, thanks."
let noteHash = NoteHash(noteText: note)

extension LedgerStore {
    /// Records a new message to post to `ticketID` and returns its id.
    func recordNew(_ messageID: String, ticketID: Int = 143, uid: UInt32 = 1) async throws -> LedgerEntryID {
        let result = try await record(
            sighting(messageID, uid: uid), decision: .post(ticketID: ticketID, note: note), checkpoint: nil)
        guard case let .new(id) = result else { throw FixtureError.expectedNew(result) }
        return id
    }

    /// Records a new message and drives it to `state` through the ledger's own transitions.
    func entry(in state: LedgerState.Name, messageID: String = "m1@vendor.example") async throws -> LedgerEntryID {
        if state == .skipped {
            let result = try await record(
                sighting(messageID), decision: .skip(reason: "no-ticket", ticketID: nil, draftNote: note), checkpoint: nil)
            guard case let .new(id) = result else { throw FixtureError.expectedNew(result) }
            return id
        }
        let id = try await recordNew(messageID)
        guard state != .pending else { return id }
        try await beginPosting(id, noteHash: noteHash)
        switch state {
        case .posted: try await markPosted(id, response: #"{"Status":"Success"}"#, checkpoint: nil)
        case .retrying: try await markRetrying(id, error: "HTTP 500", nextAttemptAt: Date(timeIntervalSince1970: 1_900_000_000))
        case .dead: try await markDead(id, reason: "HTTP 400: note too long")
        case .uncertain: try await markUncertain(id, error: "connection reset after request was sent", policy: .hold)
        case .skipped, .pending, .posting: break
        }
        return id
    }

    /// The entry, which must exist.
    func existing(_ id: LedgerEntryID) async throws -> LedgerEntry {
        guard let found = try await entry(id) else { throw FixtureError.missing(id) }
        return found
    }
}

enum FixtureError: Error {
    case expectedNew(RecordResult)
    case missing(LedgerEntryID)
}
