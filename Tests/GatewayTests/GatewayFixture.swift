import DovecotHarness
import Foundation
import Gateway
import GatewayConfig
import LeadSquaredSandbox
import Ledger
import Logging

/// A real Dovecot, a real sandbox API and a real SQLite ledger, for one test.
final class GatewayFixture: Sendable {
    let dovecot: DovecotServer
    let sandbox: SandboxServer
    let directory: URL

    init(sandbox configuration: SandboxConfiguration = SandboxConfiguration()) async throws {
        dovecot = try DovecotServer()
        try dovecot.start()
        sandbox = try await SandboxServer.start(configuration)
        directory = dovecot.directory.appendingPathComponent("gateway")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(configuration.accessKey.utf8).write(to: directory.appendingPathComponent("access-key"))
        try Data(configuration.secretKey.utf8).write(to: directory.appendingPathComponent("secret-key"))
    }

    func stop() async {
        await sandbox.stop()
        dovecot.stop()
    }

    var ledgerPath: String { directory.appendingPathComponent("ledger.sqlite").path }

    func configuration(startFrom: MailboxConfig.StartFrom = .all, folders: [String] = ["INBOX"],
                       secretKeyFile: String? = nil, gatewayAddresses: [String] = [],
                       maxAttempts: Int = 3) -> GatewayConfiguration {
        let mailbox = MailboxConfig(
            name: "support", host: "127.0.0.1", port: dovecot.imapsPort, transport: .imaps,
            tls: .init(verify: true, caFile: dovecot.certificates.caFile), username: dovecot.user,
            authentication: .login(password: .file(dovecot.passwordFile)), folders: folders,
            pollIntervalSeconds: 1, sweepIntervalSeconds: 5, timeoutSeconds: 5, startFrom: startFrom)
        let leadSquared = LeadSquaredSettings(
            host: sandbox.baseURL.absoluteString, tenantID: sandbox.account.configuration.tenantID,
            accessKey: .file(directory.appendingPathComponent("access-key").path),
            secretKey: .file(secretKeyFile ?? directory.appendingPathComponent("secret-key").path),
            maxAttempts: maxAttempts, retryBaseSeconds: 1, retryCapSeconds: 1, configurationRetrySeconds: 1,
            allowInsecure: true)
        return GatewayConfiguration(mailboxes: [mailbox], leadSquared: leadSquared,
                                    ledger: LedgerSettings(path: ledgerPath),
                                    notes: NoteSettings(gatewayAddresses: gatewayAddresses))
    }

    /// One `notegate once` pass, in process.
    func once(_ configuration: GatewayConfiguration) async throws -> RunSummary {
        let runtime = try GatewayRuntime(configuration: configuration, logger: quietLogger)
        defer { Task { await runtime.shutdown() } }
        return try await runtime.runOnce()
    }

    func append(_ message: String, to folder: String = "INBOX") throws {
        try dovecot.append(Array(message.split(separator: "\n", omittingEmptySubsequences: false)
            .joined(separator: "\r\n").utf8), to: folder)
    }

    func readLedger() throws -> SQLiteLedgerReader {
        try SQLiteLedgerReader(readOnlyPath: ledgerPath)
    }
}

let quietLogger: Logger = {
    var logger = Logger(label: "notegate.gateway.tests")
    logger.logLevel = .warning
    return logger
}()

func email(id: String, subject: String, body: String = "The printer on floor 3 is fixed.",
           to: String = "notes@support.example", extraHeaders: [String] = []) -> String {
    ([
        "From: Dana Reyes <dana@vendor.example>", "To: \(to)", "Subject: \(subject)",
        "Date: Tue, 24 Nov 2026 09:15:00 +0100", "Message-ID: <\(id)>", "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
    ] + extraHeaders).joined(separator: "\n") + "\n\n" + body + "\n"
}
