import Foundation
import Testing
@testable import Gateway

@Suite struct GatewayHealthTests {
    @Test func healthyUntilSomethingNeedsAPerson() async {
        let health = GatewayHealth()
        #expect(await health.report(unreachableAfter: 600).isHealthy)
    }

    @Test func refusedKeysAreUnhealthyUntilACallSucceeds() async {
        let health = GatewayHealth()
        await health.configurationFailed("401: check the keys")
        let report = await health.report(unreachableAfter: 600)
        #expect(report.problems.map(\.component) == ["leadsquared"])
        #expect(report.problems.first?.reason == "401: check the keys")
        await health.configurationWorks()
        #expect(await health.report(unreachableAfter: 600).isHealthy)
    }

    @Test func aMailboxIsUnhealthyOnlyAfterTheThreshold() async {
        let health = GatewayHealth()
        await health.mailboxUnreachable("support", reason: "connection refused")
        let now = Date()
        #expect(await health.report(unreachableAfter: 600, now: now).isHealthy)
        let later = await health.report(unreachableAfter: 600, now: now.addingTimeInterval(601))
        #expect(later.problems.map(\.component) == ["mailbox support"])
        await health.mailboxReachable("support")
        #expect(await health.report(unreachableAfter: 600, now: now.addingTimeInterval(601)).isHealthy)
    }

    @Test func theFirstFailureTimeIsKept() async throws {
        let health = GatewayHealth()
        await health.configurationFailed("first")
        let since = try #require(await health.configurationFault?.since)
        await health.configurationFailed("second")
        #expect(await health.configurationFault?.since == since)
        #expect(await health.configurationFault?.reason == "first")
    }
}
