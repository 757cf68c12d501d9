import Foundation
import Ledger
import LedgerPostgres
import PostgresHarness
import Testing

/// What only the PostgreSQL ledger has: the URL and its TLS rules, versioned migrations shared by several
/// instances, and instances that share one ledger.
@Suite struct PostgresLedgerTests {
    @Test func urlDefaultsToVerifiedTLSAndRefusesPlainTextAwayFromLoopback() throws {
        let remote = try PostgresLedgerLocation(url: "postgres://notegate:s3cret@db.example:6543/ledger", poolSize: 8)
        #expect(remote.sslMode == .verifyFull && remote.port == 6543 && remote.database == "ledger")
        #expect(remote.password == "s3cret" && remote.poolSize == 8)
        #expect(!remote.description.contains("s3cret"))
        let refused = #expect(throws: PostgresLedgerError.self) {
            try PostgresLedgerLocation(url: "postgres://notegate:s3cret@db.example/ledger?sslmode=disable")
        }
        #expect(refused?.description.contains("loopback only") == true)
        #expect(refused?.description.contains("s3cret") == false, "an error must not print the password")
        let local = try PostgresLedgerLocation(url: "postgres://notegate@127.0.0.1/ledger?sslmode=disable")
        #expect(local.sslMode == .disable && local.port == 5432 && local.isLoopback)
        #expect(throws: PostgresLedgerError.self) { try PostgresLedgerLocation(url: "mysql://u@h/d") }
        #expect(throws: PostgresLedgerError.self) { try PostgresLedgerLocation(url: "postgres://u@h/") }
        #expect(throws: PostgresLedgerError.self) { try PostgresLedgerLocation(url: "postgres://u@h/d?sslmode=allow") }
        #expect(throws: PostgresLedgerError.self) { try PostgresLedgerLocation(url: "postgres://u@h/d", poolSize: 0) }
    }

    @Test func migrationsAreRecordedOnceAndANewerSchemaIsRefused() async throws {
        try await PostgresServer.with { server in
            let fixture = try LedgerFixture()
            let location = try PostgresLedgerLocation(url: server.url())
            let notMigrated = await #expect(throws: PostgresLedgerError.self) {
                try await PostgresLedger.verify(location)
            }
            #expect(notMigrated?.description.contains("lacks migrations v1-ledger") == true)
            // Two instances starting together apply each migration once.
            async let first = fixture.openPostgres(url: server.url(), owner: "a")
            async let second = fixture.openPostgres(url: server.url(), owner: "b")
            let (a, b) = try await (first, second)
            #expect(Array(PostgresLedger.migrations.prefix(2)) == ["v1-ledger", "v2-folder-ownership"])
            #expect(try await a.appliedMigrations() == PostgresLedger.migrations)
            #expect(try await PostgresLedger.verify(location) == PostgresLedger.migrations)
            await b.close()
            await a.close()
            // The reopened ledger keeps its data.
            let reopened = try await fixture.openPostgres(url: server.url())
            let id = try await reopened.recordNew("kept@vendor.example")
            await reopened.close()
            let again = try await fixture.openPostgres(url: server.url())
            #expect(try await again.entry(id)?.key == MessageKey(messageID: "kept@vendor.example", from: "", date: "",
                                                                   subject: "", body: ""))
            await again.close()
        }
    }

    @Test func aDatabaseMigratedByANewerNotegateIsRefused() async throws {
        try await PostgresServer.with { server in
            let fixture = try LedgerFixture()
            let ledger = try await fixture.openPostgres(url: server.url())
            await ledger.close()
            try server.psql("INSERT INTO schema_migrations(name) VALUES ('v99-from-the-future')")
            let error = await #expect(throws: PostgresLedgerError.self) {
                try await fixture.openPostgres(url: server.url())
            }
            #expect(error?.description.contains("v99-from-the-future") == true)
        }
    }

    @Test func anUnreachableServerIsReportedWithWhatToCheck() async throws {
        let port: Int = try await PostgresServer.with { $0.port }
        let location = try PostgresLedgerLocation(url: "postgres://postgres@127.0.0.1:\(port)/postgres?sslmode=disable")
        let error = await #expect(throws: PostgresLedgerError.self) {
            try await PostgresLedger.verify(location, timeout: .seconds(3))
        }
        #expect(error?.description.contains("check that PostgreSQL is running") == true)
    }

    @Test func anotherInstanceRecoversOnlyPostsWhoseOwnerIsGone() async throws {
        try await PostgresServer.with { server in
            let fixture = try LedgerFixture()
            let a = try await fixture.openPostgres(url: server.url(), owner: "instance-a")
            let b = try await fixture.openPostgres(url: server.url(), owner: "instance-b")
            let id = try await a.recordNew("inflight@vendor.example")
            try await a.beginPosting(id, noteHash: noteHash)
            // A is alive: its call in flight is not B's to judge.
            #expect(try await b.recoverInterruptedPosts(policy: .repost).isEmpty)
            #expect(try await b.existing(id).state == .posting)
            // A is killed; once its lease has run out, B finds the post uncertain and reposts it.
            await a.abandon()
            try server.expireLease(of: "instance-a")
            #expect(try await b.recoverInterruptedPosts(policy: .repost) == [id])
            let recovered = try await b.existing(id)
            #expect(recovered.state == .pending && recovered.uncertainReposts == 1)
            await b.close()
            await a.close()
        }
    }

    @Test func aRunningInstanceTakesOverPostsOfAnInstanceThatDied() async throws {
        try await PostgresServer.with { server in
            let fixture = try LedgerFixture()
            let a = try await fixture.openPostgres(url: server.url(), owner: "instance-a")
            let b = try await fixture.openPostgres(url: server.url(), owner: "instance-b")
            let fromA = try await a.recordNew("from-a@vendor.example", uid: 1)
            let fromB = try await b.recordNew("from-b@vendor.example", uid: 2)
            try await a.beginPosting(fromA, noteHash: noteHash)
            try await b.beginPosting(fromB, noteHash: noteHash)
            await a.abandon()
            try server.expireLease(of: "instance-a")
            // Before its own start-up recovery B has no policy, so its sweep leaves everything alone.
            #expect(try await b.recoverPostsOfExpiredInstances().isEmpty)
            #expect(try await b.recoverInterruptedPosts(policy: .hold) == [fromA, fromB].sorted())
            try await b.retry(fromB)
            try await b.beginPosting(fromB, noteHash: noteHash)
            let c = try await fixture.openPostgres(url: server.url(), owner: "instance-c")
            #expect(try await c.recoverInterruptedPosts(policy: .repost).isEmpty)
            #expect(try await c.existing(fromB).state == .posting, "B is alive: its call in flight is left alone")
            // B dies now; C's sweep, while running, finds B's post uncertain and follows its own policy.
            await b.abandon()
            try server.expireLease(of: "instance-b")
            #expect(try await c.recoverPostsOfExpiredInstances() == [fromB])
            #expect(try await c.existing(fromB).state == .pending)
            #expect(try await c.existing(fromA).state == .uncertain)
            await c.close()
            await b.close()
            await a.close()
        }
    }

    @Test func twoInstancesRecordingTheSameMessageMakeOneEntry() async throws {
        try await PostgresServer.with { server in
            let fixture = try LedgerFixture()
            let a = try await fixture.openPostgres(url: server.url(), owner: "instance-a")
            let b = try await fixture.openPostgres(url: server.url(), owner: "instance-b")
            for index in 0..<20 {
                let messageID = "race-\(index)@vendor.example"
                async let fromA = a.record(sighting(messageID, folder: "INBOX"), decision: .post(ticketID: 1, note: note),
                                           checkpoint: nil)
                async let fromB = b.record(sighting(messageID, folder: "Shared"), decision: .post(ticketID: 1, note: note),
                                           checkpoint: nil)
                let results = try await [fromA, fromB]
                let new = results.filter { if case .new = $0 { true } else { false } }
                #expect(new.count == 1, "\(messageID): \(results)")
            }
            #expect(try await a.counts()[.pending] == 20)
            #expect(try await a.list(LedgerFilter()).allSatisfy { $0.sightings.count == 2 })
            await b.close()
            await a.close()
        }
    }
}

extension PostgresServer {
    /// Ends the lease of `instance` as its running out would (`instances.expires_at` in the past by the
    /// database's clock).
    func expireLease(of instance: String) throws {
        try psql("UPDATE instances SET expires_at = clock_timestamp() - interval '1 second' WHERE owner = '\(instance)'")
    }
}
