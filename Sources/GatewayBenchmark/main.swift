// `make bench`: the whole gateway against a private Dovecot and the sandbox, in one process.
//   notegate-bench-e2e drain N    N tagged messages through the pipeline at the sandbox's 25 per 5 s
//                                 limit: sustained notes/s as a fraction of the 5/s ceiling, and 429s.
//   notegate-bench-e2e ingest N   N realistic messages with the API limit off: messages/s through
//                                 fetch, parse, decide and ledger, and the process's peak RSS.
import DovecotHarness
import Foundation
import Gateway
import GatewayConfig
import LeadSquaredSandbox
import Ledger
import Logging

let arguments = CommandLine.arguments
if arguments.count == 3, arguments[1] == "side-by-side", let count = Int(arguments[2]) {
    // `make bench-ingest`: see IngestSideBySide.
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let notegate = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("notegate").path
    do {
        try IngestSideBySide(count: count, packageRoot: root, notegate: notegate).run()
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("bench-ingest: \(error)\n".utf8))
        exit(1)
    }
}
guard arguments.count == 3, let count = Int(arguments[2]), ["drain", "ingest"].contains(arguments[1]) else {
    FileHandle.standardError.write(Data("usage: notegate-bench-e2e drain|ingest|side-by-side COUNT\n".utf8))
    exit(2)
}
let draining = arguments[1] == "drain"
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

let dovecot = try DovecotServer()
var sandboxConfiguration = SandboxConfiguration()
sandboxConfiguration.callLimit = draining ? .documented : nil
let sandbox = try await SandboxServer.start(sandboxConfiguration)
try MaildirDelivery(dovecot: dovecot).deliver(count: count, samples: try Samples(packageRoot: packageRoot))

let directory = dovecot.directory.appendingPathComponent("bench")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
let accessKey = directory.appendingPathComponent("access").path
let secretKey = directory.appendingPathComponent("secret").path
try Data(sandboxConfiguration.accessKey.utf8).write(to: URL(fileURLWithPath: accessKey))
try Data(sandboxConfiguration.secretKey.utf8).write(to: URL(fileURLWithPath: secretKey))
let ledgerPath = directory.appendingPathComponent("ledger.sqlite").path
let configuration = GatewayConfiguration(
    mailboxes: [MailboxConfig(
        name: "bench", host: "127.0.0.1", port: dovecot.imapsPort,
        tls: .init(verify: true, caFile: dovecot.certificates.caFile), username: dovecot.user,
        authentication: .login(password: .file(dovecot.passwordFile)),
        actions: .init(posted: .keep, skipped: .keep, failed: .keep), startFrom: .all)],
    leadSquared: LeadSquaredSettings(
        host: sandbox.baseURL.absoluteString, tenantID: sandboxConfiguration.tenantID,
        accessKey: .file(accessKey), secretKey: .file(secretKey),
        rateLimitCalls: draining ? 25 : 100_000, rateLimitSeconds: draining ? 5 : 1,
        concurrency: draining ? 4 : 16, allowInsecure: true),
    ledger: LedgerSettings(path: ledgerPath))

var logger = Logger(label: "notegate.bench")
logger.logLevel = .error
let runtime = try GatewayRuntime(configuration: configuration, logger: logger)
let clock = ContinuousClock()
let started = clock.now
let recordedAll = Task {
    // When the last message is in the ledger: the ingest half of the pipeline is done.
    let reader = try SQLiteLedgerReader(readOnlyPath: ledgerPath)
    while try await reader.counts().values.reduce(0, +) < count { try await Task.sleep(for: .milliseconds(20)) }
    return clock.now - started
}
let summary = try await runtime.runOnce()
let total = clock.now - started
await runtime.shutdown()
let ingestTime = try await recordedAll.value
let notes = await sandbox.account.notes()
let stats = await sandbox.account.stats()
await sandbox.stop()
dovecot.stop()

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

if draining {
    print(DrainFigure(notes: notes.map(\.receivedAt)).line(messages: count, posted: summary.posted,
                                                           seconds: seconds(total), rateLimited: stats.rateLimited))
} else {
    let peakKiB = PeakMemory.residentKiB()
    print(String(format: "ingest: %d messages recorded in %.1f s = %.0f messages/s (all posted after %.1f s, %d notes); peak RSS %.1f MiB",
                 count, seconds(ingestTime), Double(count) / seconds(ingestTime), seconds(total), notes.count,
                 Double(peakKiB) / 1024))
}

/// The drain at the sandbox's limit, right for any number of notes. The limit lets no more than 25 calls
/// into any 5 seconds, so note `25·k + 1` can reach the server no sooner than `5·k` s after the first. With
/// `k` = ⌊(n − 1) / 25⌋, the whole windows the n notes need beyond the first, the figure is `5·k` over the time
/// note `25·k + 1` actually came after note 1: 1.000 for a run at the ceiling whatever n (the sandbox
/// refuses anything faster). The last window's notes after note `25·k + 1` do not count, so a
/// partial last window does not read as a slow one. The time above `5·k`, divided by `k`, is what each
/// window cost beyond the limit itself: the governor's round trip per slot and window (see CallWindow), the
/// ledger commit before each call, scheduling. With 25 notes or fewer the limit never binds and there is no
/// drain to measure.
struct DrainFigure {
    static let callsPerWindow = 25
    static let window = 5.0

    /// Arrival times at the sandbox, in order.
    let arrivals: [Date]

    init(notes: [Date]) {
        arrivals = notes.sorted()
    }

    /// k: whole windows between the first note and note 25·k + 1; 0 when there is no drain to measure.
    var wholeWindows: Int { max(0, arrivals.count - 1) / Self.callsPerWindow }

    /// The time from the first note to note 25·k + 1.
    var span: Double {
        arrivals[wholeWindows * Self.callsPerWindow].timeIntervalSince(arrivals[0])
    }

    func line(messages: Int, posted: Int, seconds: Double, rateLimited: Int) -> String {
        let head = String(format: "drain: %d messages, %d notes posted in %.1f s", messages, posted, seconds)
        guard wholeWindows > 0 else {
            return head + "; \(arrivals.count) notes fit in one window, so the limit never binds: no drain to measure; "
                + "\(rateLimited) 429s"
        }
        let minimum = Double(wholeWindows) * Self.window
        let fraction = minimum / span
        let windows = wholeWindows == 1 ? "1 whole window" : "\(wholeWindows) whole windows"
        return head + String(format: "; note %d came %.2f s after note 1, the limit allows %.0f s at the soonest (\(windows)): "
                             + "%.4f of the 5/s ceiling = %.3f notes/s sustained, %.0f ms per window above 5 s; %d 429s",
                             wholeWindows * Self.callsPerWindow + 1, span, minimum, fraction,
                             fraction * Double(Self.callsPerWindow) / Self.window,
                             (span - minimum) / Double(wholeWindows) * 1000, rateLimited)
    }
}

/// The process's peak resident set size (VmHWM), in KiB.
enum PeakMemory {
    static func residentKiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}

/// Realistic messages to copy: every fixture that would be posted, each given a fresh Message-ID and
/// a ticket tag of its own so that none is a duplicate of another.
struct Samples {
    let messages: [String]

    init(packageRoot: URL) throws {
        let folder = packageRoot.appendingPathComponent("fixtures")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".eml") && !$0.hasPrefix("malformed") && !$0.hasPrefix("nesting-5000") }.sorted()
        messages = try names.compactMap { name in
            let text = String(decoding: try Data(contentsOf: folder.appendingPathComponent(name)), as: UTF8.self)
            return text.contains("Message-ID: <") ? text : nil
        }
    }

    func message(_ index: Int) -> String {
        var text = messages[index % messages.count]
        if let start = text.range(of: "Message-ID: <") {
            text.insert(contentsOf: "bench\(index)-", at: start.upperBound)
        }
        if let subject = text.range(of: "Subject: ") {
            let lineEnd = text[subject.upperBound...].firstIndex(of: "\n") ?? text.endIndex
            let untagged = text[subject.upperBound..<lineEnd].replacing(/\[#[0-9]+\]/, with: "")
            text.replaceSubrange(subject.upperBound..<lineEnd, with: "[#\(index + 1)] " + untagged)
        }
        return text
    }
}

/// Puts messages straight into the test Dovecot's Maildir: thousands in seconds, where APPEND
/// through a client would take minutes.
struct MaildirDelivery {
    let dovecot: DovecotServer

    func deliver(count: Int, samples: Samples) throws {
        let maildir = dovecot.directory.appendingPathComponent("mail").appendingPathComponent(dovecot.user)
        let owner = getpwnam("dovecot").pointee
        for sub in ["", "cur", "new", "tmp"] {
            let path = maildir.appendingPathComponent(sub).path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            chown(path, owner.pw_uid, owner.pw_gid)
        }
        for index in 0..<count {
            let path = maildir.appendingPathComponent("new/\(1_700_000_000 + index).bench\(index).localhost").path
            let text = samples.message(index).replacingOccurrences(of: "\r\n", with: "\n")
            guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
                throw DeliveryFailed(path: path)
            }
            chown(path, owner.pw_uid, owner.pw_gid)
        }
    }
}

struct DeliveryFailed: Error, CustomStringConvertible {
    let path: String
    var description: String { "could not write \(path)" }
}
