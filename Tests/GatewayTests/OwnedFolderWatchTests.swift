import Foundation
@testable import Gateway
import IMAPSource
import LedgerPostgres
import Logging
import PostgresHarness
import Testing

/// The watcher wrapper on a real PostgreSQL ledger: it watches only while it holds the folder, stops the moment
/// the hold is lost, and takes the folder again once it can.
@Suite struct OwnedFolderWatchTests {
    @Test func aLostHoldCancelsTheWatcherAndTheFolderIsTakenAgain() async throws {
        try await PostgresServer.with { server in
            let ledger = try await PostgresLedger.open(try PostgresLedgerLocation(url: server.url()), owner: "gateway-a")
            var watch = OwnedFolderWatch(key: MailboxKey(account: "support", folder: "INBOX"), ownership: ledger,
                                         actions: nil, logger: quietLogger)
            watch.acquireInterval = .milliseconds(200)
            watch.checkInterval = .milliseconds(100)
            let sessions = WatcherSessions()
            let running = Task {
                try await watch.run {
                    await sessions.started()
                    do {
                        try await Task.sleep(for: .seconds(3_600))
                    } catch {
                        await sessions.cancelled()
                        throw error
                    }
                }
            }
            do {
                try await waitUntil("the watcher runs") { await sessions.starts == 1 }
                // The server ends the session holding the folder (its keepalives found the host gone).
                try server.psql(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'notegate gateway-a'")
                try await waitUntil("the watcher is cancelled") { await sessions.cancellations == 1 }
                try await waitUntil("the folder is taken again and watched") { await sessions.starts == 2 }
                #expect(await ledger.holds(account: "support", folder: "INBOX"))
            } catch {
                running.cancel()
                _ = await running.result
                await ledger.close()
                throw error
            }
            running.cancel()
            _ = await running.result
            #expect(await !ledger.holds(account: "support", folder: "INBOX"), "stopping gives the folder up")
            await ledger.close()
        }
    }
}

private actor WatcherSessions {
    private(set) var starts = 0
    private(set) var cancellations = 0

    func started() { starts += 1 }
    func cancelled() { cancellations += 1 }
}

private func waitUntil(_ what: String, _ condition: () async -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(20)
    while !(await condition()) {
        guard ContinuousClock.now < deadline else {
            Issue.record("gave up waiting after 20 s: \(what)")
            throw WaitTimedOut(what: what)
        }
        try await Task.sleep(for: .milliseconds(50))
    }
}
