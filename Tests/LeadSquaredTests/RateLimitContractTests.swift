import LeadSquared
import LeadSquaredSandbox
import Testing

/// The governor against the sandbox's limiter over real HTTP, on a small window to keep the suite fast.
@Suite("Posting at the rate limit")
struct RateLimitContractTests {
    @Test("A backlog posted through the governor drains at the limit without a single 429")
    func governedBacklogNeverTripsTheLimit() async throws {
        try await SandboxFixture.run(
            sandbox: { $0.callLimit = .init(calls: 5, per: .seconds(1)) },
            client: { $0.rateLimit = RateLimit(calls: 5, per: .seconds(1)) }
        ) { fixture in
            let started = ContinuousClock.now
            let outcomes = await withTaskGroup(of: PostOutcome.self) { group in
                for ticket in 1...12 {
                    group.addTask { await fixture.client.post(NoteRequest(ticketID: ticket, text: "note \(ticket)")) }
                }
                return await group.reduce(into: [PostOutcome]()) { $0.append($1) }
            }
            let elapsed = ContinuousClock.now - started
            #expect(outcomes.allSatisfy { $0.kind == .posted })
            #expect(await fixture.sandbox.account.stats().rateLimited == 0)
            #expect(Set(await fixture.sandbox.account.notes().map(\.ticketID)) == Set(1...12))
            // 5 at once, 5 a window later, 2 a window after that.
            #expect(elapsed >= .seconds(2))
            #expect(elapsed < .seconds(4))
        }
    }

    @Test("A 429 becomes rateLimited, and the governor holds every poster back for a window")
    func rateLimitedPausesTheGovernor() async throws {
        try await SandboxFixture.run(
            sandbox: { $0.callLimit = .init(calls: 2, per: .seconds(1)) },
            client: { $0.rateLimit = RateLimit(calls: 10, per: .seconds(1)) }
        ) { fixture in
            let note = NoteRequest(ticketID: 143, text: "x")
            #expect(await fixture.client.post(note).kind == .posted)
            #expect(await fixture.client.post(note).kind == .posted)
            #expect(await fixture.client.post(note) == .rateLimited(retryAfter: .seconds(1)))

            let paused = ContinuousClock.now
            #expect(await fixture.client.post(note).kind == .posted)
            #expect(ContinuousClock.now - paused >= .milliseconds(900))
            #expect(await fixture.sandbox.account.stats().rateLimited == 1)
        }
    }
}
