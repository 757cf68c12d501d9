/// Why opening or using a PostgreSQL ledger failed, in words an operator can act on.
public struct PostgresLedgerError: Error, Hashable, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }

    /// `ledger.url` cannot be used.
    public static func invalidURL(url: String, problem: String) -> PostgresLedgerError {
        PostgresLedgerError("ledger.url \(url) cannot be used: \(problem)")
    }

    /// The database holds migrations this notegate does not know: a newer notegate wrote it.
    public static func supersededSchema(location: String, unknown: [String]) -> PostgresLedgerError {
        PostgresLedgerError("the ledger database \(location) was migrated by a newer notegate "
            + "(unknown migrations: \(unknown.joined(separator: ", "))); run that version or newer")
    }

    /// The database lacks migrations (a read-only check found it not set up).
    public static func notMigrated(location: String, missing: [String]) -> PostgresLedgerError {
        PostgresLedgerError("the ledger database \(location) lacks migrations \(missing.joined(separator: ", ")); "
            + "start `notegate run` or `notegate once` once: it migrates the database")
    }

    /// The server could not be reached or refused the login.
    public static func unreachable(location: String, error: any Error) -> PostgresLedgerError {
        PostgresLedgerError("cannot use the ledger database \(location): \(String(reflecting: error)); "
            + "check that PostgreSQL is running, the URL, the password and sslmode")
    }
}

extension PostgresLedgerError {
    /// Another running notegate uses this instance name on the same ledger.
    public static func instanceNameInUse(owner: String, location: String) -> PostgresLedgerError {
        PostgresLedgerError(Self.instanceNameInUsePrefix + "\(owner) on the ledger database "
            + "\(location); give each instance its own `ledger.instance` (or leave it unset: host name and pid)")
    }

    private static let instanceNameInUsePrefix = "another running notegate uses the instance name "

    var isInstanceNameInUse: Bool { description.hasPrefix(Self.instanceNameInUsePrefix) }

    /// Another instance has claimed the entry for posting.
    public static func claimedElsewhere(entry: Int64, owner: String) -> PostgresLedgerError {
        PostgresLedgerError("ledger entry \(entry) is claimed for posting by instance \(owner); "
            + "it is not this instance's to post until the claim expires")
    }
}
