import Foundation
import GRDB

/// A row of `messages`: one per message key.
struct MessageRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "messages"

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let messageKey = Column(CodingKeys.messageKey)
        static let messageID = Column(CodingKeys.messageID)
        static let ticketID = Column(CodingKeys.ticketID)
        static let state = Column(CodingKeys.state)
        static let nextAttemptAt = Column(CodingKeys.nextAttemptAt)
        static let createdAt = Column(CodingKeys.createdAt)
        static let postedAt = Column(CodingKeys.postedAt)
    }

    var id: Int64?
    var messageKey: String
    var messageID: String?
    var subject: String?
    var sender: String?
    var ticketID: Int?
    var noteHash: String?
    /// The note text to post (or the draft note of a skip), if the message makes one.
    var note: String?
    var state: LedgerState.Name
    /// The reason of `skipped` and `dead`.
    var stateReason: String?
    /// Set in `retrying` only.
    var nextAttemptAt: Date?
    var attempts: Int
    var lastError: String?
    var apiResponse: String?
    var uncertainReposts: Int
    var createdAt: Date
    var updatedAt: Date
    var postedAt: Date?

    init(sighting: MessageSighting, decision: LedgerDecision, now: Date) {
        messageKey = sighting.key.rawValue
        messageID = sighting.messageID.flatMap(MessageKey.normalizedMessageID)
        subject = sighting.subject
        sender = sighting.from
        attempts = 0
        uncertainReposts = 0
        createdAt = now
        updatedAt = now
        state = .pending
        switch decision {
        case let .post(ticketID, note):
            self.ticketID = ticketID
            self.note = note
            self.noteHash = NoteHash(noteText: note).rawValue
        case let .skip(reason, ticketID, draftNote, detail):
            self.ticketID = ticketID
            self.lastError = detail
            self.note = draftNote
            self.noteHash = draftNote.map { NoteHash(noteText: $0).rawValue }
            ledgerState = .skipped(reason: reason)
        case let .deadLetter(reason, detail):
            self.lastError = detail
            ledgerState = .dead(reason: reason)
        }
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    var entryID: LedgerEntryID {
        guard let id else { preconditionFailure("a messages row read from or written to the database has an id") }
        return LedgerEntryID(rawValue: id)
    }

    /// The state with its associated values, spread over `state`, `stateReason` and `nextAttemptAt`.
    var ledgerState: LedgerState {
        get {
            switch state {
            case .skipped: .skipped(reason: stateReason ?? "")
            case .pending: .pending
            case .posting: .posting
            case .posted: .posted
            case .retrying: .retrying(nextAttemptAt: nextAttemptAt ?? updatedAt)
            case .dead: .dead(reason: stateReason ?? "")
            case .uncertain: .uncertain
            }
        }
        set {
            state = newValue.name
            switch newValue {
            case let .skipped(reason), let .dead(reason):
                stateReason = reason
                nextAttemptAt = nil
            case let .retrying(date):
                stateReason = nil
                nextAttemptAt = date
            case .pending, .posting, .posted, .uncertain:
                stateReason = nil
                nextAttemptAt = nil
            }
        }
    }

    /// Queues the message for posting again. Leaving `uncertain` this way counts a possible duplicate.
    mutating func requeue() {
        if state == .uncertain {
            uncertainReposts += 1
        }
        ledgerState = .pending
    }

    /// An operator hands the message back: queued again with a fresh attempt count (the last error stays
    /// for the record).
    mutating func requeueByOperator() {
        requeue()
        attempts = 0
    }

    func entry(sightings: [Sighting]) -> LedgerEntry {
        LedgerEntry(
            id: entryID,
            key: MessageKey(rawValue: messageKey),
            messageID: messageID,
            subject: subject,
            from: sender,
            ticketID: ticketID,
            noteHash: noteHash.map(NoteHash.init(rawValue:)),
            note: note,
            state: ledgerState,
            attempts: attempts,
            lastError: lastError,
            apiResponse: apiResponse,
            uncertainReposts: uncertainReposts,
            createdAt: createdAt,
            updatedAt: updatedAt,
            postedAt: postedAt,
            sightings: sightings
        )
    }

    private static let sightingsChunkSize = 500

    /// The entries of `records`, in order, each with its sightings. Sightings are fetched a chunk of
    /// entries at a time, to stay under SQLite's limit on query parameters.
    static func entries(_ records: [MessageRecord], in db: Database) throws -> [LedgerEntry] {
        let ids = records.map(\.entryID.rawValue)
        var sightingsByEntry: [Int64: [Sighting]] = [:]
        for start in stride(from: 0, to: ids.count, by: sightingsChunkSize) {
            let chunk = ids[start..<min(start + sightingsChunkSize, ids.count)]
            for record in try SightingRecord.filter(chunk.contains(SightingRecord.Columns.entryID))
                .order(SightingRecord.Columns.id).fetchAll(db) {
                sightingsByEntry[record.entryID, default: []].append(record.sighting)
            }
        }
        return records.map { $0.entry(sightings: sightingsByEntry[$0.entryID.rawValue, default: []]) }
    }

    /// The record with this id, or `LedgerError.notFound`.
    static func fetch(_ id: LedgerEntryID, in db: Database) throws -> MessageRecord {
        guard let record = try fetchOne(db, key: id.rawValue) else { throw LedgerError.notFound(id) }
        return record
    }
}
