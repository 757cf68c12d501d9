import Foundation
import GRDB

/// A row of `sightings`: one place a message was seen. The same place seen again adds nothing.
struct SightingRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "sightings"

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let entryID = Column(CodingKeys.entryID)
    }

    var id: Int64?
    var entryID: Int64
    var account: String
    var folder: String
    var uidValidity: UInt32
    var uid: UInt32
    var seenAt: Date

    init(entryID: LedgerEntryID, location: MessageLocation, seenAt: Date) {
        self.entryID = entryID.rawValue
        account = location.account
        folder = location.folder
        uidValidity = location.uidValidity
        uid = location.uid
        self.seenAt = seenAt
    }

    var sighting: Sighting {
        Sighting(
            location: MessageLocation(account: account, folder: folder, uidValidity: uidValidity, uid: uid),
            seenAt: seenAt
        )
    }

    /// Records the sighting unless this entry was already seen at this place.
    func insertIfNew(_ db: Database) throws {
        try insert(db, onConflict: .ignore)
    }
}
