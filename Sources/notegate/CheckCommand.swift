import ArgumentParser
import Foundation
import Gateway
import GatewayConfig
import IMAPSource
import OAuth
import LeadSquared
import Ledger
import LedgerPostgres
import Logging
import Observability
import Secrets

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a config before going live: the file, the secrets, every mailbox, the API and the ledger.",
        discussion: """
            Validates the config file (every error names the key and line), reads every secret,
            logs in to every mailbox with TLS verified, asks LeadSquared for a ticket's details to
            prove the host, tenant and keys (a call that creates nothing), and checks the ledger.
            Prints a one-screen report; exits 1 if anything failed. --offline skips the network.
            """
    )

    @OptionGroup var options: ConfigOption

    @Flag(help: "Only check the file and the secrets; connect to nothing (for systemd's ExecStartPre).")
    var offline = false

    func run() async throws {
        var report = CheckReport()
        let configuration: GatewayConfiguration
        do {
            configuration = try GatewayConfiguration.load(path: options.config)
            let folders = configuration.mailboxes.reduce(0) { $0 + $1.folders.count }
            report.add("config", .passed("\(configuration.mailboxes.count) mailbox(es), \(folders) folder(s)"))
        } catch {
            report.add("config", .failed("\(error)"))
            print(TerminalText.sanitized(report.rendered))
            throw ExitCode(1)
        }
        if let risk = configuration.senders.openGatewayRisk { report.add("senders", .warned(risk)) }
        await checkSecrets(configuration, into: &report)
        if let url = configuration.ledger.url {
            await checkPostgresLedger(url: url, poolSize: configuration.ledger.poolSize, offline: offline, into: &report)
        } else {
            checkLedger(configuration.ledger, into: &report)
        }
        checkRunSetup(configuration, into: &report)
        if !offline {
            await checkMailboxes(configuration, into: &report)
            await checkLeadSquared(configuration, into: &report)
        }
        print(TerminalText.sanitized(report.rendered))
        if report.failed { throw ExitCode(1) }
    }

    private func checkSecrets(_ configuration: GatewayConfiguration, into report: inout CheckReport) async {
        var sources: [(String, SecretSource, commandTimeout: Duration)] = configuration.mailboxes.compactMap { mailbox in
            let timeout = Duration.seconds(mailbox.oauthTokenCommandTimeoutSeconds)
            return switch mailbox.authentication {
            case .login(let source), .plain(let source): ("mailbox \(mailbox.name) password", source, timeout)
            case .xoauth2(let source): ("mailbox \(mailbox.name) OAuth token", source, timeout)
            case .oauth2(let settings): settings.clientSecret.map { ("mailbox \(mailbox.name) OAuth client secret", $0,
                                                                    timeout) }
            }
        }
        if let settings = configuration.leadSquared {
            sources += [("LeadSquared access key", settings.accessKey, SecretCommand.defaultTimeout),
                        ("LeadSquared secret key", settings.secretKey, SecretCommand.defaultTimeout)]
        } else {
            report.add("leadsquared", .failed("no `leadsquared:` section; `run` and `once` need one"))
        }
        for (name, source, timeout) in sources {
            do {
                _ = try await source.resolve(commandTimeout: timeout)
                report.add(name, .passed("readable"))
            } catch {
                report.add(name, .failed("\(error)"))
            }
        }
    }

    /// `ledger.url`: the server answers, the login and TLS work, and the schema is this notegate's.
    /// `--offline` checks the URL only.
    private func checkPostgresLedger(url: String, poolSize: Int, offline: Bool, into report: inout CheckReport) async {
        do {
            let location = try PostgresLedgerLocation(url: url, poolSize: poolSize)
            guard !offline else {
                report.add("ledger", .passed("\(location) (not connected: --offline)"))
                return
            }
            let applied = try await PostgresLedger.verify(location)
            report.add("ledger", .passed("\(location) reachable, schema \(applied.last ?? "?")"))
        } catch {
            report.add("ledger", .failed("\(error)"))
        }
    }

    private func checkLedger(_ settings: LedgerSettings, into report: inout CheckReport) {
        let path = settings.path
        let directory = (path as NSString).deletingLastPathComponent
        if FileManager.default.fileExists(atPath: path) {
            do {
                _ = try SQLiteLedgerReader(readOnlyPath: path)
                report.add("ledger", .passed("\(path) readable"))
            } catch {
                report.add("ledger", .failed("\(error)"))
            }
        } else if FileManager.default.isWritableFile(atPath: directory.isEmpty ? "." : directory) {
            report.add("ledger", .passed("\(path) will be created on the first run"))
        } else {
            report.add("ledger", .failed("cannot create \(path): its folder is missing or not writable"))
        }
    }

    /// What `run` builds before it connects anywhere, through the code `run` uses: the note rules (ticket pattern,
    /// sender lists) and the LeadSquared client's settings. So ExecStartPre refuses a config that `run` would refuse.
    private func checkRunSetup(_ configuration: GatewayConfiguration, into report: inout CheckReport) {
        do {
            _ = try GatewayRuntime.extractorConfiguration(configuration)
            report.add("note rules", .passed("ticket pattern and sender rules are valid"))
        } catch {
            report.add("note rules", .failed("\(error)"))
        }
        guard let settings = configuration.leadSquared else { return }
        do {
            try LeadSquaredClient.Configuration(settings: settings, notes: configuration.notes).validate()
            report.add("leadsquared settings", .passed("\(settings.host) tenant \(settings.tenantID)"))
        } catch {
            report.add("leadsquared settings", .failed("\(error)"))
        }
    }

    private func checkMailboxes(_ configuration: GatewayConfiguration, into report: inout CheckReport) async {
        var logger = Logger(label: "notegate.check", factory: { LineLogHandler(label: $0, format: .text) })
        logger.logLevel = .error
        for mailbox in configuration.mailboxes {
            if case .oauth2(let settings) = mailbox.authentication {
                // The token request first, so a failure says which step failed: the provider or the IMAP login.
                do {
                    _ = try await AccessTokens.provider(for: settings).accessToken()
                    report.add("mailbox \(mailbox.name) OAuth token", .passed("\(settings.grant.rawValue) grant at "
                        + "\(settings.tokenURL) issued an access token"))
                } catch {
                    report.add("mailbox \(mailbox.name) OAuth token", .failed("token request: \(error)"))
                    continue
                }
            }
            for folder in mailbox.folders {
                let watcher = MailboxWatcher(mailbox: mailbox, folder: folder, checkpoints: InMemoryCheckpointStore(),
                                             logger: logger)
                let name = "mailbox \(mailbox.name) \(folder)"
                do {
                    _ = try await watcher.peekNewMessages(limit: 0)
                    let tls = mailbox.transport == .plain ? "no TLS (allow_insecure)"
                        : mailbox.tls.verify ? "TLS verified" : "TLS NOT verified (tls.verify: false)"
                    report.add(name, .passed("\(mailbox.transport.rawValue) \(mailbox.host):\(mailbox.port), \(tls), "
                        + "logged in as \(mailbox.username)"))
                } catch {
                    report.add(name, .failed("\(error)"))
                }
            }
        }
    }

    private func checkLeadSquared(_ configuration: GatewayConfiguration, into report: inout CheckReport) async {
        guard let settings = configuration.leadSquared else { return }
        let client: LeadSquaredClient
        do {
            client = try LeadSquaredClient(
                configuration: try LeadSquaredClient.Configuration(settings: settings, notes: configuration.notes))
        } catch {
            report.add("leadsquared", .failed("\(error)"))
            return
        }
        let ticket = settings.checkTicketID ?? 1
        switch await client.verifyAccess(ticketID: ticket) {
        case .granted:
            report.add("leadsquared", .passed("\(settings.host) tenant \(settings.tenantID): keys accepted "
                + "(read ticket \(ticket))"))
        case .refused(let reason):
            report.add("leadsquared", .failed(reason))
        case .unavailable(let reason):
            report.add("leadsquared", .failed(reason))
        }
        try? await client.shutdown()
    }
}

/// The one-screen answer of `notegate check`.
struct CheckReport {
    enum Result {
        case passed(String)
        /// Works, but a person should look at it; does not fail the check.
        case warned(String)
        case failed(String)
    }

    private var rows: [(String, Result)] = []

    mutating func add(_ name: String, _ result: Result) {
        rows.append((name, result))
    }

    var failed: Bool {
        rows.contains { if case .failed = $0.1 { true } else { false } }
    }

    var rendered: String {
        let width = rows.map(\.0.count).max() ?? 0
        let lines = rows.map { name, result in
            let padded = name.padding(toLength: width, withPad: " ", startingAt: 0)
            switch result {
            case .passed(let detail): return "ok    \(padded)  \(detail)"
            case .warned(let detail): return "WARN  \(padded)  \(detail)"
            case .failed(let detail): return "FAIL  \(padded)  \(detail)"
            }
        }
        let verdict = failed ? "notegate check: problems found" : "notegate check: ready"
        return (lines + [verdict]).joined(separator: "\n")
    }
}
