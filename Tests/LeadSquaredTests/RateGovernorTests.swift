import Testing

@testable import LeadSquared

/// The governor's bookkeeping and waiting, on a clock the tests move by hand.
@Suite("Rate governor")
struct RateGovernorTests {
    @Test("A window grants its calls at once, then waits one window after the first call ended")
    func callWindowGrantsThenWaits() {
        var calls = CallWindow(limit: RateLimit(calls: 2, per: .seconds(5)))
        #expect(calls.claim(at: .zero) == .granted(slot: 0))
        #expect(calls.claim(at: .zero) == .granted(slot: 1))
        #expect(calls.claim(at: .zero) == .waitForRelease)
        calls.release(slot: 1, at: .milliseconds(200))
        #expect(calls.claim(at: .seconds(1)) == .wait(until: .milliseconds(5_200)))
        #expect(calls.claim(at: .milliseconds(5_200)) == .granted(slot: 1))
    }

    @Test("A slot is reused a full window after its call ended, not after it started")
    func slotCountsFromTheAnswer() {
        var calls = CallWindow(limit: RateLimit(calls: 1, per: .seconds(5)))
        #expect(calls.claim(at: .zero) == .granted(slot: 0))
        calls.release(slot: 0, at: .seconds(2))
        #expect(calls.claim(at: .seconds(5)) == .wait(until: .seconds(7)))
    }

    @Test("A pause holds back even free slots")
    func pauseHoldsBackFreeSlots() {
        var calls = CallWindow(limit: RateLimit(calls: 3, per: .seconds(1)))
        calls.pause(until: .seconds(4))
        #expect(calls.claim(at: .seconds(1)) == .wait(until: .seconds(4)))
        calls.pause(until: .seconds(2))
        #expect(calls.claim(at: .seconds(3)) == .wait(until: .seconds(4)))
        #expect(calls.claim(at: .seconds(4)) == .granted(slot: 0))
    }

    @Test("No window ever holds more calls than the limit, whatever the timing")
    func neverMoreThanTheLimitInAWindow() {
        let limit = RateLimit(calls: 5, per: .seconds(1))
        var calls = CallWindow(limit: limit)
        var generator = SplitMix(seed: 7)
        var grants: [Duration] = []
        var inFlight: [(slot: Int, ends: Duration)] = []
        var now = Duration.zero
        while grants.count < 200 {
            now += .milliseconds(Int.random(in: 0...50, using: &generator))
            for call in inFlight where call.ends <= now { calls.release(slot: call.slot, at: call.ends) }
            inFlight.removeAll { $0.ends <= now }
            while case .granted(let slot) = calls.claim(at: now) {
                grants.append(now)
                inFlight.append((slot, now + .milliseconds(Int.random(in: 1...300, using: &generator))))
            }
        }
        for (index, grant) in grants.enumerated() {
            let inWindow = grants[index...].prefix { $0 - grant < limit.window }
            #expect(inWindow.count <= limit.calls)
        }
    }

    @Test("The governor waits on its clock until a slot is free again")
    func governorWaitsOnItsClock() async throws {
        let clock = ManualClock()
        let governor = RateGovernor(limit: RateLimit(calls: 1, per: .seconds(5)), clock: clock)
        let first = try await governor.acquire()
        let second = Task { try await governor.acquire() }
        await governor.release(first)
        await clock.waitForSleepers(1)
        #expect(clock.sleeperCount == 1)

        clock.advance(by: .milliseconds(4_999))
        await clock.waitForSleepers(1)
        #expect(clock.sleeperCount == 1)

        clock.advance(by: .milliseconds(1))
        _ = try await second.value
        #expect(clock.now.offset == .seconds(5))
    }

    @Test("After a 429 the governor grants nothing for the pause")
    func governorPauses() async throws {
        let clock = ManualClock()
        let governor = RateGovernor(limit: RateLimit(calls: 5, per: .seconds(5)), clock: clock)
        await governor.pause(for: .seconds(5))
        let waiting = Task { try await governor.acquire() }
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(4))
        await clock.waitForSleepers(1)
        #expect(clock.sleeperCount == 1)
        clock.advance(by: .seconds(1))
        _ = try await waiting.value
    }

    @Test("A poster cancelled while waiting gives up without taking a slot")
    func cancelledWaiterGivesUp() async throws {
        let clock = ManualClock()
        let governor = RateGovernor(limit: RateLimit(calls: 1, per: .seconds(5)), clock: clock)
        let held = try await governor.acquire()
        let waiting = Task { try await governor.acquire() }
        await Task.yield()
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        await governor.release(held)
        clock.advance(by: .seconds(5))
        _ = try await governor.acquire()
    }
}

/// A small seeded generator, so a randomised test replays the same way.
struct SplitMix: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
