import Foundation
import GRDB

/// A row of `messages`: one per message key (the columns shared with the other backends are `StoredMessage`).
typealias MessageRecord = StoredMessage

/// The `messages` columns the queries filter and sort on.
enum MessageColumns {
    static let id = Column("id")
    static let messageID = Column("messageID")
    static let ticketID = Column("ticketID")
    static let state = Column("state")
    static let nextAttemptAt = Column("nextAttemptAt")
    static let createdAt = Column("createdAt")
}

extension StoredMessage: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "messages"

    public mutating func didInsert(_ inserted: InsertionSuccess) {
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

    public init(row: Row) throws {
        let id: Int64 = row["id"]
        let stateName: String = row["state"]
        guard let state = LedgerState.Name(rawValue: stateName) else {
            throw UnreadableLedgerRow("messages row \(id) has state '\(stateName)', which this notegate does not know")
        }
        self.init(id: id, messageKey: row["messageKey"], messageID: row["messageID"], subject: row["subject"],
                  sender: row["sender"], ticketID: row["ticketID"], noteHash: row["noteHash"], note: row["note"],
                  state: state, stateReason: row["stateReason"], nextAttemptAt: row["nextAttemptAt"],
                  attempts: row["attempts"], lastError: row["lastError"], apiResponse: row["apiResponse"],
                  uncertainReposts: row["uncertainReposts"], createdAt: row["createdAt"], updatedAt: row["updatedAt"],
                  postedAt: row["postedAt"])
    }

    public func encode(to container: inout PersistenceContainer) {
        container["id"] = id == 0 ? nil : id
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
