import DovecotHarness
import Foundation
import LeadSquaredSandbox
import Ledger
import Testing

/// The proof of "exactly once, none lost": a backlog drains while the sandbox injects 500s, 429s
/// and dropped connections and the gateway process is killed with SIGKILL at random moments and
/// restarted, again and again, until the mailbox is drained.
@Suite struct CrashTests {
    static let messageCount = 200

    @Test func killedAtRandomMomentsTheGatewayPostsEveryMessageOnceOrAccountsForTheRepeat() async throws {
        // The sandbox allows fewer calls than the gateway is configured for, so real 429s happen too.
        var sandboxConfiguration = SandboxConfiguration()
        sandboxConfiguration.callLimit = .init(calls: 20, per: .seconds(5))
        sandboxConfiguration.faults = SandboxFaults(failureRate: 0.08, dropRate: 0.04, silencePoint: .afterCommit)
        let sandbox = try await SandboxServer.start(sandboxConfiguration)
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }

        for index in 1...Self.messageCount {
            try dovecot.append(Self.message(index))
        }
        // Ineligible mail mixed in: recorded as skipped, never posted.
        for index in 1...10 {
            try dovecot.append(Array("From: a@x.example\r\nSubject: no tag \(index)\r\nMessage-ID: <skip\(index)@x>\r\n\r\nhi\r\n".utf8))
        }
        let directory = dovecot.directory.appendingPathComponent("crash")
        let config = try CrashConfig.write(in: directory, dovecot: dovecot, sandbox: sandbox)

        var kills = 0
        var generator = SystemRandomNumberGenerator()
        let deadline = ContinuousClock.now + .seconds(600)
        while try await !Self.drained(ledger: config.ledgerPath, expected: Self.messageCount + 10) {
            #expect(ContinuousClock.now < deadline, "the mailbox did not drain in 10 minutes")
            if ContinuousClock.now >= deadline { break }
            let process = try Gateway.start(config: config.path, log: directory.appendingPathComponent("gateway.log"))
            try await Task.sleep(for: .milliseconds(Int.random(in: 400...2_500, using: &generator)))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            kills += 1
        }
        // A last, undisturbed pass settles whatever the last kill interrupted.
        #expect(try Gateway.once(config: config.path) == 0)
        await sandbox.stop()

        let notes = await sandbox.account.notes()
        let reader = try SQLiteLedgerReader(readOnlyPath: config.ledgerPath)
        let entries = try await reader.list(LedgerFilter(limit: 10_000))
        var copies: [Int: Int] = [:]
        for note in notes { copies[note.ticketID, default: 0] += 1 }

        var missing: [Int] = []
        var unaccounted: [Int] = []
        var repeated = 0
        for index in 1...Self.messageCount {
            let count = copies[index, default: 0]
            if count == 0 { missing.append(index) }
            let entry = entries.first { $0.ticketID == index }
            let allowed = 1 + (entry?.uncertainReposts ?? 0)
            if count > allowed { unaccounted.append(index) }
            if count > 1 { repeated += count - 1 }
        }
        let reposts = entries.reduce(0) { $0 + $1.uncertainReposts }
        print("crash test: \(Self.messageCount) eligible messages, \(kills) SIGKILLs, \(notes.count) notes posted, "
              + "\(repeated) repeated notes, \(reposts) reposts after uncertain posts, missing \(missing.count), "
              + "unaccounted \(unaccounted.count), skipped \(entries.filter { $0.state.name == .skipped }.count)")
        #expect(kills >= 5)
        #expect(missing.isEmpty, "messages never posted: \(missing)")
        #expect(unaccounted.isEmpty, "repeated notes not accounted for by an uncertain repost: \(unaccounted)")
        #expect(entries.filter { $0.state.name == .posted }.count == Self.messageCount)
        #expect(entries.count == Self.messageCount + 10)
        #expect(notes.allSatisfy { $0.ticketID >= 1 && $0.ticketID <= Self.messageCount })
    }

    static func message(_ index: Int) -> [UInt8] {
        Array("""
            From: Vendor \(index) <vendor\(index)@vendor.example>\r
            To: notes@support.example\r
            Subject: [#\(index)] Update number \(index)\r
            Message-ID: <crash-\(index)@vendor.example>\r
            Date: Tue, 24 Nov 2026 09:15:00 +0100\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            Status update \(index): the unit was replaced.\r

            """.utf8)
    }

    /// Everything recorded and nothing left to post.
    static func drained(ledger path: String, expected: Int) async throws -> Bool {
        guard FileManager.default.fileExists(atPath: path),
              let reader = try? SQLiteLedgerReader(readOnlyPath: path) else { return false }
        let counts = try await reader.counts()
        let recorded = counts.values.reduce(0, +)
        let open = (counts[.pending] ?? 0) + (counts[.retrying] ?? 0) + (counts[.posting] ?? 0)
        return recorded >= expected && open == 0
    }
}

/// The gateway's config for the crash test: quick timeouts and retries, many attempts.
enum CrashConfig {
    static func write(in directory: URL, dovecot: DovecotServer, sandbox: SandboxServer) throws -> LoopbackGatewayConfig {
        try LoopbackGatewayConfig(
            directory: directory, dovecot: dovecot, apiURL: sandbox.baseURL.absoluteString,
            tenantID: sandbox.account.configuration.tenantID, accessKey: sandbox.account.configuration.accessKey,
            secretKey: sandbox.account.configuration.secretKey, mailboxSettings: ["timeout_seconds: 5"],
            leadSquaredSettings: ["timeout_seconds: 2", "max_attempts: 50", "retry_base_seconds: 1",
                                  "retry_cap_seconds: 2"])
    }
}

/// The real `notegate` executable beside this test bundle.
enum Gateway {
    static var executable: URL { Bundle.main.bundleURL.appendingPathComponent("notegate") }

    static func start(config: String, log: URL) throws -> Process {
        if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
        let output = try FileHandle(forWritingTo: log)
        output.seekToEndOfFile()
        let process = Process()
        process.executableURL = executable
        process.arguments = ["run", "--config", config]
        process.standardOutput = output
        process.standardError = output
        try process.run()
        return process
    }

    static func once(config: String) throws -> Int32 {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["once", "--config", config]
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// SIGTERM is a graceful stop: no new work, the calls in flight finish and are recorded, exit 0.
@Suite struct GracefulStopTests {
    @Test func sigtermStopsTheDaemonCleanlyWithNothingLeftInFlight() async throws {
        var sandboxConfiguration = SandboxConfiguration()
        sandboxConfiguration.faults = SandboxFaults(latencyMilliseconds: 300)
        let sandbox = try await SandboxServer.start(sandboxConfiguration)
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        for index in 1...60 { try dovecot.append(CrashTests.message(index)) }
        let directory = dovecot.directory.appendingPathComponent("graceful")
        let config = try CrashConfig.write(in: directory, dovecot: dovecot, sandbox: sandbox)

        let log = directory.appendingPathComponent("gateway.log")
        let process = try Gateway.start(config: config.path, log: log)
        // Let it get going: mail recorded and notes in flight.
        let deadline = ContinuousClock.now + .seconds(30)
        while await sandbox.account.notes().count < 5, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(process.processIdentifier, SIGTERM)
        let stopped = ContinuousClock.now
        process.waitUntilExit()
        await sandbox.stop()

        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0, "\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        #expect(ContinuousClock.now - stopped < .seconds(15))
        let counts = try await SQLiteLedgerReader(readOnlyPath: config.ledgerPath).counts()
        #expect(counts[.posting] == 0, "a call in flight at SIGTERM was left unrecorded")
        #expect(counts[.uncertain] == 0)
        #expect(counts[.posted] == (await sandbox.account.notes()).count)
    }
}
