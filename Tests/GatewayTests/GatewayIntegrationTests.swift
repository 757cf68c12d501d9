import DovecotHarness
import Foundation
import Gateway
import GatewayConfig
import LeadSquaredSandbox
import Ledger
import Testing

/// The whole gateway against a real Dovecot, the sandbox API over HTTP and a real SQLite ledger.
@Suite(.serialized) struct GatewayIntegrationTests {
    @Test func oncePostsEachEligibleMessageOnceAndFilesEveryMessage() async throws {
        try await GatewayFixture.with { fixture in
            try fixture.append(email(id: "a@x", subject: "[#143] Printer"))
            try fixture.append(email(id: "b@x", subject: "Re: [#0144] Scanner"))
            try fixture.append(email(id: "c@x", subject: "No tag at all"))
            try fixture.append(email(id: "d@x", subject: "Automatic reply: [#143] Printer",
                                     extraHeaders: ["Auto-Submitted: auto-replied"]))

            let summary = try await fixture.once(fixture.configuration())
            #expect(summary.posted == 2)
            #expect(summary.skipped == ["no-ticket": 1, "auto-reply": 1])
            #expect(summary.isClean)

            let notes = await fixture.sandbox.account.notes()
            #expect(notes.map(\.ticketID).sorted() == [143, 144])
            #expect(notes.allSatisfy { $0.text.contains("The printer on floor 3 is fixed.") })
            let folders = try fixture.dovecot.folders()
            #expect(try fixture.dovecot.flags(in: "INBOX").isEmpty)
            #expect(folders.contains { $0.hasSuffix("posted") })
            #expect(folders.contains { $0.hasSuffix("skipped") })
        }
    }

    @Test func aSecondPassPostsNothingAgain() async throws {
        try await GatewayFixture.with { fixture in
            let configuration = fixture.configuration()
            try fixture.append(email(id: "once@x", subject: "[#7] Once"))
            _ = try await fixture.once(configuration)
            try fixture.append(email(id: "once@x", subject: "[#7] Once"), to: "INBOX")
            let second = try await fixture.once(configuration)
            #expect(second.posted == 0)
            #expect(second.alreadySeen == 1)
            #expect(await fixture.sandbox.account.notes().count == 1)
        }
    }

    @Test func startFromNewRecordsExistingMailAsBeforeStart() async throws {
        try await GatewayFixture.with { fixture in
            try fixture.append(email(id: "old@x", subject: "[#1] Old"))
            let configuration = fixture.configuration(startFrom: .new)
            let first = try await fixture.once(configuration)
            #expect(first.skipped == ["before-start": 1])
            try fixture.append(email(id: "new@x", subject: "[#2] New"))
            let second = try await fixture.once(configuration)
            #expect(second.posted == 1)
            #expect(await fixture.sandbox.account.notes().map(\.ticketID) == [2])
        }
    }

    @Test func replyWithoutTagFollowsItsThread() async throws {
        try await GatewayFixture.with { fixture in
            let configuration = fixture.configuration()
            try fixture.append(email(id: "parent@x", subject: "[#55] Case"))
            _ = try await fixture.once(configuration)
            try fixture.append(email(id: "child@x", subject: "Re: Case", extraHeaders: ["In-Reply-To: <parent@x>"]))
            _ = try await fixture.once(configuration)
            #expect(await fixture.sandbox.account.notes().map(\.ticketID) == [55, 55])
        }
    }

    @Test func plusAddressRoutesWithoutATag() async throws {
        try await GatewayFixture.with { fixture in
            try fixture.append(email(id: "plus@x", subject: "Fwd: vendor answer", to: "notes+321@support.example"))
            _ = try await fixture.once(fixture.configuration(gatewayAddresses: ["notes@support.example"]))
            #expect(await fixture.sandbox.account.notes().map(\.ticketID) == [321])
        }
    }

    @Test func wrongKeysFailThePassAndKeepEveryMessagePending() async throws {
        try await GatewayFixture.with { fixture in
            let wrongKey = fixture.directory.appendingPathComponent("wrong-key")
            try Data("not-the-secret".utf8).write(to: wrongKey)
            try fixture.append(email(id: "k@x", subject: "[#9] Keys"))
            await #expect(throws: GatewaySetupError.self) {
                try await fixture.once(fixture.configuration(secretKeyFile: wrongKey.path))
            }
            let counts = try await fixture.readLedger().counts()
            #expect(counts[.pending] == 1)
            #expect(counts[.dead] == 0)
            #expect(await fixture.sandbox.account.notes().isEmpty)
        }
    }

    @Test func serverErrorsAreRetriedUntilPosted() async throws {
        var sandbox = SandboxConfiguration()
        sandbox.faults = SandboxFaults(failureRate: 1) // every call a 500 until the first one is seen
        try await GatewayFixture.with(sandbox: sandbox) { fixture in
            for index in 0..<6 { try fixture.append(email(id: "r\(index)@x", subject: "[#\(index + 1)] Retry")) }
            let pass = Task { try await fixture.once(fixture.configuration(maxAttempts: 20)) }
            let failedCalls = try await waitFor("a 500 from the sandbox") {
                await fixture.sandbox.account.stats().failed
            }
            try await fixture.sandbox.account.setFaults(SandboxFaults())
            let summary = try await pass.value

            #expect(failedCalls >= 1)
            #expect(summary.retried >= 1, "a note answered 500 is retried")
            #expect(summary.posted == 6)
            #expect(summary.dead == 0)
            #expect(Set(await fixture.sandbox.account.notes().map(\.ticketID)) == Set(1...6))
            #expect(await fixture.sandbox.account.notes().count == 6)
        }
    }
}

extension GatewayIntegrationTests {
    @Test func aNoteTheAPIRejectsIsDeadAndThePassIsNotClean() async throws {
        var sandbox = SandboxConfiguration()
        sandbox.knownTickets = [1]
        try await GatewayFixture.with(sandbox: sandbox) { fixture in
            try fixture.append(email(id: "ok@x", subject: "[#1] Exists"))
            try fixture.append(email(id: "typo@x", subject: "[#2] No such ticket"))
            let summary = try await fixture.once(fixture.configuration())
            #expect(summary.posted == 1)
            #expect(summary.dead == 1)
            #expect(!summary.isClean)
            let dead = try await fixture.readLedger().list(LedgerFilter(state: .dead))
            #expect(dead.map(\.ticketID) == [2])
            #expect(try fixture.dovecot.flags(in: "INBOX").count == 1,
                    "a dead note's message stays in INBOX (failed: keep)")
        }
    }
}
