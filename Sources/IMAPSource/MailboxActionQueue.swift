/// The final outcomes of messages the pipeline answered `.deferred` for, waiting for their mailbox
/// action. One per watched folder: the pipeline calls `settle` once it knows how a message ended
/// (a queued note was posted, say), and the folder's `MailboxWatcher` applies the configured action
/// on its own connection, promptly even while it is idling.
public actor MailboxActionQueue {
    /// One settled message, in the order `settle` was called.
    struct Settled: Sendable {
        var uid: UInt32
        var uidValidity: UInt32
        var outcome: MessageOutcome
    }

    private var queue: [Settled] = []
    /// Wakes the watcher from IDLE or its poll wait; set by the watcher for each connection.
    private var wakeWatcher: @Sendable () -> Void = {}

    public init() {}

    /// Queues the action for `outcome` (`.posted`, `.skipped` or `.failed`; `.deferred` settles
    /// nothing and is ignored) on message `uid` of the folder under `uidValidity`, and wakes the
    /// watcher to apply it. An entry whose UIDVALIDITY the folder no longer has is dropped.
    public func settle(uid: UInt32, uidValidity: UInt32, outcome: MessageOutcome) {
        guard outcome != .deferred else { return }
        queue.append(Settled(uid: uid, uidValidity: uidValidity, outcome: outcome))
        wakeWatcher()
    }

    /// Settled messages whose action has been neither applied nor dropped yet.
    public var pendingCount: Int { queue.count }

    /// The oldest entry not applied yet. It stays queued until `removeFirst`, so that an entry
    /// whose action failed with the connection is applied after the reconnect.
    var first: Settled? { queue.first }

    func removeFirst() {
        queue.removeFirst()
    }

    func onSettle(_ wake: @escaping @Sendable () -> Void) {
        wakeWatcher = wake
    }
}
