/// Why a ledger operation failed. A struct with static members (not an enum) so new failures do not
/// break callers' switches; compare with `==` against the static members.
public struct LedgerError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case inUse(path: String, pid: String?)
        case lockUnavailable(path: String, errno: Int32)
        case cannotCreate(path: String, errno: Int32)
        case missing(path: String)
        case notMigrated(path: String)
        case supersededSchema(path: String)
        case notFound(LedgerEntryID)
        case illegalTransition(LedgerEntryID, from: LedgerState.Name, operation: String)
        case nothingToPost(LedgerEntryID)
    }

    private let code: Code

    private init(_ code: Code) {
        self.code = code
    }

    /// Another process holds the ledger's lock file (`pid` as written in it, when readable).
    public static func inUse(path: String, pid: String?) -> LedgerError {
        LedgerError(.inUse(path: path, pid: pid))
    }

    /// The lock file could not be created or locked for a reason other than another owner.
    public static func lockUnavailable(path: String, errno: Int32) -> LedgerError {
        LedgerError(.lockUnavailable(path: path, errno: errno))
    }

    /// The ledger file did not exist and could not be created.
    public static func cannotCreate(path: String, errno: Int32) -> LedgerError {
        LedgerError(.cannotCreate(path: path, errno: errno))
    }

    /// A read-only open found no ledger file.
    public static func missing(path: String) -> LedgerError {
        LedgerError(.missing(path: path))
    }

    /// A read-only open found a ledger whose schema is older than this notegate's.
    public static func notMigrated(path: String) -> LedgerError {
        LedgerError(.notMigrated(path: path))
    }

    /// The ledger was written by a newer notegate whose migrations this one does not know.
    public static func supersededSchema(path: String) -> LedgerError {
        LedgerError(.supersededSchema(path: path))
    }

    /// No entry has this id.
    public static func notFound(_ id: LedgerEntryID) -> LedgerError {
        LedgerError(.notFound(id))
    }

    /// `operation` is not allowed on an entry in state `from`.
    public static func illegalTransition(_ id: LedgerEntryID, from: LedgerState.Name, operation: String) -> LedgerError {
        LedgerError(.illegalTransition(id, from: from, operation: operation))
    }

    /// The entry has no note text, so it cannot be assigned to a ticket and posted.
    public static func nothingToPost(_ id: LedgerEntryID) -> LedgerError {
        LedgerError(.nothingToPost(id))
    }

    public var description: String {
        switch code {
        case let .inUse(path, pid):
            "ledger \(path) is in use by another notegate process (pid \(pid ?? "unknown")). "
                + "Stop that process first; `notegate ledger list` and `ledger show` can read the ledger while it runs."
        case let .lockUnavailable(path, errno):
            "cannot lock ledger \(path) through \(path).lock (errno \(errno)). "
                + "Check that the ledger's folder exists and is writable by this user."
        case let .cannotCreate(path, errno):
            "cannot create ledger \(path) (errno \(errno)). Check that its folder exists and is writable by this user."
        case let .missing(path):
            "no ledger at \(path). Check the ledger path in the configuration; `notegate run` or `once` creates it."
        case let .notMigrated(path):
            "ledger \(path) was written by an older notegate. Start `notegate run` or `once` once to upgrade it, "
                + "then read it."
        case let .supersededSchema(path):
            "ledger \(path) was written by a newer notegate. Run that version, or restore a backup made before it."
        case let .notFound(id):
            "no ledger entry \(id). `notegate ledger list` shows the entries."
        case let .illegalTransition(id, from, operation):
            "cannot \(operation) ledger entry \(id): it is \(from.rawValue)."
        case let .nothingToPost(id):
            "ledger entry \(id) has no note to post (the message had no text and no attachments, or could not be parsed)."
        }
    }
}
