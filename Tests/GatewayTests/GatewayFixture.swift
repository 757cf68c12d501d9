import DovecotHarness
import Foundation
import Gateway
import GatewayConfig
import LeadSquaredSandbox
import Ledger
import Logging
import Testing

/// A real Dovecot, a real sandbox API and a real SQLite ledger, for one test.
final class GatewayFixture: Sendable {
    let dovecot: DovecotServer
    let sandbox: SandboxServer
    let directory: URL

    init(sandbox configuration: SandboxConfiguration = SandboxConfiguration()) async throws {
        dovecot = try DovecotServer() // started by its init: starting it again would leak a second master
        do {
            sandbox = try await SandboxServer.start(configuration)
        } catch {
            dovecot.stop()
            throw error
        }
        directory = dovecot.directory.appendingPathComponent("gateway")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(configuration.accessKey.utf8).write(to: directory.appendingPathComponent("access-key"))
        try Data(configuration.secretKey.utf8).write(to: directory.appendingPathComponent("secret-key"))
    }

    /// Runs `body` with a fresh fixture and stops both servers however it ends.
    static func with(sandbox configuration: SandboxConfiguration = SandboxConfiguration(),
                     _ body: (GatewayFixture) async throws -> Void) async throws {
        let fixture = try await GatewayFixture(sandbox: configuration)
        do {
            try await body(fixture)
        } catch {
            await fixture.stop()
            throw error
        }
        await fixture.stop()
    }

    /// Stops Dovecot (by PID, at once) and then the sandbox.
    func stop() async {
        dovecot.stop()
        await sandbox.stop()
    }

    var ledgerPath: String { directory.appendingPathComponent("ledger.sqlite").path }

    /// The harness user's mailbox as `name`; `passwordFile` replaces the right password (a wrong one parks it).
    func mailbox(name: String = "support", startFrom: MailboxConfig.StartFrom = .all, folders: [String] = ["INBOX"],
                 passwordFile: String? = nil, configurationRetrySeconds: Int = 900) -> MailboxConfig {
        MailboxConfig(
            name: name, host: "127.0.0.1", port: dovecot.imapsPort, transport: .imaps,
            tls: .init(verify: true, caFile: dovecot.certificates.caFile), username: dovecot.user,
            authentication: .login(password: .file(passwordFile ?? dovecot.passwordFile)), folders: folders,
            pollIntervalSeconds: 1, sweepIntervalSeconds: 5, timeoutSeconds: 5, startFrom: startFrom,
            configurationRetrySeconds: configurationRetrySeconds)
    }

    /// A file holding a password Dovecot refuses.
    func wrongPasswordFile() throws -> String {
        let path = directory.appendingPathComponent("wrong-password").path
        try "not the password".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func configuration(startFrom: MailboxConfig.StartFrom = .all, folders: [String] = ["INBOX"],
                       secretKeyFile: String? = nil, gatewayAddresses: [String] = [],
                       maxAttempts: Int = 3, mailboxes: [MailboxConfig]? = nil) -> GatewayConfiguration {
        let leadSquared = LeadSquaredSettings(
            host: sandbox.baseURL.absoluteString, tenantID: sandbox.account.configuration.tenantID,
            accessKey: .file(directory.appendingPathComponent("access-key").path),
            secretKey: .file(secretKeyFile ?? directory.appendingPathComponent("secret-key").path),
            maxAttempts: maxAttempts, retryBaseSeconds: 1, retryCapSeconds: 1, configurationRetrySeconds: 1,
            allowInsecure: true)
        return GatewayConfiguration(mailboxes: mailboxes ?? [mailbox(startFrom: startFrom, folders: folders)],
                                    leadSquared: leadSquared,
                                    ledger: LedgerSettings(path: ledgerPath),
                                    notes: NoteSettings(gatewayAddresses: gatewayAddresses))
    }

    /// One `notegate once` pass, in process.
    func once(_ configuration: GatewayConfiguration) async throws -> RunSummary {
        let runtime = try GatewayRuntime(configuration: configuration, logger: quietLogger)
        // Shut down before returning, so the runtime (and its hold on the ledger) is gone for the next pass.
        do {
            let summary = try await runtime.runOnce()
            await runtime.shutdown()
            return summary
        } catch {
            await runtime.shutdown()
            throw error
        }
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

/// Polls `value` every 50 ms until it is above zero and returns it; throws (failing the test) after `timeout`.
func waitFor(_ what: String, timeout: Duration = .seconds(60),
             _ value: @Sendable () async throws -> Int) async throws -> Int {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        let current = try await value()
        if current > 0 { return current }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("timed out after \(timeout) waiting for \(what)")
    throw WaitTimedOut(what: what)
}

struct WaitTimedOut: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(what)" }
}
