import Foundation
import Glibc
import Ledger
import LedgerPostgres
import PostgresHarness
import Testing

/// Several instances on one PostgreSQL ledger: each folder has one owner at a time and passes to another
/// instance the moment its owner's session ends; due posts are claimed by one instance only.
@Suite struct SharedLedgerTests {
    @Test func onlyOneInstanceOwnsAFolder() async throws {
        try await PostgresServer.with { server in
            let fixture = try LedgerFixture()
            let a = try await fixture.openPostgres(url: server.url(), owner: "instance-a")
            let b = try await fixture.openPostgres(url: server.url(), owner: "instance-b")
            #expect(try await a.acquire(account: "support", folder: "INBOX") == .owned)
            #expect(try await a.acquire(account: "support", folder: "INBOX") == .owned, "taking it again is a no-op")
            #expect(try await b.acquire(account: "support", folder: "INBOX") == .ownedElsewhere(owner: "instance-a"))
            #expect(try await b.acquire(account: "support", folder: "Billing") == .owned)
            #expect(try await b.acquire(account: "sales", folder: "INBOX") == .owned, "another account's INBOX")
            #expect(await a.holds(account: "support", folder: "INBOX"))
            #expect(await !b.holds(account: "support", folder: "INBOX"))
            // Given up, it is the other's at once; and A, having taken it twice, gave it up entirely.
            await a.release(account: "support", folder: "INBOX")
            #expect(await !a.holds(account: "support", folder: "INBOX"))
            #expect(try await b.acquire(account: "support", folder: "INBOX") == .owned)
            #expect(try await a.acquire(account: "support", folder: "INBOX") == .ownedElsewhere(owner: "instance-b"))
            await b.close()
            await a.close()
        }
    }

    @Test func aStoppedInstancesFoldersAreTakenOverAtOnce() async throws {
        try await PostgresServer.with { server in
            let fixture = try LedgerFixture()
            let a = try await fixture.openPostgres(url: server.url(), owner: "instance-a")
            let b = try await fixture.openPostgres(url: server.url(), owner: "instance-b")
            #expect(try await a.acquire(account: "support", folder: "INBOX") == .owned)
            #expect(try await b.acquire(account: "support", folder: "INBOX") != .owned)
            // A stops as a killed process does: its sessions end, nothing is given back first.
            await a.abandon()
            // The server releases the locks as the session's backend exits, a moment after the socket closes. The
            // limit only leaves a loaded machine time for that: it stays below the 25 s the session's keepalives
            // would take to end a session whose host vanished, and the 30 s instance lease.
            try await waitUntil("B takes the folder over", within: .seconds(20)) {
                (try? await b.acquire(account: "support", folder: "INBOX")) == .owned
            }
            await b.close()
        }
    }

    @Test func anInstanceWhoseSessionTheServerEndedStopsOwningAndAnotherTakesOver() async throws {
        try await PostgresServer.with { server in
            let fixture = try LedgerFixture()
            let a = try await fixture.openPostgres(url: server.url(), owner: "instance-a")
            let b = try await fixture.openPostgres(url: server.url(), owner: "instance-b")
            #expect(try await a.acquire(account: "support", folder: "INBOX") == .owned)
            // The server ends A's ownership session (as it does when A's host stops answering its keepalives).
            let ended = try server.psql(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'notegate instance-a'")
            #expect(ended.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
            try await waitUntil("A notices that it lost the folder") {
                await !a.holds(account: "support", folder: "INBOX")
            }
            #expect(try await b.acquire(account: "support", folder: "INBOX") == .owned)
            // A's next request opens a new session; the folder is B's now.
            #expect(try await a.acquire(account: "support", folder: "INBOX") == .ownedElsewhere(owner: "instance-b"))
            await b.close()
            await a.close()
        }
    }

    @Test func aFolderHeldByAKilledProcessIsFreeWithinThirtySeconds() async throws {
        try await PostgresServer.with { server in
            let fixture = try LedgerFixture()
            let b = try await fixture.openPostgres(url: server.url(), owner: "instance-b")
            // Another process holds the folder's lock through its own session, idle as an instance's ownership
            // session is between its checks, and is killed with SIGKILL.
            let holder = try PsqlHolder(server: server, sql: """
                SELECT pg_advisory_lock(hashtextextended(E'notegate folder\\nsupport\\nINBOX', 0));
                """)
            defer { holder.kill() }
            try await waitUntil("the other process holds the folder") {
                (try? server.psql("""
                    SELECT count(*) FROM pg_locks JOIN pg_stat_activity USING (pid)
                    WHERE application_name = 'holder' AND locktype = 'advisory' AND granted
                    """).trimmingCharacters(in: .whitespacesAndNewlines)) == "1"
            }
            #expect(try await b.acquire(account: "support", folder: "INBOX") == .ownedElsewhere(owner: nil))
            holder.kill()
            try await waitUntil("B takes the folder over", within: .seconds(30)) {
                (try? await b.acquire(account: "support", folder: "INBOX")) == .owned
            }
            await b.close()
        }
    }

    @Test func twoRunningInstancesCannotShareAName() async throws {
        try await PostgresServer.with { server in
            let fixture = try LedgerFixture()
            let first = try await fixture.openPostgres(url: server.url(), owner: "gateway-1")
            let error = await #expect(throws: PostgresLedgerError.self) {
                try await PostgresLedger.open(try PostgresLedgerLocation(url: server.url()), owner: "gateway-1",
                                              instanceNameWait: .seconds(2))
            }
            #expect(error?.description.contains("instance name gateway-1") == true)
            // Killed, its name is free at once for its restart.
            await first.abandon()
            let restarted = try await fixture.openPostgres(url: server.url(), owner: "gateway-1")
            await restarted.close()
        }
    }

    @Test func twoInstancesClaimingConcurrentlyNeverTakeTheSameEntry() async throws {
        try await PostgresServer.with { server in
            let fixture = try LedgerFixture()
            let a = try await fixture.openPostgres(url: server.url(), owner: "instance-a")
            let b = try await fixture.openPostgres(url: server.url(), owner: "instance-b")
            let requests = (0..<200).map {
                RecordRequest(sighting: sighting("claim-\($0)@vendor.example", uid: UInt32($0 + 1)),
                              decision: .post(ticketID: 143, note: note))
            }
            _ = try await a.record(requests, checkpoint: nil)
            let now = fixture.clock.now
            // Each instance, as its posting loop does: claim a batch, post each entry, until nothing is due.
            @Sendable func drain(_ ledger: PostgresLedger) async throws -> [LedgerEntryID] {
                var taken: [LedgerEntryID] = []
                while true {
                    let due = try await ledger.duePosts(now: now, limit: 7)
                    guard !due.isEmpty else { return taken }
                    for entry in due {
                        try await ledger.beginPosting(entry.id, noteHash: noteHash)
                        try await ledger.markPosted(entry.id, response: "{}", checkpoint: nil)
                        taken.append(entry.id)
                    }
                }
            }
            async let byA = drain(a)
            async let byB = drain(b)
            let (takenByA, takenByB) = try await (byA, byB)
            #expect(Set(takenByA).isDisjoint(with: takenByB))
            #expect(takenByA.count + takenByB.count == 200)
            #expect(!takenByA.isEmpty && !takenByB.isEmpty, "both instances posted")
            #expect(try await a.counts()[.posted] == 200)
            #expect(try await a.list(LedgerFilter()).allSatisfy { $0.attempts == 1 })
            await b.close()
            await a.close()
        }
    }

    @Test func anEntryClaimedByAnotherInstanceIsNotBegunUntilTheClaimEnds() async throws {
        try await PostgresServer.with { server in
            let fixture = try LedgerFixture()
            let a = try await fixture.openPostgres(url: server.url(), owner: "instance-a")
            let b = try await fixture.openPostgres(url: server.url(), owner: "instance-b")
            let id = try await a.recordNew("claimed@vendor.example")
            #expect(try await a.duePosts(now: fixture.clock.now, limit: 10).map(\.id) == [id])
            #expect(try await b.duePosts(now: fixture.clock.now, limit: 10).isEmpty, "A's claim keeps B off it")
            let refused = await #expect(throws: PostgresLedgerError.self) {
                try await b.beginPosting(id, noteHash: noteHash)
            }
            #expect(refused?.description.contains("claimed for posting by instance instance-a") == true)
            #expect(try await a.existing(id).state == .pending)
            // A claim that expired (A was killed holding it) is anyone's.
            try server.psql("UPDATE messages SET claim_expires_at = clock_timestamp() - interval '1 second'")
            #expect(try await b.duePosts(now: fixture.clock.now, limit: 10).map(\.id) == [id])
            #expect(try await a.duePosts(now: fixture.clock.now, limit: 10).isEmpty, "now B's claim")
            // An outcome ends the claim: a retry due later is anyone's to take.
            try await b.beginPosting(id, noteHash: noteHash)
            try await b.markRetrying(id, error: "HTTP 503", nextAttemptAt: fixture.clock.now)
            #expect(try await a.duePosts(now: fixture.clock.now, limit: 10).map(\.id) == [id])
            await b.close()
            // Closing gives back the claims an instance did not begin.
            await a.close()
            let c = try await fixture.openPostgres(url: server.url(), owner: "instance-c")
            #expect(try await c.duePosts(now: fixture.clock.now, limit: 10).map(\.id) == [id])
            await c.close()
        }
    }
}

/// Polls `condition` every 100 ms; records a failed expectation and throws when it is still false after `within`.
func waitUntil(_ what: String, within limit: Duration = .seconds(10),
               _ condition: () async -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while !(await condition()) {
        guard ContinuousClock.now < deadline else {
            Issue.record("gave up waiting after \(limit): \(what)")
            throw WaitTimedOut(what: what)
        }
        try await Task.sleep(for: .milliseconds(100))
    }
}

struct WaitTimedOut: Error {
    let what: String
}

/// `psql` as a child process of the test (its own database session): runs `sql`, then waits idle for more
/// input until it is killed with SIGKILL.
final class PsqlHolder: @unchecked Sendable {
    private let process = Process()
    private let input = Pipe()

    init(server: PostgresServer, sql: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = ["-q", "-X", "-h", "127.0.0.1", "-p", "\(server.port)", "-U", "postgres", "-d", "postgres"]
        process.environment = ["PGAPPNAME": "holder", "PATH": "/usr/bin:/bin"]
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data((sql + "\n").utf8))
    }

    /// SIGKILL, then waits for the exit. Idempotent.
    func kill() {
        guard process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? input.fileHandleForWriting.close()
    }
}
