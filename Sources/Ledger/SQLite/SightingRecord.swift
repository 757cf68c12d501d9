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
        static let uidValidity = Column(CodingKeys.uidValidity)
        static let uid = Column(CodingKeys.uid)
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

    /// Records the sighting unless this entry was already seen at this place.
    func insertIfNew(_ db: Database) throws {
        try insert(db, onConflict: .ignore)
    }

    /// Every sighting of the entry at this place (one, unless it was recorded under several entries).
    static func at(_ location: MessageLocation) -> QueryInterfaceRequest<SightingRecord> {
        filter(Columns.account == location.account && Columns.folder == location.folder
            && Columns.uidValidity == location.uidValidity && Columns.uid == location.uid)
    }

    /// Makes `action` due on the entry's sighting at `location`, or on every sighting of the entry when
    /// `location` is nil: in the transaction that records the outcome calling for it.
    static func setDueAction(_ action: DueAction, entryID: LedgerEntryID, at location: MessageLocation? = nil,
                             in db: Database) throws {
        var request = filter(Columns.entryID == entryID.rawValue)
        if let location {
            request = request.filter(Columns.account == location.account && Columns.folder == location.folder
                && Columns.uidValidity == location.uidValidity && Columns.uid == location.uid)
        }
        try request.updateAll(db, Columns.dueAction.set(to: action.rawValue))
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

    static func key(_ location: MessageLocation) -> [String: any DatabaseValueConvertible] {
        ["account": location.account, "folder": location.folder, "uidValidity": location.uidValidity,
         "uid": location.uid]
    }
}
