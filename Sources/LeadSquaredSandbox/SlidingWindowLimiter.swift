import LeadSquared

/// The server side of the call limit: remembers when each key's recent calls were allowed and refuses a call
/// when the key already had the limit's worth within the last window.
struct SlidingWindowLimiter {
    let limit: RateLimit
    private var allowed: [String: [ContinuousClock.Instant]] = [:]

    init(limit: RateLimit) {
        self.limit = limit
    }

    /// Whether `key` may make a call at `now`; an allowed call is counted, a refused one is not.
    mutating func allow(key: String, at now: ContinuousClock.Instant) -> Bool {
        var recent = allowed[key, default: []].filter { now - $0 < limit.window }
        defer { allowed[key] = recent }
        guard recent.count < limit.calls else { return false }
        recent.append(now)
        return true
    }

    /// The documented 429 message, with this limit's numbers.
    var exceededMessage: String {
        let seconds = limit.window / .seconds(1)
        let window = seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
        return "API calls exceeded the limit of \(limit.calls) in \(window) second(s)"
    }
}
