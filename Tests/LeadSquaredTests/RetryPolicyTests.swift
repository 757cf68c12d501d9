import LeadSquared
import Testing

@Suite("Retry policy")
struct RetryPolicyTests {
    let policy = RetryPolicy(base: .seconds(2), cap: .seconds(60), maxAttempts: 4)

    @Test("The ceiling doubles from the base and stops at the cap")
    func ceilingDoublesUpToTheCap() {
        #expect((1...7).map { policy.ceiling(afterAttempt: $0) }
            == [.seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(32), .seconds(60), .seconds(60)])
        #expect(policy.ceiling(afterAttempt: 10_000) == .seconds(60))
    }

    @Test("Delays are jittered across the whole range below the ceiling")
    func delaysSpreadBelowTheCeiling() {
        var generator = SplitMix(seed: 42)
        let delays = (0..<1_000).map { _ in policy.delay(afterAttempt: 3, using: &generator) }
        #expect(delays.allSatisfy { $0 >= .zero && $0 <= .seconds(8) })
        #expect(delays.contains { $0 < .seconds(1) })
        #expect(delays.contains { $0 > .seconds(7) })
    }

    @Test("Retries stop after the last attempt")
    func retriesStop() {
        #expect([1, 2, 3, 4].map(policy.allowsRetry(afterAttempt:)) == [true, true, true, false])
    }
}
