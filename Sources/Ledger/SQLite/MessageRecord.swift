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

    // MARK: - Rows, read and written by hand
    //
    // The writer reads and writes a row per message on every batch: written out here rather than through
    // Codable and the query builder, each statement prepared once per connection (`cachedStatement`), so
    // that the ledger costs the intake little beside the disk.

    /// Every column but `id`, in the order of `storedValues`.
    private static let storedColumns = [
        "messageKey", "messageID", "subject", "sender", "ticketID", "noteHash", "note", "state", "stateReason",
        "nextAttemptAt", "attempts", "lastError", "apiResponse", "uncertainReposts", "createdAt", "updatedAt",
        "postedAt",
    ]
    private static let insertSQL = "INSERT INTO \(databaseTableName) (\(storedColumns.joined(separator: ", "))) VALUES ("
        + Array(repeating: "?", count: storedColumns.count).joined(separator: ", ") + ")"
    private static let updateSQL = "UPDATE \(databaseTableName) SET "
        + storedColumns.map { "\($0) = ?" }.joined(separator: ", ") + " WHERE id = ?"
    private static let byIDSQL = "SELECT * FROM \(databaseTableName) WHERE id = ?"
    private static let byKeySQL = "SELECT * FROM \(databaseTableName) WHERE messageKey = ?"

    private var storedValues: [DatabaseValue] {
        [messageKey.databaseValue, messageID.databaseValue, subject.databaseValue, sender.databaseValue,
         ticketID.databaseValue, noteHash.databaseValue, note.databaseValue, state.rawValue.databaseValue,
         stateReason.databaseValue, nextAttemptAt.ledgerDatabaseValue, attempts.databaseValue,
         lastError.databaseValue, apiResponse.databaseValue, uncertainReposts.databaseValue,
         LedgerTimestamp.databaseValue(createdAt), LedgerTimestamp.databaseValue(updatedAt),
         postedAt.ledgerDatabaseValue]
    }

    init(row: Row) throws {
        id = row["id"]
        messageKey = row["messageKey"]
        messageID = row["messageID"]
        subject = row["subject"]
        sender = row["sender"]
        ticketID = row["ticketID"]
        noteHash = row["noteHash"]
        note = row["note"]
        let stateName: String = row["state"]
        guard let state = LedgerState.Name(rawValue: stateName) else {
            throw UnreadableLedgerRow("messages row \(id.map(String.init) ?? "?") has state '\(stateName)', which this notegate does not know")
        }
        self.state = state
        stateReason = row["stateReason"]
        nextAttemptAt = row["nextAttemptAt"]
        attempts = row["attempts"]
        lastError = row["lastError"]
        apiResponse = row["apiResponse"]
        uncertainReposts = row["uncertainReposts"]
        createdAt = row["createdAt"]
        updatedAt = row["updatedAt"]
        postedAt = row["postedAt"]
    }

    func encode(to container: inout PersistenceContainer) {
        container["id"] = id
        for (column, value) in zip(Self.storedColumns, storedValues) {
            container[column] = value
        }
    }

    /// The row with this message key, if any.
    static func fetch(key: MessageKey, in db: Database) throws -> MessageRecord? {
        try fetchOne(db.cachedStatement(sql: byKeySQL), arguments: [key.rawValue])
    }

    /// Inserts the row and sets `id`.
    mutating func insertRow(_ db: Database) throws {
        try db.cachedStatement(sql: Self.insertSQL).execute(arguments: StatementArguments(storedValues))
        id = db.lastInsertedRowID
    }

    /// Writes every column of the row with this `id`.
    func updateRow(_ db: Database) throws {
        try db.cachedStatement(sql: Self.updateSQL).execute(arguments: StatementArguments(storedValues + [entryID.rawValue.databaseValue]))
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
        if records.count == 1 {
            // The posting transitions return one entry each: one prepared statement, not a query built anew.
            return [records[0].entry(sightings: try SightingRecord.sightings(of: records[0].entryID, in: db))]
        }
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
        guard let record = try fetchOne(db.cachedStatement(sql: byIDSQL), arguments: [id.rawValue]) else {
            throw LedgerError.notFound(id)
        }
        return record
    }
}

/// A ledger row this notegate cannot read: a value outside what its schema allows.
struct UnreadableLedgerRow: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
