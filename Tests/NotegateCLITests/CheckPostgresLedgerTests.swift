import Foundation
import LedgerPostgres
import PostgresHarness
import Testing

/// `notegate check` with `ledger.url`: it connects to the PostgreSQL ledger and says whether its schema is this
/// notegate's; `--offline` only reads the URL.
@Suite struct CheckPostgresLedgerTests {
    @Test func checkConnectsToTheLedgerDatabaseAndVerifiesItsSchema() async throws {
        try await PostgresServer.with { server in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("notegate-check-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let config = try CheckValidatesWhatRunValidatesTests.config(
                in: folder, extra: "")
            // The helper's config names a SQLite path; the URL, added to the same `ledger:` section, wins.
            let yaml = try String(contentsOfFile: config, encoding: .utf8)
                .replacingOccurrences(of: "ledger:\n", with: "ledger:\n  url: \(server.url())\n  pool_size: 2\n")
            try yaml.write(toFile: config, atomically: true, encoding: .utf8)

            let offline = try await NotegateBinary.run(["check", "--offline", "--config", config])
            #expect(offline.lines.contains { $0.hasPrefix("ok    ledger") && $0.contains("not connected: --offline") },
                    "\(offline.stdout)")

            let empty = try await NotegateBinary.run(["check", "--config", config])
            #expect(empty.status == 1)
            #expect(empty.lines.contains { $0.hasPrefix("FAIL  ledger") && $0.contains("lacks migrations v1-ledger") },
                    "\(empty.stdout)")

            let ledger = try await PostgresLedger.open(try PostgresLedgerLocation(url: server.url()), owner: "test")
            await ledger.close()
            let migrated = try await NotegateBinary.run(["check", "--config", config])
            #expect(migrated.lines.contains { $0.hasPrefix("ok    ledger") && $0.contains("schema \(PostgresLedger.migrations.last ?? "")") },
                    "\(migrated.stdout)")

            server.stop()
            let down = try await NotegateBinary.run(["check", "--config", config])
            #expect(down.lines.contains { $0.hasPrefix("FAIL  ledger") && $0.contains("check that PostgreSQL is running") },
                    "\(down.stdout)")
        }
    }
}
