/// Keeps every poster of one process that uses one access key under the account's call limit, so a backlog
/// drains at the ceiling (25 calls per 5 s: 5 notes/s) without a 429. Share one governor among all clients of
/// a key; several processes sharing a key need a ``CallGate`` they share (the PostgreSQL ledger's call slots).
///
/// Ask for a ``Permit`` before each call and release it when the answer (or the failure) is in; a call
/// keeps its slot until one window after it ended (see ``CallWindow``). After a 429, ``pause(for:)`` stops
/// all grants for a whole window. Waiting is on the injected clock, so tests can drive it by hand.
public actor RateGovernor<C: Clock>: CallGate where C.Duration == Duration {
    /// The right to make one call; hand it back with ``RateGovernor/release(_:)``.
    public typealias Permit = CallPermit

    private let clock: C
    private let origin: C.Instant
    private var calls: CallWindow
    private var releaseWaiters: [Int: CheckedContinuation<Void, any Error>] = [:]
    private var nextWaiter = 0
    private let onWait: (@Sendable (Duration) -> Void)?

    /// The window length, also the pause after a 429.
    public nonisolated let window: Duration

    /// `onWait` is told, as each call that had to wait is granted, how long it waited (for metrics).
    public init(limit: RateLimit, clock: C, onWait: (@Sendable (Duration) -> Void)? = nil) {
        self.clock = clock
        self.onWait = onWait
        origin = clock.now
        calls = CallWindow(limit: limit)
        window = limit.window
    }

    private var elapsed: Duration { origin.duration(to: clock.now) }

    /// Waits until a call is allowed. Throws `CancellationError` if the waiting task is cancelled.
    public func acquire() async throws -> Permit {
        let asked = clock.now
        var waited = false
        while true {
            try Task.checkCancellation()
            switch calls.claim(at: elapsed) {
            case .granted(let slot):
                if waited { onWait?(asked.duration(to: clock.now)) }
                return Permit(slot: slot)
            case .wait(let moment):
                waited = true
                try await clock.sleep(until: origin.advanced(by: moment), tolerance: nil)
            case .waitForRelease:
                waited = true
                try await waitForRelease()
            }
        }
    }

    /// Marks the permit's call as ended now.
    public func release(_ permit: Permit) {
        calls.release(slot: permit.slot, at: elapsed)
        let waiters = releaseWaiters.values
        releaseWaiters.removeAll()
        for waiter in waiters { waiter.resume() }
    }

    /// Grants nothing for `duration` from now: the server said 429, so its window is full.
    public func pause(for duration: Duration) {
        calls.pause(until: elapsed + duration)
    }

    private func waitForRelease() async throws {
        let id = nextWaiter
        nextWaiter += 1
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                releaseWaiters[id] = continuation
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    private func cancelWaiter(_ id: Int) {
        releaseWaiters.removeValue(forKey: id)?.resume(throwing: CancellationError())
    }
}

extension RateGovernor where C == ContinuousClock {
    /// A governor on the real clock.
    public init(limit: RateLimit, onWait: (@Sendable (Duration) -> Void)? = nil) {
        self.init(limit: limit, clock: ContinuousClock(), onWait: onWait)
    }
}
