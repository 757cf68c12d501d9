import Foundation
import Ledger
import LedgerPostgres
import PostgresHarness
import Testing

/// The ledger backends the shared tests run against: the embedded SQLite file and a private PostgreSQL 15.
enum LedgerBackend: String, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// Runs `body` with a fresh, empty ledger of this backend stamped by `fixture`'s clock. For PostgreSQL
    /// that is a new database on the server shared by the tests running at the same time; the last of them
    /// to finish stops it, whatever `body` does.
    func withLedger(_ fixture: LedgerFixture, _ body: (any LedgerStore) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            try await body(try fixture.open())
        case .postgres:
            try await SharedPostgresServer.shared.withDatabase { url in
                let ledger = try await fixture.openPostgres(url: url)
                do {
                    try await body(ledger)
                } catch {
                    await ledger.close()
                    throw error
                }
                await ledger.close()
            }
        }
    }

    /// Runs `body` with `open`, which opens this backend's ledger again on the same store, as a restarted
    /// process does: SQLite reopens the fixture's file (the previous ledger must be gone, as a dead process's
    /// is); PostgreSQL closes the previous ledger, ending its session, and opens a new one on the same database.
    func withReopenableLedger(
        _ fixture: LedgerFixture, _ body: (_ open: () async throws -> any LedgerStore) async throws -> Void
    ) async throws {
        switch self {
        case .sqlite:
            try await body { try fixture.open() }
        case .postgres:
            try await SharedPostgresServer.shared.withDatabase { url in
                var current: PostgresLedger?
                do {
                    try await body {
                        if let previous = current {
                            current = nil
                            await previous.close()
                        }
                        let ledger = try await fixture.openPostgres(url: url)
                        current = ledger
                        return ledger
                    }
                } catch {
                    await current?.close()
                    throw error
                }
                await current?.close()
            }
        }
    }
}

/// One PostgreSQL server for the tests of this process that run at the same time: each test gets its own
/// empty database on it. The server is started by the first test that needs it and stopped once no test has
/// used it for `idleSeconds` (so the tests of a serial run, `make test`, share it too), or at the latest when
/// the test process exits normally (an `atexit` handler: Swift Testing has no end-of-run hook).
/// At most `concurrentDatabases` tests use it at once: each ledger holds a pool of connections and its
/// ownership session, and the server accepts 100 connections.
actor SharedPostgresServer {
    static let shared = SharedPostgresServer()
    static let concurrentDatabases = 8
    static let idleSeconds = 2

    private var server: PostgresServer?
    private var users = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    /// Counts releases, so an idle stop knows whether the server was used again since it was scheduled.
    private var releases = 0

    /// Runs `body` with the URL of a new, empty database on the shared server.
    nonisolated func withDatabase(_ body: (String) async throws -> Void) async throws {
        let server = try await acquire()
        do {
            let database = "ledger_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            try server.createDatabase(database)
            try await body(server.url(database: database))
        } catch {
            await release()
            throw error
        }
        await release()
    }

    private func acquire() async throws -> PostgresServer {
        while users >= Self.concurrentDatabases {
            await withCheckedContinuation { waiting.append($0) }
        }
        let running = try server ?? PostgresServer()
        if server == nil {
            SharedPostgresServer.stopAtExit(running)
        }
        server = running
        users += 1
        return running
    }

    private func release() {
        users -= 1
        releases += 1
        if !waiting.isEmpty {
            waiting.removeFirst().resume()
        } else if users == 0 {
            let release = releases
            Task {
                try? await Task.sleep(for: .seconds(Self.idleSeconds))
                self.stopIfIdle(since: release)
            }
        }
    }

    private func stopIfIdle(since release: Int) {
        guard users == 0, releases == release, let running = server else { return }
        server = nil
        running.stop()
        SharedPostgresServer.stopAtExit(nil)
    }

    // The server the exit handler stops; `PostgresServer.stop` is idempotent.
    private static let exitLock = NSLock()
    nonisolated(unsafe) private static var serverAtExit: PostgresServer?
    nonisolated(unsafe) private static var exitHandlerInstalled = false

    private static func stopAtExit(_ server: PostgresServer?) {
        exitLock.withLock {
            serverAtExit = server
            if !exitHandlerInstalled {
                exitHandlerInstalled = true
                atexit {
                    let server = SharedPostgresServer.exitLock.withLock { SharedPostgresServer.serverAtExit }
                    server?.stop()
                }
            }
        }
    }
}

extension LedgerFixture {
    /// Opens the PostgreSQL ledger at `url` under instance name `owner`, stamped by the fixture's clock.
    func openPostgres(url: String, owner: String = "instance-a") async throws -> PostgresLedger {
        let clock = clock
        return try await PostgresLedger.open(try PostgresLedgerLocation(url: url), owner: owner, clock: { clock.now })
    }
}
