import Foundation
import GRDB

/// A row of `sightings`: one place a message was seen. The same place seen again adds nothing.
struct SightingRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "sightings"

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let entryID = Column(CodingKeys.entryID)
        static let account = Column(CodingKeys.account)
        static let folder = Column(CodingKeys.folder)
        static let dueAction = Column(CodingKeys.dueAction)
    }

    var id: Int64?
    var entryID: Int64
    var account: String
    var folder: String
    var uidValidity: UInt32
    var uid: UInt32
    var seenAt: Date
    var dueAction: DueAction?

    init(entryID: LedgerEntryID, location: MessageLocation, seenAt: Date) {
        self.entryID = entryID.rawValue
        account = location.account
        folder = location.folder
        uidValidity = location.uidValidity
        uid = location.uid
        self.seenAt = seenAt
    }

    var location: MessageLocation {
        MessageLocation(account: account, folder: folder, uidValidity: uidValidity, uid: uid)
    }

    var sighting: Sighting {
        Sighting(location: location, seenAt: seenAt, dueAction: dueAction)
    }

    init(row: Row) throws {
        id = row["id"]
        entryID = row["entryID"]
        account = row["account"]
        folder = row["folder"]
        uidValidity = row["uidValidity"]
        uid = row["uid"]
        seenAt = row["seenAt"]
        let action: String? = row["dueAction"]
        dueAction = try action.map { name in
            guard let action = DueAction(rawValue: name) else {
                throw UnreadableLedgerRow("sightings row \(id.map(String.init) ?? "?") has due action '\(name)', which this notegate does not know")
            }
            return action
        }
    }

    func encode(to container: inout PersistenceContainer) {
        container["id"] = id
        container["entryID"] = entryID
        container["account"] = account
        container["folder"] = folder
        container["uidValidity"] = uidValidity
        container["uid"] = uid
        container["seenAt"] = LedgerTimestamp.databaseValue(seenAt)
        container["dueAction"] = dueAction?.rawValue
    }

    private static let insertIfNewSQL = """
        INSERT OR IGNORE INTO \(databaseTableName) (entryID, account, folder, uidValidity, uid, seenAt)
        VALUES (?, ?, ?, ?, ?, ?)
        """
    private static let byEntrySQL = "SELECT * FROM \(databaseTableName) WHERE entryID = ? ORDER BY id"
    private static let setDueActionSQL = "UPDATE \(databaseTableName) SET dueAction = ? WHERE entryID = ?"
    private static let setDueActionAtSQL = """
        UPDATE \(databaseTableName) SET dueAction = ?
        WHERE entryID = ? AND account = ? AND folder = ? AND uidValidity = ? AND uid = ?
        """
    private static let clearAppliedActionSQL = """
        UPDATE \(databaseTableName) SET dueAction = NULL
        WHERE account = ? AND folder = ? AND uidValidity = ? AND uid = ? AND dueAction = ?
        """

    /// Records the sighting unless this entry was already seen at this place.
    func insertIfNew(_ db: Database) throws {
        try db.cachedStatement(sql: Self.insertIfNewSQL).execute(arguments: [
            entryID, account, folder, uidValidity, uid, LedgerTimestamp.databaseValue(seenAt),
        ])
    }

    /// The entry's sightings, in the order they were recorded.
    static func sightings(of entryID: LedgerEntryID, in db: Database) throws -> [Sighting] {
        try fetchAll(db.cachedStatement(sql: byEntrySQL), arguments: [entryID.rawValue]).map(\.sighting)
    }

    /// Clears `action` at `location` once the watcher applied it; an action recorded there meanwhile stays due.
    static func clearAppliedAction(_ action: DueAction, at location: MessageLocation, in db: Database) throws {
        try db.cachedStatement(sql: clearAppliedActionSQL).execute(arguments: [
            location.account, location.folder, location.uidValidity, location.uid, action.rawValue,
        ])
    }

    /// Makes `action` due on the entry's sighting at `location`, or on every sighting of the entry when
    /// `location` is nil: in the transaction that records the outcome calling for it.
    static func setDueAction(_ action: DueAction, entryID: LedgerEntryID, at location: MessageLocation? = nil,
                             in db: Database) throws {
        if let location {
            try db.cachedStatement(sql: setDueActionAtSQL).execute(arguments: [
                action.rawValue, entryID.rawValue, location.account, location.folder, location.uidValidity, location.uid,
            ])
        } else {
            try db.cachedStatement(sql: setDueActionSQL).execute(arguments: [action.rawValue, entryID.rawValue])
        }
    }
}

/// A row of `messagesInHand`: a message the watcher handed to the pipeline whose outcome is not recorded
/// yet. A row still there when the same message is handed over again means the process died while
/// handling it; `interruptions` counts how often.
struct MessageInHandRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "messagesInHand"

    var account: String
    var folder: String
    var uidValidity: UInt32
    var uid: UInt32
    var interruptions: Int
    var startedAt: Date

    private static let keyCondition = "account = ? AND folder = ? AND uidValidity = ? AND uid = ?"
    private static let interruptionsSQL = "SELECT interruptions FROM \(databaseTableName) WHERE \(keyCondition)"
    private static let insertSQL = """
        INSERT INTO \(databaseTableName) (account, folder, uidValidity, uid, interruptions, startedAt)
        VALUES (?, ?, ?, ?, 0, ?)
        """
    private static let interruptedSQL = """
        UPDATE \(databaseTableName) SET interruptions = ?, startedAt = ? WHERE \(keyCondition)
        """
    private static let deleteSQL = "DELETE FROM \(databaseTableName) WHERE \(keyCondition)"

    private static func arguments(_ location: MessageLocation) -> StatementArguments {
        [location.account, location.folder, location.uidValidity, location.uid]
    }

    /// Marks in hand a message known not to be in hand.
    static func mark(_ location: MessageLocation, now: Date, in db: Database) throws {
        try db.cachedStatement(sql: insertSQL).execute(arguments: arguments(location) + [LedgerTimestamp.databaseValue(now)])
    }

    /// Marks the message in hand, and returns how often handling it was interrupted before: 0 the first time.
    static func begin(_ location: MessageLocation, now: Date, in db: Database) throws -> Int {
        let stamp = LedgerTimestamp.databaseValue(now)
        guard let before = try Int.fetchOne(db.cachedStatement(sql: interruptionsSQL), arguments: arguments(location)) else {
            try db.cachedStatement(sql: insertSQL).execute(arguments: arguments(location) + [stamp])
            return 0
        }
        let interruptions = before + 1
        try db.cachedStatement(sql: interruptedSQL).execute(arguments: [interruptions, stamp] + arguments(location))
        return interruptions
    }

    /// Whether the message is marked in hand.
    static func isInHand(_ location: MessageLocation, in db: Database) throws -> Bool {
        try Int.fetchOne(db.cachedStatement(sql: interruptionsSQL), arguments: arguments(location)) != nil
    }

    /// Clears the message's in-hand mark, if it has one.
    static func end(_ location: MessageLocation, in db: Database) throws {
        try db.cachedStatement(sql: deleteSQL).execute(arguments: arguments(location))
    }
}
