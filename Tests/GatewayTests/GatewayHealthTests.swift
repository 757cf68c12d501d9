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

    @Test func aParkedMailboxIsUnhealthyAtOnceUntilItsFolderConnects() async {
        let health = GatewayHealth()
        await health.mailboxParked("billing", folder: "INBOX", reason: "the server refused the login")
        await health.mailboxParked("billing", folder: "Vendors", reason: "no such folder")
        let report = await health.report(unreachableAfter: 600)
        #expect(report.problems.map(\.component) == ["mailbox billing", "mailbox billing"])
        #expect(report.problems.map(\.reason) == ["parked (folder INBOX): the server refused the login",
                                                  "parked (folder Vendors): no such folder"])
        #expect(await health.parkedFolderCount("billing") == 2)
        await health.mailboxReachable("billing", folder: "INBOX")
        #expect(await health.report(unreachableAfter: 600).problems.map(\.reason)
            == ["parked (folder Vendors): no such folder"])
        await health.mailboxReachable("billing", folder: "Vendors")
        #expect(await health.report(unreachableAfter: 600).isHealthy)
        #expect(await health.parkedFolderCount("billing") == 0)
    }

    @Test func parkingAgainForTheSameReasonKeepsItsStart() async throws {
        let health = GatewayHealth()
        await health.mailboxParked("billing", folder: "INBOX", reason: "refused")
        let since = try #require(await health.report(unreachableAfter: 600).problems.first?.since)
        await health.mailboxParked("billing", folder: "INBOX", reason: "refused")
        #expect(await health.report(unreachableAfter: 600).problems.first?.since == since)
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
