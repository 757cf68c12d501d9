import DovecotHarness
import Foundation
import LeadSquaredSandbox
import Testing

/// The built `notegate` run as `config/notegate.service` runs it, as far as a test can without systemd as PID 1:
/// as an unprivileged user, with no new privileges, under the seccomp filter read from the unit's own
/// `SystemCallFilter=` lines, with its secrets in a credentials folder as `LoadCredential=` gives them. The unit and
/// the binary cannot drift apart: a call the binary needs and the unit refuses makes these tests fail.
@Suite(.serialized) struct ServiceSandboxTests {
    static let unit = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("config/notegate.service")

    @Test func theUnitsFilterIsReadAsSystemdReadsIt() throws {
        let filter = try UnitSystemCallFilter(unit: Self.unit)
        #expect(filter.mode == .allow)
        // From @system-service (read, execve, …) and from @default, which an allow list always takes in.
        for call in ["read", "openat", "execve", "futex", "socket", "connect", "rt_sigreturn", "exit_group"] {
            #expect(filter.names.contains(call), "the unit's filter refuses \(call)")
        }
        // Taken out by `~@privileged @resources`.
        for call in ["setuid", "reboot", "mount", "setrlimit", "sched_setscheduler"] {
            #expect(!filter.names.contains(call), "the unit's filter allows \(call)")
        }
    }

    @Test func checkOfflinePassesUnderTheUnitsFilterWithSystemdCredentials() async throws {
        let sandbox = try ServiceSandbox()
        defer { sandbox.remove() }
        try sandbox.writeCredentials(imapPassword: "imap-secret", accessKey: "access", secretKey: "secret")
        try sandbox.writeConfig(imapsPort: 1, caFile: nil, apiURL: "http://127.0.0.1:1", tenantID: "t",
                                statusPort: nil)
        let result = try await sandbox.run(["check", "--offline", "--config", sandbox.configPath])
        #expect(result.exit == .exited(0), "check --offline under the unit's filter: \(result)")
        #expect(result.stdout.contains("notegate check: ready"), "\(result)")
        #expect(result.stdout.contains("ok    mailbox loopback password"), "\(result)")
    }

    @Test func runPostsANoteUnderTheUnitsFilterAndStopsCleanlyOnSIGTERM() async throws {
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        let api = try await SandboxServer.start()
        do {
            try await runAgainst(dovecot: dovecot, api: api)
        } catch {
            await api.stop()
            throw error
        }
        await api.stop()
    }

    private func runAgainst(dovecot: DovecotServer, api: SandboxServer) async throws {
        try dovecot.append(Array("""
            From: Dana Reyes <dana@vendor.example>\r
            To: notes@support.example\r
            Subject: [#143] Printer on floor 3\r
            Message-ID: <unit-filter@vendor.example>\r
            Date: Tue, 24 Nov 2026 09:15:00 +0100\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            The printer shows E-301 again.\r

            """.utf8))
        let sandbox = try ServiceSandbox()
        defer { sandbox.remove() }
        let account = api.account.configuration
        try sandbox.writeCredentials(imapPassword: dovecot.password, accessKey: account.accessKey,
                                     secretKey: account.secretKey)
        try sandbox.writeConfig(imapsPort: dovecot.imapsPort, caFile: dovecot.certificates.caFile,
                                apiURL: api.baseURL.absoluteString, tenantID: account.tenantID,
                                statusPort: try freePort())

        let gateway = try sandbox.start(["run", "--config", sandbox.configPath])
        defer { if gateway.isRunning { kill(gateway.processIdentifier, SIGKILL); gateway.waitUntilExit() } }
        let deadline = ContinuousClock.now + .seconds(60)
        while await api.account.notes().isEmpty, gateway.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        let notes = await api.account.notes()
        #expect(notes.count == 1, "no note within 60 s; running: \(gateway.isRunning); \(sandbox.output)")
        #expect(notes.first?.ticketID == 143)
        #expect(notes.first?.text.contains("The printer shows E-301 again.") == true)

        #expect(gateway.isRunning, "run ended by itself: \(sandbox.output)")
        kill(gateway.processIdentifier, SIGTERM)
        let stopDeadline = ContinuousClock.now + .seconds(30)
        while gateway.isRunning, ContinuousClock.now < stopDeadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(!gateway.isRunning, "run did not stop within 30 s of SIGTERM")
        if !gateway.isRunning {
            #expect(ProcessExit(gateway) == .exited(0), "run after SIGTERM: \(sandbox.output)")
        }
    }
}

/// How a process ended.
enum ProcessExit: Equatable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)

    init(_ process: Process) {
        self = process.terminationReason == .exit ? .exited(process.terminationStatus)
            : .signalled(process.terminationStatus)
    }

    var description: String {
        switch self {
        case .exited(let status): "exit status \(status)"
        case .signalled(let signal): "killed by signal \(signal)\(signal == SIGSYS ? " (SIGSYS: a call the filter refuses)" : "")"
        }
    }
}

/// A folder laid out as the unit gives notegate its world: a state folder the service user owns, a credentials
/// folder only it can read (`$CREDENTIALS_DIRECTORY`), and the config.
struct ServiceSandbox {
    let folder: URL
    var configPath: String { folder.appendingPathComponent("notegate.yaml").path }
    var credentials: URL { folder.appendingPathComponent("credentials") }
    var state: URL { folder.appendingPathComponent("state") }
    var stdoutURL: URL { folder.appendingPathComponent("stdout") }
    var stderrURL: URL { folder.appendingPathComponent("stderr") }
    var filterList: URL { folder.appendingPathComponent("syscalls") }

    init() throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("notegate-unit-\(UUID().uuidString.prefix(8))")
        for path in [folder, credentials, state] {
            try FileManager.default.createDirectory(at: path, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o755])
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: state.path)
        try SeccompExec.handOver(state)
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }

    func writeCredentials(imapPassword: String, accessKey: String, secretKey: String) throws {
        for (name, value) in [("imap-password", imapPassword), ("leadsquared-access-key", accessKey),
                              ("leadsquared-secret-key", secretKey)] {
            let file = credentials.appendingPathComponent(name)
            guard FileManager.default.createFile(atPath: file.path, contents: Data(value.utf8),
                                                 attributes: [.posixPermissions: 0o400]) else {
                throw UnitFilterError("cannot write \(file.path)")
            }
            try SeccompExec.handOver(file)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o500], ofItemAtPath: credentials.path)
        try SeccompExec.handOver(credentials)
    }

    /// The config a unit's user would write: every secret read from `${CREDENTIALS_DIRECTORY}`.
    func writeConfig(imapsPort: Int, caFile: String?, apiURL: String, tenantID: String, statusPort: Int?) throws {
        let yaml = """
            mailboxes:
              - name: loopback
                host: 127.0.0.1
                port: \(imapsPort)
                tls: { verify: true\(caFile.map { ", ca_file: \($0)" } ?? "") }
                username: notes
                password_file: ${CREDENTIALS_DIRECTORY}/imap-password
                start_from: all
                poll_interval_seconds: 1
            leadsquared:
              host: \(apiURL)
              tenant_id: "\(tenantID)"
              access_key_file: ${CREDENTIALS_DIRECTORY}/leadsquared-access-key
              secret_key_file: ${CREDENTIALS_DIRECTORY}/leadsquared-secret-key
              allow_insecure: true
            ledger:
              path: \(state.appendingPathComponent("ledger.sqlite").path)
            observability:
              listen: \(statusPort.map { "127.0.0.1:\($0)" } ?? "\"off\"")
              log_level: info

            """
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: configPath)
    }

    /// Starts the built notegate with `arguments` under the unit's filter, with `CREDENTIALS_DIRECTORY` set.
    func start(_ arguments: [String]) throws -> Process {
        let filter = try UnitSystemCallFilter(unit: ServiceSandboxTests.unit)
        let process = try SeccompExec.process([NotegateBinary.productsDirectory.appendingPathComponent("notegate").path]
                                              + arguments, filter: filter, listFile: filterList)
        var environment = ProcessInfo.processInfo.environment
        environment["CREDENTIALS_DIRECTORY"] = credentials.path
        process.environment = environment
        process.currentDirectoryURL = state
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
        return process
    }

    /// Runs the built notegate with `arguments` under the unit's filter until it exits.
    func run(_ arguments: [String]) async throws -> SandboxedRun {
        let process = try start(arguments)
        let deadline = ContinuousClock.now + .seconds(60)
        while process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            Issue.record("notegate \(arguments.joined(separator: " ")) did not exit within 60 s: \(output)")
        }
        return SandboxedRun(exit: ProcessExit(process), stdout: read(stdoutURL), stderr: read(stderrURL))
    }

    /// What the program printed so far, for a failure message.
    var output: String { "stdout: \(read(stdoutURL))\nstderr: \(read(stderrURL))" }

    private func read(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }
}

struct SandboxedRun: CustomStringConvertible {
    var exit: ProcessExit
    var stdout: String
    var stderr: String
    var description: String { "\(exit)\nstdout: \(stdout)\nstderr: \(stderr)" }
}
