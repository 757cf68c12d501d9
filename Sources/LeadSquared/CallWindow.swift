/// The bookkeeping behind ``RateGovernor``, free of clocks and waiting so it can be tested by itself.
///
/// There are as many slots as calls allowed per window. A call holds its slot from the moment it is granted
/// until one window after its answer arrived. The server sees each call somewhere between those two moments,
/// so two calls sharing a slot always reach it at least one window apart and the server never counts more
/// than the limit in any window, whatever the network latency. The cost is one round trip per window.
struct CallWindow: Sendable {
    /// What a caller asking for a slot at some moment has to do.
    enum Claim: Equatable {
        /// Make the call now, in this slot.
        case granted(slot: Int)
        /// Ask again at this moment.
        case wait(until: Duration)
        /// Every slot carries a call: ask again when one is released.
        case waitForRelease
    }

    private enum Slot {
        case inFlight
        case idle(reusableAt: Duration)
    }

    let window: Duration
    private var slots: [Slot]
    private var pausedUntil = Duration.zero

    /// Times are durations since some fixed origin, the same for every call.
    init(limit: RateLimit) {
        window = limit.window
        slots = Array(repeating: .idle(reusableAt: .zero), count: limit.calls)
    }

    /// Grants a slot if one is free at `now`, or says how long to wait.
    mutating func claim(at now: Duration) -> Claim {
        if now < pausedUntil { return .wait(until: pausedUntil) }
        var earliest: Duration?
        for (index, slot) in slots.enumerated() {
            guard case .idle(let reusableAt) = slot else { continue }
            if reusableAt <= now {
                slots[index] = .inFlight
                return .granted(slot: index)
            }
            earliest = min(earliest ?? reusableAt, reusableAt)
        }
        return earliest.map { .wait(until: $0) } ?? .waitForRelease
    }

    /// Frees a slot whose call ended at `now`; it can carry a call again one window later.
    mutating func release(slot: Int, at now: Duration) {
        slots[slot] = .idle(reusableAt: now + window)
    }

    /// Grants nothing before `moment` (after a 429).
    mutating func pause(until moment: Duration) {
        pausedUntil = max(pausedUntil, moment)
    }
}
