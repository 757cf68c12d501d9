/// How far a mailbox folder has been read: every UID up to `lastUID` under `uidValidity` is in the
/// ledger. It never moves back within one UIDVALIDITY; a different UIDVALIDITY replaces it.
/// `startUID` is the first-start boundary (messages below it were in the folder before notegate
/// first read it, and are skipped `before-start`): the first checkpoint saved under a UIDVALIDITY
/// fixes it, so that a crash during the first pass cannot move it.
public struct MailboxCheckpoint: Sendable, Hashable, Codable {
    public var account: String
    public var folder: String
    public var uidValidity: UInt32
    public var lastUID: UInt32
    /// 0 when every message counts.
    public var startUID: UInt32

    public init(account: String, folder: String, uidValidity: UInt32, lastUID: UInt32, startUID: UInt32 = 0) {
        self.account = account
        self.folder = folder
        self.uidValidity = uidValidity
        self.lastUID = lastUID
        self.startUID = startUID
    }

    /// The checkpoint after saving `proposed` over `self`: `proposed` if it names another
    /// UIDVALIDITY; otherwise `self`, moved to `proposed.lastUID` if that is later, keeping its
    /// `startUID`.
    func advanced(to proposed: MailboxCheckpoint) -> MailboxCheckpoint {
        guard proposed.uidValidity == uidValidity else { return proposed }
        var next = self
        next.lastUID = max(lastUID, proposed.lastUID)
        return next
    }
}
