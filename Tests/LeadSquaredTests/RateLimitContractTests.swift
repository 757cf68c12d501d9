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
            let outcomes = await withTaskGroup(of: PostOutcome.self) { group in
                for ticket in 1...12 {
                    group.addTask { await fixture.client.post(NoteRequest(ticketID: ticket, text: "note \(ticket)")) }
                }
                return await group.reduce(into: [PostOutcome]()) { $0.append($1) }
            }
            // 12 calls against a server that refuses a 6th within any second: not one 429 means the governor
            // held them back to 5 a window. How fast the backlog drains is bench-post's figure, not this test's.
            #expect(outcomes.allSatisfy { $0.kind == .posted })
            #expect(await fixture.sandbox.account.stats().rateLimited == 0)
            #expect(Set(await fixture.sandbox.account.notes().map(\.ticketID)) == Set(1...12))
        }
    }

    @Test("A 429 becomes rateLimited, and the governor holds every poster back for a window")
    func rateLimitedPausesTheGovernor() async throws {
        // A 5 s window: the three calls must reach the server within one window for the third to draw the 429,
        // which a loaded machine may not manage within 1 s.
        try await SandboxFixture.run(
            sandbox: { $0.callLimit = .init(calls: 2, per: .seconds(5)) },
            client: { $0.rateLimit = RateLimit(calls: 10, per: .seconds(5)) }
        ) { fixture in
            let note = NoteRequest(ticketID: 143, text: "x")
            #expect(await fixture.client.post(note).kind == .posted)
            #expect(await fixture.client.post(note).kind == .posted)
            // No Retry-After from the sandbox: the pause is the client's window.
            #expect(await fixture.client.post(note) == .rateLimited(retryAfter: .seconds(5)))

            // The server still counts 2 calls in its window: had the governor not held this call until the window
            // passed, it would be a second 429.
            #expect(await fixture.client.post(note).kind == .posted)
            #expect(await fixture.sandbox.account.stats().rateLimited == 1)
        }
    }
}
