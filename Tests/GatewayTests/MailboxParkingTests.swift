import DovecotHarness
import Foundation
import Gateway
import GatewayConfig
import Testing

/// A mailbox whose server refuses its configuration is parked; the other mailboxes and posting go on.
@Suite(.serialized) struct MailboxParkingTests {
    @Test func onceReportsAParkedMailboxAndPostsTheOthers() async throws {
        try await GatewayFixture.with { fixture in
            try fixture.append(email(id: "p1@x", subject: "[#11] First"))
            try fixture.append(email(id: "p2@x", subject: "[#12] Second"))
            let configuration = fixture.configuration(mailboxes: [
                fixture.mailbox(name: "support"),
                fixture.mailbox(name: "locked", passwordFile: try fixture.wrongPasswordFile()),
            ])

            let summary = try await fixture.once(configuration)

            #expect(summary.posted == 2)
            #expect(await fixture.sandbox.account.notes().map(\.ticketID).sorted() == [11, 12])
            #expect(Array(summary.parked.keys) == ["locked INBOX"])
            #expect(summary.parked["locked INBOX"]?.contains("refused the login") == true)
            #expect(!summary.isClean, "a parked mailbox makes `once` exit 1")
            #expect(summary.description.contains("mailbox locked INBOX parked: "))
        }
    }

    @Test func aFolderThatDoesNotExistIsParked() async throws {
        try await GatewayFixture.with { fixture in
            try fixture.append(email(id: "f1@x", subject: "[#21] Folder"))
            let summary = try await fixture.once(fixture.configuration(folders: ["INBOX", "NoSuchFolder"]))

            #expect(summary.posted == 1)
            let reason = try #require(summary.parked["support NoSuchFolder"])
            #expect(reason.contains("refused to open folder NoSuchFolder"))
            #expect(reason.contains("check `folders`"))
            #expect(summary.parked.count == 1)
        }
    }

    @Test func runKeepsPostingWhileAMailboxIsParkedAndTriesItAgain() async throws {
        try await GatewayFixture.with { fixture in
            try fixture.append(email(id: "r1@x", subject: "[#31] Run"))
            let configuration = fixture.configuration(mailboxes: [
                fixture.mailbox(name: "support"),
                fixture.mailbox(name: "locked", passwordFile: try fixture.wrongPasswordFile(),
                                configurationRetrySeconds: 1),
            ])
            let runtime = try GatewayRuntime(configuration: configuration, logger: quietLogger)
            let ended = RunEnd()
            let running = Task {
                do { try await runtime.run() } catch { await ended.record(error) }
                await ended.record(nil)
            }
            defer { running.cancel() }

            _ = try await waitFor("the good mailbox's note") { await fixture.sandbox.account.notes().count }
            _ = try await waitFor("a second refused login after the park interval") {
                fixture.dovecot.log.components(separatedBy: "auth failed").count - 2
            }
            try fixture.append(email(id: "r2@x", subject: "[#32] Still running"))
            _ = try await waitFor("a note posted after the parking") { await fixture.sandbox.account.notes().count - 1 }
            let report = await runtime.health.report(unreachableAfter: 600)

            #expect(await ended.happened == false, "run must not end because one mailbox is parked")
            #expect(!report.isHealthy)
            let problem = try #require(report.problems.first { $0.component == "mailbox locked" })
            #expect(problem.reason.hasPrefix("parked (folder INBOX): "))
            #expect(problem.reason.contains("refused the login"))
            #expect(!report.problems.contains { $0.component == "mailbox support" })
            #expect(await fixture.sandbox.account.notes().map(\.ticketID).sorted() == [31, 32])
            running.cancel()
            _ = await running.result
            await runtime.shutdown()
        }
    }
}

/// Whether (and how) `run` ended.
private actor RunEnd {
    private(set) var happened = false
    private(set) var error: (any Error)?

    func record(_ error: (any Error)?) {
        if happened { return }
        happened = true
        self.error = error
    }
}
