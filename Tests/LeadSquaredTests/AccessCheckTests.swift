import LeadSquared
import LeadSquaredSandbox
import Testing

/// `verifyAccess` reads one ticket to confirm host, tenant and keys, and posts nothing.
@Suite("Checking access")
struct AccessCheckTests {
    @Test("Working settings are granted and nothing is posted")
    func workingSettingsAreGranted() async throws {
        try await SandboxFixture.run { fixture in
            #expect(await fixture.client.verifyAccess(ticketID: 143) == .granted)
            #expect(await fixture.sandbox.account.stats().ticketReads == 1)
            #expect(await fixture.sandbox.account.notes().isEmpty)
        }
    }

    @Test("Wrong keys, a wrong tenant or an unknown ticket are refused with a reason")
    func wrongSettingsAreRefused() async throws {
        let cases: [(configure: @Sendable (inout LeadSquaredClient.Configuration) -> Void, mentions: String)] = [
            ({ $0.accessKey = "someone-elses-key" }, "401"),
            ({ $0.tenantID = "elsewhere" }, "404"),
            ({ _ in }, "does not exist"),
        ]
        for (configure, mentions) in cases {
            try await SandboxFixture.run(sandbox: { $0.knownTickets = [1] }, client: configure) { fixture in
                let check = await fixture.client.verifyAccess(ticketID: 143)
                guard case .refused(let reason) = check else {
                    Issue.record("expected refused, got \(check)")
                    return
                }
                #expect(reason.contains(mentions))
            }
        }
    }

    @Test("A server that does not answer leaves access unknown")
    func unreachableServerIsUnavailable() async throws {
        let stopped = try await SandboxServer.start()
        await stopped.stop()
        let client = try LeadSquaredClient(configuration: SandboxFixture.clientConfiguration(for: stopped))
        let check = await client.verifyAccess(ticketID: 143)
        try await client.shutdown()
        guard case .unavailable = check else {
            Issue.record("expected unavailable, got \(check)")
            return
        }
    }
}
