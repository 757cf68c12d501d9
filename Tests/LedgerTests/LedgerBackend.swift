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

    /// Runs `body` with a fresh, empty ledger of this backend stamped by `fixture`'s clock; the database
    /// server (for PostgreSQL) is stopped whatever `body` does.
    func withLedger(_ fixture: LedgerFixture, _ body: (any LedgerStore) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            try await body(try fixture.open())
        case .postgres:
            try await PostgresServer.with { server in
                let ledger = try await fixture.openPostgres(url: server.url())
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
}

extension LedgerFixture {
    /// Opens the PostgreSQL ledger at `url` under instance name `owner`, stamped by the fixture's clock.
    func openPostgres(url: String, owner: String = "instance-a") async throws -> PostgresLedger {
        let clock = clock
        return try await PostgresLedger.open(try PostgresLedgerLocation(url: url), owner: owner, clock: { clock.now })
    }
}
