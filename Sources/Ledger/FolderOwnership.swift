/// Which notegate instance watches each mailbox folder when several instances share one ledger: exactly one at
/// a time, so two instances never read, move or flag the same folder's mail. A folder whose owner dies is taken
/// over by another instance, which resumes from the ledger's shared checkpoint.
public protocol FolderOwnership: Sendable {
    /// Whether other instances may share the ledger: then a folder can be owned elsewhere, and a mailbox action
    /// due in a folder this instance owns can be recorded by another instance (which posted the note).
    var isShared: Bool { get }

    /// Takes `folder` of `account` for this instance unless another live instance holds it. Taking a folder
    /// this instance already holds is `.owned`. Throws when the ledger cannot be asked (then nobody knows).
    func acquire(account: String, folder: String) async throws -> FolderAcquisition

    /// Whether this instance still holds the folder: false once the hold is lost (the ledger connection that
    /// held it broke), when another instance may already have taken it over.
    func holds(account: String, folder: String) async -> Bool

    /// Gives the folder up, so that another instance can take it at once.
    func release(account: String, folder: String) async
}

/// What asking for a folder came to.
public enum FolderAcquisition: Sendable, Hashable {
    /// This instance holds the folder now.
    case owned
    /// Another live instance holds it; `owner` is its name when the ledger knows it.
    case ownedElsewhere(owner: String?)
}

/// The ownership of a ledger only one process can open (the SQLite file, locked with `flock`): that process
/// owns every folder.
public struct SoleOwnership: FolderOwnership {
    public init() {}

    public var isShared: Bool { false }

    public func acquire(account: String, folder: String) async throws -> FolderAcquisition { .owned }

    public func holds(account: String, folder: String) async -> Bool { true }

    public func release(account: String, folder: String) async {}
}
