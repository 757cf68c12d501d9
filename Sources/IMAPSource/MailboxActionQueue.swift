/// A message whose outcome is known and whose mailbox action is due: what `MailboxActionQueue` holds.
public struct SettledAction: Sendable, Equatable {
    public var uid: UInt32
    public var uidValidity: UInt32
    /// `.posted`, `.skipped` or `.failed`.
    public var outcome: MessageOutcome

    public init(uid: UInt32, uidValidity: UInt32, outcome: MessageOutcome) {
        self.uid = uid
        self.uidValidity = uidValidity
        self.outcome = outcome
    }
}

/// Where the settled outcomes of one folder wait for their action when they must survive a restart:
/// the ledger, for the gateway, which records each with the outcome itself in one transaction.
public protocol SettledActionStore: Sendable {
    /// The outcomes whose action has not been applied yet, oldest first.
    func settledActions() async throws -> [SettledAction]
    /// These actions were applied, or dropped (a UIDVALIDITY the folder no longer has): forget them.
    func actionsApplied(_ actions: [SettledAction]) async throws
}

/// The outcomes of one watched folder waiting for their mailbox action, and the bell that tells its
/// `MailboxWatcher` to apply them: at the start of each pass, after each batch, and as soon as it
/// rings, even while the watcher is idling.
///
/// With a `SettledActionStore` (the gateway's ledger) the outcomes are durable: the pipeline records
/// them with the outcome and calls `wake()`, and an action interrupted by a crash is applied after the
/// restart. Without one (`notegate fetch`, tests) they live in memory and arrive through `settle`.
public actor MailboxActionQueue {
    private let store: (any SettledActionStore)?
    private var queue: [SettledAction] = []
    /// Wakes the watcher from IDLE or its poll wait; set by the watcher for each connection.
    private var wakeWatcher: @Sendable () -> Void = {}

    /// Outcomes held in memory, queued with `settle`.
    public init() {
        store = nil
    }

    /// Outcomes kept in `store`; `wake()` says a new one is there.
    public init(durable store: any SettledActionStore) {
        self.store = store
    }

    /// Queues the action for `outcome` (`.posted`, `.skipped` or `.failed`; `.deferred` settles
    /// nothing and is ignored) on message `uid` of the folder under `uidValidity`, and wakes the
    /// watcher to apply it. An entry whose UIDVALIDITY the folder no longer has is dropped. For a queue
    /// in memory; a durable queue's outcomes are recorded in its store.
    public func settle(uid: UInt32, uidValidity: UInt32, outcome: MessageOutcome) {
        guard outcome != .deferred else { return }
        queue.append(SettledAction(uid: uid, uidValidity: uidValidity, outcome: outcome))
        wakeWatcher()
    }

    /// An outcome was recorded in the durable store: the watcher applies its action now.
    public func wake() {
        wakeWatcher()
    }

    /// Settled messages whose action has been neither applied nor dropped yet.
    public var pendingCount: Int {
        get async throws { try await pending().count }
    }

    /// The entries not applied yet, oldest first. They stay until `applied`, so that an entry whose
    /// action failed with the connection is applied after the reconnect (or the restart).
    func pending() async throws -> [SettledAction] {
        if let store { return try await store.settledActions() }
        return queue
    }

    func applied(_ actions: [SettledAction]) async throws {
        guard !actions.isEmpty else { return }
        if let store {
            try await store.actionsApplied(actions)
        } else {
            queue.removeAll { actions.contains($0) }
        }
    }

    func onSettle(_ wake: @escaping @Sendable () -> Void) {
        wakeWatcher = wake
    }
}
