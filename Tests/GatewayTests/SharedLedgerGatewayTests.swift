import DovecotHarness
import Foundation
import Gateway
import GatewayConfig
import LedgerPostgres
import PostgresHarness
import Testing

/// Two gateways on one PostgreSQL ledger, a real Dovecot and the sandbox: one of them watches the folder, either
/// posts, the folder's owner files every message whoever posted it, and when the owner dies the other one takes
/// the folder over.
@Suite(.serialized) struct SharedLedgerGatewayTests {
    @Test func theOwnerFilesNotesTheOtherPostedAndTheSurvivorTakesTheFolderOver() async throws {
        try await GatewayFixture.with { fixture in
            try await PostgresServer.with { server in
                // A watches the folder first; its API keys are refused, so every note is B's to post.
                let wrongKey = fixture.directory.appendingPathComponent("wrong-key")
                try Data("not-the-secret".utf8).write(to: wrongKey)
                var configurationA = fixture.configuration(secretKeyFile: wrongKey.path)
                // Nothing but the check for due actions wakes A once it has read the mail: no sweep in the test.
                configurationA.mailboxes[0].sweepIntervalSeconds = 1_500
                configurationA.ledger = LedgerSettings(url: server.url(), instance: "gateway-a")
                var configurationB = fixture.configuration()
                configurationB.ledger = LedgerSettings(url: server.url(), instance: "gateway-b")

                let ledgerA = try await PostgresLedger.open(try PostgresLedgerLocation(url: server.url()),
                                                            owner: "gateway-a")
                let watchOfA = WatchProgress()
                let a = try GatewayRuntime(configuration: configurationA, logger: quietLogger, ledger: ledgerA,
                                           observer: { await watchOfA.note($0) })
                let b = try await GatewayRuntime.open(configuration: configurationB, logger: quietLogger)
                let runningA = Task { try await a.run() }
                var runningB: Task<Void, any Error>?
                // Both runtimes are stopped and shut down however the test ends.
                func stop() async {
                    runningA.cancel()
                    runningB?.cancel()
                    _ = await runningA.result
                    _ = await runningB?.result
                    await b.shutdown()
                    await a.shutdown()
                }
                do {
                    try await waitUntil("gateway-a watches INBOX") { try server.folderOwner() == "gateway-a" }
                    for ticket in 1...3 {
                        try fixture.append(email(id: "shared-\(ticket)@x", subject: "[#\(ticket)] Shared"))
                    }
                    // B starts once A has recorded the three and waits for new mail: from then on only A's check
                    // for due actions can make it file them.
                    try await waitUntil("gateway-a recorded the three messages and idles") {
                        await watchOfA.caughtUpWithRecorded >= 3
                    }
                    runningB = Task { try await b.run() }
                    try await waitUntil("gateway-b posted the three notes") {
                        await fixture.sandbox.account.notes().count == 3
                    }
                    // A checks for due actions every 2 s; without that check nothing wakes it for minutes.
                    try await waitUntil("gateway-a filed the three messages gateway-b posted", within: .seconds(20)) {
                        try fixture.dovecot.flags(in: "INBOX").isEmpty
                    }
                    #expect(try server.folderOwner() == "gateway-a", "B never watched the folder A holds")

                    // A dies: its database sessions end without a word, and it does nothing more.
                    await ledgerA.abandon()
                    runningA.cancel()
                    _ = await runningA.result
                    try await waitUntil("gateway-b takes INBOX over", within: .seconds(30)) {
                        try server.folderOwner() == "gateway-b"
                    }
                    for ticket in 4...5 {
                        try fixture.append(email(id: "shared-\(ticket)@x", subject: "[#\(ticket)] After the takeover"))
                    }
                    try await waitUntil("gateway-b read, posted and filed the new mail") {
                        let posted = await fixture.sandbox.account.notes().count == 5
                        return try posted && fixture.dovecot.flags(in: "INBOX").isEmpty
                    }
                    #expect(await fixture.sandbox.account.notes().map(\.ticketID).sorted() == [1, 2, 3, 4, 5])
                } catch {
                    await stop()
                    throw error
                }
                await stop()
            }
        }
    }
}

extension SharedLedgerGatewayTests {
    @Test func oncePassesOverAFolderAnotherInstanceWatchesAndSaysSo() async throws {
        try await GatewayFixture.with { fixture in
            try await PostgresServer.with { server in
                try fixture.append(email(id: "elsewhere@x", subject: "[#8] Watched elsewhere"))
                let location = try PostgresLedgerLocation(url: server.url())
                let running = try await PostgresLedger.open(location, owner: "gateway-1")
                #expect(try await running.acquire(account: "support", folder: "INBOX") == .owned)
                var configuration = fixture.configuration()
                configuration.ledger = LedgerSettings(url: server.url(), instance: "once")
                let runtime = try await GatewayRuntime.open(configuration: configuration, logger: quietLogger)
                let summary: RunSummary
                do {
                    summary = try await runtime.runOnce()
                } catch {
                    await runtime.shutdown()
                    await running.close()
                    throw error
                }
                await runtime.shutdown()
                #expect(summary.ownedElsewhere == ["support INBOX": "gateway-1"])
                #expect(summary.description.contains("mailbox support INBOX skipped: watched by instance gateway-1"))
                #expect(summary.isClean, "a folder another instance watches is not a fault")
                #expect(await fixture.sandbox.account.notes().isEmpty, "the pass read nothing from INBOX")
                #expect(try fixture.dovecot.flags(in: "INBOX").count == 1)

                // Once that instance stops, the next pass reads the folder.
                await running.close()
                let again = try await GatewayRuntime.open(configuration: configuration, logger: quietLogger)
                let second: RunSummary
                do {
                    second = try await again.runOnce()
                } catch {
                    await again.shutdown()
                    throw error
                }
                await again.shutdown()
                #expect(second.ownedElsewhere.isEmpty && second.posted == 1)
                #expect(try fixture.dovecot.flags(in: "INBOX").isEmpty)
            }
        }
    }
}

/// How far a runtime's watcher got: the messages recorded when it last caught up.
private actor WatchProgress {
    private var recorded = 0
    private(set) var caughtUpWithRecorded = 0

    func note(_ event: GatewayEvent) {
        switch event {
        case .recorded: recorded += 1
        case .watcher(_, .caughtUp): caughtUpWithRecorded = recorded
        case .watcher, .posted: break
        }
    }
}

extension PostgresServer {
    /// The instance `folder_owners` names for the harness mailbox's INBOX, or "" when none.
    func folderOwner() throws -> String {
        try psql("SELECT owner FROM folder_owners WHERE account = 'support' AND folder = 'INBOX'")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Polls `condition` every 100 ms; records a failed expectation and throws when it is still false after `within`.
private func waitUntil(_ what: String, within limit: Duration = .seconds(60),
               _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while !(try await condition()) {
        guard ContinuousClock.now < deadline else {
            Issue.record("gave up waiting after \(limit): \(what)")
            throw WaitTimedOut(what: what)
        }
        try await Task.sleep(for: .milliseconds(100))
    }
}
