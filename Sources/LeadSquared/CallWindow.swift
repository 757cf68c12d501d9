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

    /// An idle slot and the moment it can carry a call again.
    private struct IdleSlot {
        var reusableAt: Duration
        var slot: Int

        /// Earlier first; among slots reusable at the same moment, the lower number.
        func precedes(_ other: IdleSlot) -> Bool {
            (reusableAt, slot) < (other.reusableAt, other.slot)
        }
    }

    let window: Duration
    /// The idle slots as a binary min-heap on ``IdleSlot/precedes(_:)``: a claim looks only at the first one, so
    /// a limit of thousands of calls per window costs no more per call than one of 25. Slots carrying a
    /// call are in none.
    private var idle: [IdleSlot]
    /// Whether each slot carries a call: a slot released twice is idle once.
    private var carrying: [Bool]
    private var pausedUntil = Duration.zero

    /// Times are durations since some fixed origin, the same for every call.
    init(limit: RateLimit) {
        window = limit.window
        // In slot order, every one reusable at once: already a heap.
        idle = (0..<limit.calls).map { IdleSlot(reusableAt: .zero, slot: $0) }
        carrying = Array(repeating: false, count: limit.calls)
    }

    /// Grants a slot if one is free at `now`, or says how long to wait.
    mutating func claim(at now: Duration) -> Claim {
        if now < pausedUntil { return .wait(until: pausedUntil) }
        guard let first = idle.first else { return .waitForRelease }
        guard first.reusableAt <= now else { return .wait(until: first.reusableAt) }
        removeFirst()
        carrying[first.slot] = true
        return .granted(slot: first.slot)
    }

    /// Frees a slot whose call ended at `now`; it can carry a call again one window later.
    mutating func release(slot: Int, at now: Duration) {
        guard carrying.indices.contains(slot), carrying[slot] else { return }
        carrying[slot] = false
        insert(IdleSlot(reusableAt: now + window, slot: slot))
    }

    /// Grants nothing before `moment` (after a 429).
    mutating func pause(until moment: Duration) {
        pausedUntil = max(pausedUntil, moment)
    }

    private mutating func insert(_ slot: IdleSlot) {
        idle.append(slot)
        var child = idle.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard idle[child].precedes(idle[parent]) else { break }
            idle.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func removeFirst() {
        let last = idle.removeLast()
        guard !idle.isEmpty else { return }
        idle[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var first = parent
            if left < idle.count, idle[left].precedes(idle[first]) { first = left }
            if right < idle.count, idle[right].precedes(idle[first]) { first = right }
            guard first != parent else { return }
            idle.swapAt(parent, first)
            parent = first
        }
    }
}
