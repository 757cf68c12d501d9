import DovecotHarness
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Glibc
import LeadSquaredSandbox
import Testing

/// Every metric moves through the real pipeline: the `notegate run` binary against Dovecot and the sandbox,
/// `/metrics` and `/healthz` read over HTTP while the thing happens.
@Suite(.serialized) struct MetricsThatMoveTests {
    @Test func aMailboxWithAWrongPasswordIsParkedWhileTheOtherPosts() async throws {
        try await withServers { servers in
            for index in 1...3 { try servers.dovecot.append(MetricsMail.message(index)) }
            let wrongPassword = servers.directory.appendingPathComponent("wrong-password")
            try Data("not the password".utf8).write(to: wrongPassword)
            let config = try servers.writeConfig(extraMailbox: """
                  - name: locked
                    host: 127.0.0.1
                    port: \(servers.dovecot.imapsPort)
                    tls: { verify: true, ca_file: \(servers.dovecot.certificates.caFile) }
                    username: \(servers.dovecot.user)
                    password_file: \(wrongPassword.path)
                    configuration_retry_seconds: 1
                """)
            let daemon = try Daemon(config: config, log: servers.directory.appendingPathComponent("run.log"))
            defer { daemon.kill() }

            try await eventually("3 notes from the good mailbox", daemon) {
                await servers.sandbox.account.notes().count >= 3 ? true : nil
            }
            let parkings = try await eventually("the locked mailbox parked twice (tried again after 1 s)",
                                                daemon) { () async throws -> Double? in
                let scrape = try await Scrape(port: servers.statusPort)
                guard let value = scrape.value(#"notegate_mailbox_parked_total{mailbox="locked"}"#), value >= 2 else {
                    return nil
                }
                return value
            }
            let metrics = try await Scrape(port: servers.statusPort)
            let health = try await StatusHTTP.get("http://127.0.0.1:\(servers.statusPort)/healthz")
            #expect(daemon.isRunning, "one parked mailbox must not end run")
            daemon.terminate()

            #expect(parkings >= 2)
            #expect(metrics.value(#"notegate_mailbox_parked{mailbox="locked"}"#) == 1)
            #expect(metrics.value(#"notegate_messages_seen_total{mailbox="loopback"}"#) == 3)
            #expect(metrics.value("notegate_messages_posted_total") == 3)
            #expect(metrics.value(#"notegate_imap_reconnects_total{mailbox="locked"}"#) == nil,
                    "a mailbox that never had a session has not reconnected")
            #expect(health.status == 503)
            #expect(health.body.contains(#""component":"mailbox locked""#), "\(health.body)")
            #expect(health.body.contains("parked (folder INBOX)"), "\(health.body)")
            #expect(health.body.contains("refused the login"), "\(health.body)")
            #expect(!health.body.contains(#""component":"mailbox loopback""#), "\(health.body)")
            #expect(daemon.exitStatus == 0, "SIGTERM ends run cleanly")
            #expect(daemon.log.contains("every sender is accepted"), "no senders.allow: run warns at start")

            let once = try Daemon.once(config: config)
            #expect(once.status == 1, "once exits 1 when a mailbox is parked")
            #expect(once.output.contains("mailbox locked INBOX parked: "), "\(once.output)")
        }
    }

    @Test func governorWaitAndQueueDepthMoveWhileABacklogDrains() async throws {
        try await withServers { servers in
            for index in 1...8 { try servers.dovecot.append(MetricsMail.message(index)) }
            try servers.dovecot.append(MetricsMail.message(1)) // the same Message-ID again: not a new message
            let config = try servers.writeConfig(leadSquared: ["rate_limit_calls: 1", "rate_limit_seconds: 1"],
                                                 senders: "senders:\n  allow: [vendor.example]\n")
            let daemon = try Daemon(config: config, log: servers.directory.appendingPathComponent("run.log"))
            defer { daemon.kill() }

            let observed = try await eventually("the governor waiting and notes queued, seen on one scrape", daemon) {
                let scrape = try await Scrape(port: servers.statusPort)
                let wait = scrape.value("notegate_rate_governor_wait_seconds_total") ?? 0
                let depth = scrape.value("notegate_queue_depth") ?? 0
                let posted = scrape.value("notegate_messages_posted_total") ?? 0
                return wait > 0 && depth > 0 ? (wait, depth, posted) : nil
            }
            try await eventually("8 notes posted", daemon) {
                try await Scrape(port: servers.statusPort).value("notegate_messages_posted_total") == 8 ? true : nil
            }
            try await eventually("the queue-depth gauge back to 0", daemon) {
                try await Scrape(port: servers.statusPort).value("notegate_queue_depth") == 0 ? true : nil
            }
            let final = try await Scrape(port: servers.statusPort)
            daemon.terminate()

            #expect(observed.1 <= 8, "queued \(observed.1) of 8 (posted \(observed.2) at that scrape)")
            #expect(final.value("notegate_rate_governor_wait_seconds_total") ?? 0 >= observed.0)
            #expect(final.value(#"notegate_messages_seen_total{mailbox="loopback"}"#) == 8)
            #expect(final.value(#"notegate_api_calls_total{outcome="posted"}"#) == 8)
            #expect(final.value("notegate_messages_uncertain_total") == 0)
            #expect(await servers.sandbox.account.notes().count == 8)
            #expect(!daemon.log.contains("every sender is accepted"), "senders.allow is set: no warning")
        }
    }

    @Test func aPostInterruptedByAKillIsCountedUncertainAtTheNextStart() async throws {
        try await withServers { servers in
            try await servers.sandbox.account.setFaults(SandboxFaults(latencyMilliseconds: 30_000))
            try servers.dovecot.append(MetricsMail.message(1))
            let config = try servers.writeConfig(leadSquared: ["timeout_seconds: 60"])
            let log = servers.directory.appendingPathComponent("run.log")
            let first = try Daemon(config: config, log: log)
            defer { first.kill() }
            try await eventually("the post in flight at the sandbox", first) {
                await servers.sandbox.account.stats().requests >= 1 ? true : nil
            }
            let before = try await Scrape(port: servers.statusPort)
            first.kill()
            try await servers.sandbox.account.setFaults(SandboxFaults())

            let second = try Daemon(config: config, log: log)
            defer { second.kill() }
            try await eventually("the interrupted note posted again", second) {
                try await Scrape(port: servers.statusPort).value("notegate_messages_posted_total") == 1 ? true : nil
            }
            let after = try await Scrape(port: servers.statusPort)
            second.terminate()

            #expect(before.value("notegate_messages_uncertain_total") == 0)
            #expect(after.value("notegate_messages_uncertain_total") == 1, "recovered at start as uncertain")
            #expect(after.value(#"notegate_messages_seen_total{mailbox="loopback"}"#) == nil,
                    "the message was recorded by the first process; fetched again, it is not seen again")
        }
    }

    @Test func reconnectsCountOnlySessionsOpenedAgain() async throws {
        try await withServers { servers in
            try servers.dovecot.append(MetricsMail.message(1))
            let config = try servers.writeConfig()
            let daemon = try Daemon(config: config, log: servers.directory.appendingPathComponent("run.log"))
            defer { daemon.kill() }
            try await eventually("the first note", daemon) {
                await servers.sandbox.account.notes().count >= 1 ? true : nil
            }
            let connected = try await Scrape(port: servers.statusPort)

            servers.dovecot.stop()
            try await Task.sleep(for: .seconds(4)) // a few failed attempts to reconnect (backoff 1 s, 2 s, ...)
            try servers.dovecot.start()
            let reconnects = try await eventually("the session opened again", daemon) {
                try await Scrape(port: servers.statusPort).value(#"notegate_imap_reconnects_total{mailbox="loopback"}"#)
            }
            try servers.dovecot.append(MetricsMail.message(2))
            try await eventually("a note after the reconnect", daemon) {
                await servers.sandbox.account.notes().count >= 2 ? true : nil
            }
            let final = try await Scrape(port: servers.statusPort)
            daemon.terminate()

            #expect(connected.value(#"notegate_imap_reconnects_total{mailbox="loopback"}"#) == nil,
                    "the first connection is not a reconnect")
            #expect(reconnects == 1)
            #expect(final.value(#"notegate_imap_reconnects_total{mailbox="loopback"}"#) == 1,
                    "failed attempts while the server was down are not reconnects")
        }
    }
}

/// Dovecot and the sandbox for one test, a folder for its files and a free port for the status server.
private final class Servers: Sendable {
    let dovecot: DovecotServer
    let sandbox: SandboxServer
    let directory: URL
    let statusPort: Int

    init() async throws {
        dovecot = try DovecotServer()
        do {
            sandbox = try await SandboxServer.start()
        } catch {
            dovecot.stop()
            throw error
        }
        directory = dovecot.directory.appendingPathComponent("metrics")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        statusPort = try freePort()
    }

    /// Stops both.
    func stop() async {
        dovecot.stop()
        await sandbox.stop()
    }

    func writeConfig(leadSquared: [String] = [], senders: String = "", extraMailbox: String = "") throws -> String {
        let configuration = sandbox.account.configuration
        return try LoopbackGatewayConfig(
            directory: directory, dovecot: dovecot, apiURL: sandbox.baseURL.absoluteString,
            tenantID: configuration.tenantID, accessKey: configuration.accessKey, secretKey: configuration.secretKey,
            mailboxSettings: ["timeout_seconds: 5"] + (extraMailbox.isEmpty ? [] : ["__EXTRA__"]),
            leadSquaredSettings: ["retry_base_seconds: 1", "retry_cap_seconds: 1"] + leadSquared,
            sections: senders, statusListen: "127.0.0.1:\(statusPort)"
        ).withExtraMailbox(extraMailbox)
    }
}

extension LoopbackGatewayConfig {
    /// The config's path, with a second `mailboxes:` entry put where the `__EXTRA__` marker line is.
    fileprivate func withExtraMailbox(_ entry: String) throws -> String {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) == "__EXTRA__" ? entry : String($0) }
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

/// Runs `body` with fresh servers, and stops them however it ends.
private func withServers(_ body: (Servers) async throws -> Void) async throws {
    let servers = try await Servers()
    do {
        try await body(servers)
    } catch {
        await servers.stop()
        throw error
    }
    await servers.stop()
}

/// One GET over loopback.
private enum StatusHTTP {
    static func get(_ url: String) async throws -> (status: Int, body: String) {
        try await withCheckedThrowingContinuation { continuation in
            URLSession.shared.dataTask(with: URL(string: url)!) { data, response, error in
                if let error { return continuation.resume(throwing: error) }
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                continuation.resume(returning: (status, String(decoding: data ?? Data(), as: UTF8.self)))
            }.resume()
        }
    }
}

/// A `notegate run` process with its output in a log file.
private final class Daemon: Sendable {
    private let process: Process
    private let logFile: URL

    init(config: String, log: URL) throws {
        if !FileManager.default.fileExists(atPath: log.path) {
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        }
        let output = try FileHandle(forWritingTo: log)
        output.seekToEndOfFile()
        let process = Process()
        process.executableURL = Bundle.main.bundleURL.appendingPathComponent("notegate")
        process.arguments = ["run", "--config", config]
        process.standardOutput = output
        process.standardError = output
        try process.run()
        self.process = process
        logFile = log
    }

    var isRunning: Bool { process.isRunning }
    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }
    var exitStatus: Int32? { process.isRunning ? nil : process.terminationStatus }

    /// SIGTERM, then waits for the exit.
    func terminate() {
        guard process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }

    /// SIGKILL, then waits for the exit: a crash.
    func kill() {
        guard process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// `notegate once`, run to the end; stdout and stderr together.
    static func once(config: String) throws -> (status: Int32, output: String) {
        let completion = try SpawnedProcess.run(Bundle.main.bundleURL.appendingPathComponent("notegate").path,
                                                ["once", "--config", config])
        return (completion.status, completion.output)
    }
}

/// Polls `value` every 200 ms until it is not nil; past `timeout` the test fails, naming what it waited for
/// and showing the end of the daemon's log.
@discardableResult
private func eventually<T: Sendable>(_ what: String, _ daemon: Daemon, timeout: Duration = .seconds(60),
                                     _ value: @Sendable () async throws -> T?) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if let found = try? await value() { return found }
        if !daemon.isRunning { break }
        try await Task.sleep(for: .milliseconds(200))
    }
    let tail = daemon.log.split(separator: "\n").suffix(15).joined(separator: "\n")
    Issue.record("waited in vain for \(what) (daemon running: \(daemon.isRunning)); log:\n\(tail)")
    throw WaitedInVain()
}

private struct WaitedInVain: Error {}

/// One `/metrics` scrape, parsed.
private struct Scrape {
    let values: [String: Double]

    init(port: Int) async throws {
        let (status, body) = try await StatusHTTP.get("http://127.0.0.1:\(port)/metrics")
        guard status == 200 else { throw WaitedInVain() }
        var values: [String: Double] = [:]
        for line in body.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            values[String(line[..<space])] = value
        }
        self.values = values
    }

    /// The value of `series` (name and labels as exposed), or nil if it is not there.
    func value(_ series: String) -> Double? { values[series] }
}

/// Tagged mail from an allowed domain.
private enum MetricsMail {
    static func message(_ index: Int) -> [UInt8] {
        Array("""
            From: Vendor \(index) <vendor\(index)@vendor.example>\r
            To: notes@support.example\r
            Subject: [#\(index)] Metrics \(index)\r
            Message-ID: <metrics-\(index)@vendor.example>\r
            Date: Tue, 24 Nov 2026 09:15:00 +0100\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            Update \(index): the unit was replaced.\r

            """.utf8)
    }
}
