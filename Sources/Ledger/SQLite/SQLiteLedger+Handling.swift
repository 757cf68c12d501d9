import Foundation
import GRDB

/// The poison-message guard: which message is in hand, and how often handling it was interrupted.
extension SQLiteLedger {
    public func beginHandling(_ location: MessageLocation) async throws -> Int {
        let now = clock()
        return try await writeForCrashesOnly { db in try MessageInHandRecord.begin(location, now: now, in: db) }
    }

    public func beginHandling(_ locations: [MessageLocation]) async throws -> Bool {
        let now = clock()
        return try await writeForCrashesOnly { db in
            for location in locations where try MessageInHandRecord.isInHand(location, in: db) {
                return false
            }
            for location in locations {
                try MessageInHandRecord.mark(location, now: now, in: db)
            }
            return true
        }
    }

    public func endHandling(_ location: MessageLocation) async throws {
        try await writeForCrashesOnly { db in
            try MessageInHandRecord.end(location, in: db)
        }
    }

    /// One transaction that must survive a crash of this process but not a power loss: it is committed
    /// to the WAL without waiting for the disk (`synchronous = NORMAL`), so the guard costs the intake no
    /// sync of its own. The next commit that syncs carries it to the disk too.
    func writeForCrashesOnly<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await pool.writeWithoutTransaction { db in
            try db.cachedStatement(sql: "PRAGMA synchronous = NORMAL").execute()
            defer { try? db.cachedStatement(sql: "PRAGMA synchronous = FULL").execute() }
            var result: T?
            try db.inTransaction {
                result = try work(db)
                return .commit
            }
            guard let result else { preconditionFailure("a committed transaction ran its work") }
            return result
        }
    }
}
