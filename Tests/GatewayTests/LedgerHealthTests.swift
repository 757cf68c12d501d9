import Foundation
import Gateway
import GatewayConfig
import PostgresHarness
import Testing

/// `/healthz` names the ledger database when it stops answering; the SQLite file has no such problem.
@Suite struct LedgerHealthTests {
    @Test func aLedgerDatabaseThatStopsAnsweringIsAHealthProblem() async throws {
        try await GatewayFixture.with { fixture in
            try await PostgresServer.with { server in
                var configuration = fixture.configuration()
                configuration.ledger = LedgerSettings(url: server.url(), instance: "health-check")
                let runtime = try await GatewayRuntime.open(configuration: configuration, logger: quietLogger)
                let whileUp = await runtime.ledgerProblem()
                #expect(whileUp == nil, "PostgreSQL is running: \(String(describing: whileUp))")
                server.stop()
                let problem = await runtime.ledgerProblem()
                #expect(problem?.component == "ledger")
                #expect(problem?.reason.contains("does not answer") == true, "\(String(describing: problem))")
                await runtime.shutdown()
            }
        }
    }

    @Test func aSQLiteLedgerIsNeverADatabaseProblem() async throws {
        try await GatewayFixture.with { fixture in
            let runtime = try GatewayRuntime(configuration: fixture.configuration(), logger: quietLogger)
            let problem = await runtime.ledgerProblem()
            #expect(problem == nil)
            await runtime.shutdown()
        }
    }
}
