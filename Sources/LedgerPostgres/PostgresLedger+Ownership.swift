import Ledger

/// Folder ownership through the instance's own database session (see `OwnershipSession`): a session advisory
/// lock per folder, released by PostgreSQL when the session ends, so a killed instance's folders are free at once.
extension PostgresLedger: FolderOwnership {
    public var isShared: Bool { true }

    public func acquire(account: String, folder: String) async throws -> FolderAcquisition {
        let key = OwnershipSession.Folder(account: account, folder: folder)
        do {
            if try await ownershipSession.acquire(key) { return .owned }
            return .ownedElsewhere(owner: try await ownershipSession.recordedOwner(of: key))
        } catch let error as PostgresLedgerError {
            throw error
        } catch {
            throw PostgresLedgerError.unreachable(location: location.description, error: error)
        }
    }

    public func holds(account: String, folder: String) async -> Bool {
        await ownershipSession.holds(OwnershipSession.Folder(account: account, folder: folder))
    }

    public func release(account: String, folder: String) async {
        await ownershipSession.release(OwnershipSession.Folder(account: account, folder: folder))
    }
}
