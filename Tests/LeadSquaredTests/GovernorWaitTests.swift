import NIOConcurrencyHelpers
import Testing

@testable import LeadSquared

/// What the governor tells its `onWait` observer (the gateway's `notegate_rate_governor_wait_seconds_total`).
@Suite("Rate governor waits")
struct GovernorWaitTests {
    @Test("Only a call that had to wait is reported, with the time it waited on the governor's clock")
    func reportsTheWaitOfCallsThatWaited() async throws {
        let clock = ManualClock()
        let waits = NIOLockedValueBox<[Duration]>([])
        let governor = RateGovernor(limit: RateLimit(calls: 1, per: .seconds(5)), clock: clock,
                                    onWait: { wait in waits.withLockedValue { $0.append(wait) } })
        let first = try await governor.acquire()
        #expect(waits.withLockedValue { $0 }.isEmpty, "a call granted at once waited nothing")

        let second = Task { try await governor.acquire() }
        await governor.release(first)
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(5))
        _ = try await second.value

        #expect(waits.withLockedValue { $0 } == [.seconds(5)])
    }
}
