/// How long the pipeline waits before trying a note again after a `transient` outcome: exponential backoff
/// with full jitter (a uniformly random wait between zero and `min(cap, base × 2^(attempt−1))`), so many
/// gateways that failed together do not come back together. After `maxAttempts` tries the note is dead-lettered.
public struct RetryPolicy: Sendable, Hashable {
    /// The ceiling of the first wait. Default 2 s.
    public var base: Duration
    /// The largest ceiling any wait can have. Default 5 minutes.
    public var cap: Duration
    /// Tries in all, the first included, before a note that keeps failing transiently is dead-lettered. Default 8.
    public var maxAttempts: Int

    public init(base: Duration = .seconds(2), cap: Duration = .seconds(300), maxAttempts: Int = 8) {
        self.base = base
        self.cap = cap
        self.maxAttempts = maxAttempts
    }

    /// Whether a note whose try number `attempt` (counting from 1) failed transiently should be tried again.
    public func allowsRetry(afterAttempt attempt: Int) -> Bool {
        attempt < maxAttempts
    }

    /// The wait before the next try, after try number `attempt` (counting from 1) failed.
    public func delay(afterAttempt attempt: Int) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(afterAttempt: attempt, using: &generator)
    }

    /// The wait before the next try, drawing the jitter from `generator` (tests pass a seeded one).
    public func delay(afterAttempt attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = self.ceiling(afterAttempt: attempt)
        guard ceiling > .zero else { return .zero }
        return .seconds(Double.random(in: 0...ceiling / .seconds(1), using: &generator))
    }

    /// The largest wait after try number `attempt`: `min(cap, base × 2^(attempt−1))`.
    public func ceiling(afterAttempt attempt: Int) -> Duration {
        // Doubling in floating point cannot overflow; the cap bounds the result.
        let exponential = base / .seconds(1) * pow2(max(0, attempt - 1))
        return .seconds(min(cap / .seconds(1), exponential))
    }

    private func pow2(_ exponent: Int) -> Double {
        Double(sign: .plus, exponent: min(exponent, 1000), significand: 1)
    }
}
