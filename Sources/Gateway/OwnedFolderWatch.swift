import IMAPSource
import Ledger
import Logging

/// One folder's watcher, run only while this instance owns the folder, when several instances share the
/// ledger: take the folder, watch it, stop watching the moment the hold is lost, and keep asking for it while
/// another instance has it, so the folder of an instance that died is taken over and read on from the shared
/// checkpoint. While it watches, the mailbox actions other instances record for the folder (they posted its
/// notes) are picked up every `checkInterval`, without waiting for new mail.
///
/// With a ledger only one process opens (SQLite, `SoleOwnership`) the watcher simply runs.
struct OwnedFolderWatch: Sendable {
    let key: MailboxKey
    let ownership: any FolderOwnership
    /// The folder's durable action queue, woken when an action recorded elsewhere is due here.
    let actions: MailboxActionQueue?
    let logger: Logger
    /// How often a folder another instance owns is asked for again.
    var acquireInterval: Duration = .seconds(5)
    /// How often the hold and the folder's due mailbox actions are checked while watching.
    var checkInterval: Duration = .seconds(2)

    /// Until cancelled or `watch` ends: runs `watch` whenever this instance holds the folder. `watch` is
    /// cancelled when the hold is lost, and started again once the folder is taken again.
    func run(_ watch: @escaping @Sendable () async throws -> Void) async throws {
        guard ownership.isShared else { return try await watch() }
        var lastRefusal: String?
        while true {
            let refusal: String
            do {
                switch try await ownership.acquire(account: key.account, folder: key.folder) {
                case .owned:
                    lastRefusal = nil
                    logger.info("this instance watches the folder")
                    if try await watchWhileHeld(watch) { return }
                    logger.warning("""
                        this instance lost its hold on the folder and stopped watching it; it asks for it again \
                        every \(acquireInterval)
                        """)
                    continue
                case .ownedElsewhere(let owner):
                    refusal = "the folder is watched by instance \(owner ?? "(unknown)"); "
                        + "this instance takes it over if that one stops"
                }
            } catch let error where !(error is CancellationError) {
                refusal = "cannot ask the ledger who watches the folder: \(error)"
            }
            if refusal != lastRefusal {
                logger.info("\(refusal)")
                lastRefusal = refusal
            }
            try await Task.sleep(for: acquireInterval)
        }
    }

    /// One pass (`notegate once`): runs `watch` if the folder can be taken now, and returns `.owned` once it
    /// ends (the pass cancels it). A folder another instance holds, now or from the moment the hold is lost, is
    /// left to that instance: `.ownedElsewhere`.
    func runOnce(_ watch: @escaping @Sendable () async throws -> Void) async throws -> FolderAcquisition {
        guard ownership.isShared else {
            try await watch()
            return .owned
        }
        let acquisition = try await ownership.acquire(account: key.account, folder: key.folder)
        guard acquisition == .owned else { return acquisition }
        return try await watchWhileHeld(watch) ? .owned : .ownedElsewhere(owner: nil)
    }

    /// Runs `watch` until it ends (true) or the hold is lost (false, `watch` cancelled); gives the folder up
    /// either way, and when cancelled.
    private func watchWhileHeld(_ watch: @escaping @Sendable () async throws -> Void) async throws -> Bool {
        do {
            let ended = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try await watch()
                    return true
                }
                group.addTask {
                    try await self.checkWhileHeld()
                    return false
                }
                let ended = try await group.next() ?? true
                group.cancelAll()
                return ended
            }
            await ownership.release(account: key.account, folder: key.folder)
            return ended
        } catch {
            await ownership.release(account: key.account, folder: key.folder)
            throw error
        }
    }

    /// Returns once the hold is lost; meanwhile wakes the watcher when mailbox actions are due in the folder
    /// (another instance may have recorded them).
    private func checkWhileHeld() async throws {
        while true {
            try await Task.sleep(for: checkInterval)
            guard await ownership.holds(account: key.account, folder: key.folder) else { return }
            if let actions, (try? await actions.pendingCount) ?? 0 > 0 {
                await actions.wake()
            }
        }
    }
}

extension GatewayRuntime {
    /// Who watches which folder: the PostgreSQL ledger arbitrates between instances; a SQLite ledger has one.
    var folderOwnership: any FolderOwnership {
        (ledger as? any FolderOwnership) ?? SoleOwnership()
    }

    /// `watch` (the watcher of `key`) run only while this instance owns the folder, until the gateway stops.
    func watchWhileOwned(_ key: MailboxKey, _ watch: @escaping @Sendable () async throws -> Void) async throws {
        try await ownedFolderWatch(key).run(watch)
    }

    /// `watch` run for a single pass if the folder can be taken now; a folder another instance watches is
    /// skipped for this pass, logged and reported in the summary.
    func watchOnceIfOwned(_ key: MailboxKey, _ watch: @escaping @Sendable () async throws -> Void) async throws {
        guard case .ownedElsewhere(let owner) = try await ownedFolderWatch(key).runOnce(watch) else { return }
        logger.warning("this pass skips a folder another instance watches",
                       metadata: ["mailbox": "\(key.account)", "folder": "\(key.folder)",
                                  "instance": "\(owner ?? "(unknown)")"])
        await tally.ownedElsewhere(key, owner: owner)
    }

    private func ownedFolderWatch(_ key: MailboxKey) -> OwnedFolderWatch {
        var logger = logger.child("notegate.ownership")
        logger[metadataKey: "mailbox"] = "\(key.account)"
        logger[metadataKey: "folder"] = "\(key.folder)"
        return OwnedFolderWatch(key: key, ownership: folderOwnership, actions: actionQueues[key], logger: logger)
    }
}
