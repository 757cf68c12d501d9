/// How far a mailbox folder has been read: every UID up to `lastUID` under `uidValidity` is in the
/// ledger. It never moves back within one UIDVALIDITY; a different UIDVALIDITY replaces it.
public struct MailboxCheckpoint: Sendable, Hashable, Codable {
    public var account: String
    public var folder: String
    public var uidValidity: UInt32
    public var lastUID: UInt32

    public init(account: String, folder: String, uidValidity: UInt32, lastUID: UInt32) {
        self.account = account
        self.folder = folder
        self.uidValidity = uidValidity
        self.lastUID = lastUID
    }

    /// The checkpoint after saving `proposed` over `self`: `proposed` if it names another UIDVALIDITY
    /// or a later UID, `self` otherwise.
    func advanced(to proposed: MailboxCheckpoint) -> MailboxCheckpoint {
        proposed.uidValidity != uidValidity || proposed.lastUID > lastUID ? proposed : self
    }
}
