import DovecotHarness
import Foundation
import LeadSquaredSandbox
import Ledger
import Testing

/// The proof of "exactly once, none lost": a backlog drains while the sandbox injects 500s, 429s
/// and dropped connections and the gateway process is killed with SIGKILL at random moments and
/// restarted, again and again (dozens of times), until the mailbox is drained.
@Suite struct CrashTests {
    static let messageCount = 200
    static let untaggedCount = 10
    /// Every run is killed at a random moment in this range after it starts.
    static let lifetimeMilliseconds = 400...1_800

    @Test func killedAtRandomMomentsTheGatewayPostsEveryMessageOnceOrAccountsForTheRepeat() async throws {
        // The sandbox allows fewer calls than the gateway is configured for, so real 429s happen too.
        // Dropped connections close after the note is recorded: each one is a repeat the gateway cannot avoid.
        var sandboxConfiguration = SandboxConfiguration()
        sandboxConfiguration.callLimit = .init(calls: 20, per: .seconds(5))
        sandboxConfiguration.faults = SandboxFaults(failureRate: 0.08, dropRate: 0.04, silencePoint: .afterCommit)
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        try await SandboxServer.with(sandboxConfiguration) { sandbox in
            try await drainWhileKilling(dovecot: dovecot, sandbox: sandbox)
        }
    }

    private func drainWhileKilling(dovecot: DovecotServer, sandbox: SandboxServer) async throws {
        let directory = dovecot.directory.appendingPathComponent("crash")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Ineligible mail mixed in: recorded as skipped, never posted. One IMAP session for the whole backlog, not
        // one login per message (under load Dovecot has reset such a login before the test even began).
        try BulkDelivery.append((1...Self.messageCount).map(Self.message) + (1...Self.untaggedCount).map(Self.untagged),
                                to: dovecot, scratch: directory)
        let config = try CrashConfig.write(in: directory, dovecot: dovecot, sandbox: sandbox, withFailedFolder: true)
        let log = directory.appendingPathComponent("gateway.log")

        // Which message each UID is, read before any gateway starts: the in-hand marks and a dead-lettered
        // message's ledger entry name the message only by its place.
        let inbox = try InboxUIDs.messageIDs(dovecot)
        var marks = InHandMarks()
        var kills = 0
        // Calls each death interrupted: entries in `posting` (sent or about to be, or answered and not yet
        // recorded), each recovered as uncertain and posted again at the next start.
        var interruptedPosts = 0
        var generator = SystemRandomNumberGenerator()
        let deadline = ContinuousClock.now + .seconds(600)
        while try await !Self.drained(ledger: config.ledgerPath, expected: Self.messageCount + Self.untaggedCount) {
            guard ContinuousClock.now < deadline else {
                Issue.record("the mailbox did not drain in 10 minutes (\(kills) kills); log: \(log.path)")
                return
            }
            let process = try Gateway.start(config: config.path, log: log)
            try await Task.sleep(for: .milliseconds(Int.random(in: Self.lifetimeMilliseconds, using: &generator)))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            kills += 1
            // The process is dead: the marks left in the ledger are the handlings this death interrupted.
            let left = try InHandMarks.afterDeath(ledger: config.ledgerPath)
            marks.observe(left.marks, death: kills)
            interruptedPosts += left.posting
        }
        // A last, undisturbed pass settles whatever the last kill interrupted, mailbox actions included.
        #expect(try Gateway.once(config: config.path) == 0)
        let leftInHand = try InHandMarks.sqlite(ledger: config.ledgerPath)
        #expect(leftInHand.isEmpty, "messages still marked in hand after a pass that ended by itself: \(leftInHand)")
        let stats = await sandbox.account.stats()
        let notes = await sandbox.account.notes()

        let reader = try SQLiteLedgerReader(readOnlyPath: config.ledgerPath)
        let entries = try await reader.list(LedgerFilter(limit: 10_000))
        // The poison-message guard may dead-letter an innocent message that two kills caught in hand (its
        // design); any other dead entry, or one the kills do not account for, is a bug.
        let dead = InHandMarks.DeadLettered(entries, inbox: inbox)
        let deadIDs = Set(dead.byUID.values)
        let deadTickets = Set((1...Self.messageCount).filter { deadIDs.contains(Self.messageID($0)) })
        let deadUntagged = Set((1...Self.untaggedCount).filter { deadIDs.contains(Self.untaggedID($0)) })
        var copies: [Int: Int] = [:]
        for note in notes { copies[note.ticketID, default: 0] += 1 }
        let missing = (1...Self.messageCount).filter { copies[$0, default: 0] == 0 && !deadTickets.contains($0) }
        let repeated = copies.values.reduce(0) { $0 + max(0, $1 - 1) }
        let reposts = entries.reduce(0) { $0 + $1.uncertainReposts }
        // Independent of the ledger: a note can only be repeated by a call whose answer never arrived, either
        // because the sandbox dropped the connection after recording the note or because the process was killed.
        let repeatBound = stats.unanswered + kills
        let folders = try MailboxFolders.messageIDs(dovecot)
        let folderCounts = folders.keys.sorted().map { "\($0) \(folders[$0]?.count ?? 0)" }.joined(separator: ", ")
        print("crash test: \(Self.messageCount) eligible + \(Self.untaggedCount) untagged messages, \(kills) SIGKILLs, "
              + "\(notes.count) notes posted, \(repeated) repeated notes (bound: \(stats.unanswered) dropped calls + "
              + "\(kills) kills = \(repeatBound)), \(reposts) uncertain reposts (bound: \(interruptedPosts) posts interrupted + "
              + "\(stats.unanswered) unanswered), \(stats.failed) injected 500s, "
              + "\(stats.rateLimited) 429s, missing \(missing.count), \(deadIDs.count) dead-lettered "
              + "\(InHandMarks.crashedWhileParsing) (\(marks.summary)); messages per folder: \(folderCounts)")

        #expect(kills >= 24, "dozens of kills, not a handful")
        #expect(missing.isEmpty, "messages never posted: \(missing)")
        marks.expectAccounts(for: dead)
        for ticket in deadTickets {
            #expect(copies[ticket, default: 0] == 0, "ticket \(ticket) was dead-lettered, yet has a note")
        }
        #expect(repeated <= repeatBound, "more repeated notes than calls that went unanswered or were killed")
        // Counted from the ledger after each death and from the sandbox: every uncertain repost is a post a death
        // interrupted or a call whose answer never arrived (the 10 s call timeout keeps slow answers out of this).
        #expect(reposts <= interruptedPosts + stats.unanswered,
                "uncertain reposts \(reposts): more than the \(interruptedPosts) posts deaths interrupted and \(stats.unanswered) calls left unanswered")
        // A note is repeated only by a post the ledger counted as an uncertain repost: per message, not just in sum.
        for entry in entries {
            guard let ticket = entry.ticketID, let count = copies[ticket], count > 1 else { continue }
            #expect(count - 1 <= entry.uncertainReposts,
                    "ticket \(ticket) has \(count) notes; its entry counts \(entry.uncertainReposts) uncertain reposts")
        }
        #expect(notes.allSatisfy { $0.ticketID >= 1 && $0.ticketID <= Self.messageCount })
        for note in notes where note.ticketID >= 1 && note.ticketID <= Self.messageCount {
            #expect(note.text.hasSuffix(Self.body(note.ticketID)), "ticket \(note.ticketID) got: \(note.text)")
            #expect(note.text.contains("Update number \(note.ticketID)"), "ticket \(note.ticketID) got: \(note.text)")
        }

        #expect(entries.count == Self.messageCount + Self.untaggedCount)
        #expect(entries.filter { $0.state.name == .posted }.count == Self.messageCount - deadTickets.count)
        for index in 1...Self.untaggedCount where !deadUntagged.contains(index) {
            let entry = entries.first { $0.messageID == "skip\(index)@x.example" }
            #expect(entry?.state == .skipped(reason: "no-ticket"), "untagged message \(index): \(String(describing: entry?.state))")
        }
        for entry in entries where entry.state.name == .posted {
            let note = notes.last { $0.ticketID == entry.ticketID }
            #expect(note?.text == entry.note, "ledger entry \(entry.id): the note on the ticket is not the one recorded")
        }
        let dueActions = entries.flatMap { entry in entry.sightings.compactMap { $0.dueAction.map { (entry.id, $0) } } }
        #expect(dueActions.isEmpty, "ledger entries with a mailbox action still pending: \(dueActions)")

        #expect(folders["INBOX", default: []].isEmpty, "left in INBOX: \(folders["INBOX", default: []])")
        let posted = (1...Self.messageCount).filter { !deadTickets.contains($0) }.map(Self.messageID)
        #expect(Set(folders["notegate.posted", default: []]) == Set(posted))
        #expect(folders["notegate.posted", default: []].count == posted.count, "a posted message moved twice")
        #expect(Set(folders["notegate.skipped", default: []])
            == Set((1...Self.untaggedCount).filter { !deadUntagged.contains($0) }.map(Self.untaggedID)))
        // No post failed for good: only the messages the guard dead-lettered are in notegate.failed.
        #expect(Set(folders["notegate.failed", default: []]) == deadIDs,
                "notegate.failed holds \(folders["notegate.failed", default: []]); dead-lettered: \(deadIDs.sorted())")
        #expect(folders["notegate.failed", default: []].count == deadIDs.count, "a dead-lettered message moved twice")
    }

    static func messageID(_ index: Int) -> String { "crash-\(index)@vendor.example" }
    static func untaggedID(_ index: Int) -> String { "skip\(index)@x.example" }

    static func body(_ index: Int) -> String {
        "Status update \(index): the unit was replaced."
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
            \(body(index))\r

            """.utf8)
    }

    static func untagged(_ index: Int) -> [UInt8] {
        Array("From: a@x.example\r\nSubject: no tag \(index)\r\nMessage-ID: <skip\(index)@x.example>\r\n\r\nhi\r\n".utf8)
    }

    /// Everything recorded and nothing left to post. A ledger a killed process left before its schema was
    /// complete counts as not drained; any other failure to read it fails the test at once.
    static func drained(ledger path: String, expected: Int) async throws -> Bool {
        guard FileManager.default.fileExists(atPath: path) else { return false }
        let reader: SQLiteLedgerReader
        do {
            reader = try SQLiteLedgerReader(readOnlyPath: path)
        } catch let error as LedgerError where error == .notMigrated(path: path) {
            return false
        }
        let counts = try await reader.counts()
        let recorded = counts.values.reduce(0, +)
        let open = (counts[.pending] ?? 0) + (counts[.retrying] ?? 0) + (counts[.posting] ?? 0)
        return recorded >= expected && open == 0
    }
}

extension SandboxServer {
    /// Runs `body` with a sandbox started from `configuration`, and stops the sandbox however `body` ends.
    static func with<T>(_ configuration: SandboxConfiguration = SandboxConfiguration(),
                        _ body: (SandboxServer) async throws -> T) async throws -> T {
        let sandbox = try await SandboxServer.start(configuration)
        do {
            let result = try await body(sandbox)
            await sandbox.stop()
            return result
        } catch {
            await sandbox.stop()
            throw error
        }
    }
}

/// The gateway's config for the crash test: quick timeouts and retries, many attempts.
enum CrashConfig {
    static func write(in directory: URL, dovecot: DovecotServer, sandbox: SandboxServer,
                      withFailedFolder: Bool = false, statusListen: String? = nil) throws -> LoopbackGatewayConfig {
        // Posted and skipped messages move by default; a failed one moves too when asked, so that every
        // outcome has a folder to be checked in.
        let actions = withFailedFolder
            ? [#"actions: { posted: "move:notegate/posted", skipped: "move:notegate/skipped", failed: "move:notegate/failed" }"#]
            : []
        return try LoopbackGatewayConfig(
            directory: directory, dovecot: dovecot, apiURL: sandbox.baseURL.absoluteString,
            tenantID: sandbox.account.configuration.tenantID, accessKey: sandbox.account.configuration.accessKey,
            secretKey: sandbox.account.configuration.secretKey, mailboxSettings: ["timeout_seconds: 5"] + actions,
            // A generous call timeout: a call the sandbox answered late would be a repeat the crash test cannot
            // count independently (its dropped connections close at once, whatever the timeout).
            leadSquaredSettings: ["timeout_seconds: 10", "max_attempts: 50", "retry_base_seconds: 1",
                                  "retry_cap_seconds: 2"],
            statusListen: statusListen)
    }
}

/// The real `notegate` executable beside this test bundle.
enum Gateway {
    /// `NOTEGATE_TEST_BINARY` when set (a copy that a concurrent build cannot replace mid-test), otherwise
    /// the binary built beside the test bundle.
    static var executable: URL {
        if let path = ProcessInfo.processInfo.environment["NOTEGATE_TEST_BINARY"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return Bundle.main.bundleURL.appendingPathComponent("notegate")
    }

    /// Starts `notegate run`, its output appended to `log`; `environment` is added to the test's own.
    static func start(config: String, log: URL, environment: [String: String] = [:]) throws -> Process {
        if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
        let output = try FileHandle(forWritingTo: log)
        output.seekToEndOfFile()
        let process = Process()
        process.executableURL = executable
        process.arguments = ["run", "--config", config]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = output
        process.standardError = output
        try process.run()
        return process
    }

    static func once(config: String) throws -> Int32 {
        try onceProcess(config: config).terminationStatus
    }

    /// Runs `notegate once` to its end and returns the process, to read how it ended.
    static func onceProcess(config: String, environment: [String: String] = [:], log: URL? = nil) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["once", "--config", config]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let log {
            if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
            let output = try FileHandle(forWritingTo: log)
            output.seekToEndOfFile()
            process.standardOutput = output
            process.standardError = output
        }
        try process.run()
        process.waitUntilExit()
        return process
    }
}

/// SIGTERM is a graceful stop: no new call starts, the calls in flight finish and are recorded, exit 0; the
/// mailbox actions of the notes posted meanwhile are applied at the next start at the latest.
@Suite struct GracefulStopTests {
    static let messageCount = 60
    /// The gateway's default `leadsquared.concurrency`: the most calls that can be in flight at SIGTERM.
    static let concurrency = 4

    @Test func sigtermStartsNoNewCallFinishesTheCallsInFlightAndLosesNoMailboxAction() async throws {
        var sandboxConfiguration = SandboxConfiguration()
        sandboxConfiguration.faults = SandboxFaults(latencyMilliseconds: 300)
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        try await SandboxServer.with(sandboxConfiguration) { sandbox in
            try await stopGracefully(dovecot: dovecot, sandbox: sandbox)
        }
    }

    private func stopGracefully(dovecot: DovecotServer, sandbox: SandboxServer) async throws {
        for index in 1...Self.messageCount { try dovecot.append(CrashTests.message(index)) }
        let directory = dovecot.directory.appendingPathComponent("graceful")
        let config = try CrashConfig.write(in: directory, dovecot: dovecot, sandbox: sandbox)

        let log = directory.appendingPathComponent("gateway.log")
        let process = try Gateway.start(config: config.path, log: log)
        defer {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }
        // Let it get going: mail recorded and notes posted, more in flight.
        let deadline = ContinuousClock.now + .seconds(60)
        while await sandbox.account.notes().count < 5 {
            guard ContinuousClock.now < deadline, process.isRunning else {
                Issue.record("no 5 notes posted within 60 s; log: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        kill(process.processIdentifier, SIGTERM)
        let postedAtSIGTERM = await sandbox.account.notes().count
        process.waitUntilExit()
        let postedAtExit = await sandbox.account.notes().count

        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0, "\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        print("graceful stop: \(postedAtSIGTERM) notes posted at SIGTERM, \(postedAtExit) at exit, "
              + "\(Self.messageCount) messages")
        #expect(postedAtExit - postedAtSIGTERM <= Self.concurrency,
                "\(postedAtExit - postedAtSIGTERM) notes arrived after SIGTERM: new calls were started")
        let counts = try await SQLiteLedgerReader(readOnlyPath: config.ledgerPath).counts()
        #expect(counts[.posting] == 0, "a call in flight at SIGTERM was left unrecorded")
        #expect(counts[.uncertain] == 0)
        #expect(counts[.posted] == postedAtExit)

        // The next start applies the actions a stop left due, and posts the rest.
        let rest = try Gateway.onceProcess(config: config.path, log: log)
        let notes = await sandbox.account.notes()
        #expect(rest.terminationStatus == 0)
        #expect(notes.count == Self.messageCount, "every message posted once")
        #expect(Set(notes.map(\.ticketID)) == Set(1...Self.messageCount))
        let folders = try MailboxFolders.messageIDs(dovecot)
        #expect(folders["INBOX", default: []].isEmpty, "left in INBOX: \(folders["INBOX", default: []])")
        #expect(Set(folders["notegate.posted", default: []])
            == Set((1...Self.messageCount).map { "crash-\($0)@vendor.example" }))
        let entries = try await SQLiteLedgerReader(readOnlyPath: config.ledgerPath).list(LedgerFilter(limit: 1_000))
        #expect(entries.allSatisfy { $0.sightings.allSatisfy { $0.dueAction == nil } }, "a mailbox action still due")
    }
}
