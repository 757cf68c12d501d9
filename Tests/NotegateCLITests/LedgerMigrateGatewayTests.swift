import DovecotHarness
import Foundation
import Glibc
import LeadSquaredSandbox
import LedgerPostgres
import PostgresHarness
import Testing

/// The move an operator makes: a gateway on its SQLite ledger, `notegate ledger migrate`, the same gateway on
/// `ledger.url`. Real Dovecot, sandbox, PostgreSQL 15 and binary.
@Suite struct LedgerMigrateGatewayTests {
    @Test func aGatewayMovedToPostgreSQLPostsNothingTwiceAndResumesFromItsCheckpoint() async throws {
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        let api = try await SandboxServer.start()
        do {
            try await PostgresServer.with { server in
                try await moveAGateway(dovecot: dovecot, api: api, postgres: server)
            }
        } catch {
            await api.stop()
            throw error
        }
        await api.stop()
    }

    private func moveAGateway(dovecot: DovecotServer, api: SandboxServer, postgres: PostgresServer) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("notegate-move-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let account = api.account.configuration
        let config = try LoopbackGatewayConfig(
            directory: folder, dovecot: dovecot, apiURL: api.baseURL.absoluteString, tenantID: account.tenantID,
            accessKey: account.accessKey, secretKey: account.secretKey)
        for ticket in 143...145 { try dovecot.append(Self.message(ticket: ticket)) }

        let onSQLite = try await Self.once(config.path)
        #expect(onSQLite.status == 0, "\(onSQLite.stdout)\(onSQLite.stderr)")
        #expect(await api.account.notes().map(\.ticketID).sorted() == [143, 144, 145])

        for ticket in 146...147 { try dovecot.append(Self.message(ticket: ticket)) }
        let migrate = try await NotegateBinary.run(
            ["ledger", "migrate", "--from", config.ledgerPath, "--to", postgres.url(), "--create-schema"])
        #expect(migrate.status == 0, "\(migrate.stderr)")
        #expect(migrate.lines.contains("  entries      3 new (posted 3), 0 already present"), "\(migrate.stdout)")
        #expect(migrate.lines.contains("  checkpoints  1 new, 0 advanced, 0 already present"), "\(migrate.stdout)")

        // The same config with the URL added to its `ledger:` section (the URL wins over the SQLite path), and
        // `start_from: new`: a folder without a checkpoint would have its two new messages skipped `before-start`.
        let yaml = try String(contentsOfFile: config.path, encoding: .utf8)
            .replacingOccurrences(of: "ledger:\n", with: "ledger:\n  url: \(postgres.url())\n")
            .replacingOccurrences(of: "start_from: all", with: "start_from: new")
        try yaml.write(toFile: config.path, atomically: true, encoding: .utf8)
        let onPostgres = try await Self.once(config.path)
        #expect(onPostgres.status == 0, "\(onPostgres.stdout)\(onPostgres.stderr)")
        #expect(await api.account.notes().map(\.ticketID).sorted() == [143, 144, 145, 146, 147],
                "each message posted once: the three from before not again, the two new ones from the checkpoint")

        let ledger = try await PostgresLedger.open(try PostgresLedgerLocation(url: postgres.url()), owner: "reader")
        let counts = try await ledger.counts()
        await ledger.close()
        #expect(counts[.posted] == 5, "\(counts)")
    }

    /// A tagged message from a vendor.
    static func message(ticket: Int) -> [UInt8] {
        Array("""
            From: Dana Reyes <dana@vendor.example>\r
            To: notes@support.example\r
            Subject: [#\(ticket)] Printer on floor 3\r
            Message-ID: <move-\(ticket)@vendor.example>\r
            Date: Tue, 24 Nov 2026 09:15:00 +0100\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            The printer shows E-\(ticket) again.\r

            """.utf8)
    }

    /// `notegate once`; killed, and the test failed, if it has not ended within two minutes.
    static func once(_ config: String) async throws -> CommandResult {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("notegate-once-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let stdout = folder.appendingPathComponent("stdout")
        let stderr = folder.appendingPathComponent("stderr")
        try Data().write(to: stdout)
        try Data().write(to: stderr)
        let process = Process()
        process.executableURL = NotegateBinary.productsDirectory.appendingPathComponent("notegate")
        process.arguments = ["once", "--config", config]
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        let deadline = ProcessDeadline()
        let status = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
                deadline.kill(process.processIdentifier, after: .seconds(120))
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        deadline.cancel()
        let result = CommandResult(status: status, stdout: try String(contentsOf: stdout, encoding: .utf8),
                                   stderr: try String(contentsOf: stderr, encoding: .utf8))
        if deadline.fired {
            throw LedgerMigrationTestFailure("notegate once did not end within 120 s: \(result.stdout)\(result.stderr)")
        }
        return result
    }
}

/// Kills a process that has not ended by a deadline, and says whether it did.
final class ProcessDeadline: @unchecked Sendable {
    private let lock = NSLock()
    private var task: Task<Void, Never>?
    private var killed = false

    var fired: Bool { lock.withLock { killed } }

    func kill(_ pid: pid_t, after duration: Duration) {
        let task = Task { [self] in
            guard (try? await Task.sleep(for: duration)) != nil else { return }
            lock.withLock { killed = true }
            Glibc.kill(pid, SIGKILL)
        }
        lock.withLock { self.task = task }
    }

    func cancel() {
        lock.withLock { task }?.cancel()
    }
}
