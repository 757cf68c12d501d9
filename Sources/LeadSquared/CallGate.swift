/// What every call to one access key waits on so that all its callers together stay under the account's call
/// limit. ``RateGovernor`` is the gate of one process; a gate kept in a shared database (the PostgreSQL ledger's
/// call slots) holds any number of processes to the limit together.
///
/// The contract is ``CallWindow``'s: a call holds its slot from the grant until one window after its answer
/// arrived, and after a 429 nothing is granted for the pause.
public protocol CallGate: Sendable {
    /// Waits until a call is allowed and returns the right to make it. Throws `CancellationError` when the
    /// waiting task is cancelled, or the gate's own error when it cannot grant at all (its database is gone).
    func acquire() async throws -> CallPermit

    /// Marks the permit's call as ended now: its slot can carry a call again one window later.
    func release(_ permit: CallPermit) async

    /// Grants nothing for `duration` from now: the server said 429, so its window is full.
    func pause(for duration: Duration) async
}

/// The right to make one call, from ``CallGate/acquire()``; hand it back with ``CallGate/release(_:)``.
public struct CallPermit: Sendable, Hashable {
    /// The slot the call holds.
    public let slot: Int
    /// Which grant of that slot this is, for gates that can take a slot back from a call that outlived its hold.
    public let grant: Int64

    public init(slot: Int, grant: Int64 = 0) {
        self.slot = slot
        self.grant = grant
    }
}
