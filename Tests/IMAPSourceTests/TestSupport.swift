import DovecotHarness
import Foundation
import GatewayConfig
import IMAPSource
import Logging

/// A mailbox config pointing at the test Dovecot.
func mailboxConfig(_ server: DovecotServer, transport: MailboxConfig.Transport = .imaps,
                   caFile: String?? = nil, allowInsecure: Bool = false,
                   actions: MailboxConfig.OutcomeActions = .init(posted: .keep, skipped: .keep, failed: .keep),
                   maxMessageBytes: Int = 26_214_400, pollIntervalSeconds: Int = 60,
                   startFrom: MailboxConfig.StartFrom = .new) -> MailboxConfig {
    MailboxConfig(
        name: "support", host: "127.0.0.1", port: transport == .imaps ? server.imapsPort : server.imapPort,
        transport: transport, allowInsecure: allowInsecure,
        tls: .init(verify: true, caFile: caFile ?? server.certificates.caFile),
        username: server.user, authentication: .login(password: .file(server.passwordFile)),
        maxMessageBytes: maxMessageBytes, pollIntervalSeconds: pollIntervalSeconds, sweepIntervalSeconds: 30, timeoutSeconds: 5, actions: actions,
        startFrom: startFrom
    )
}

let testLogger: Logger = {
    var logger = Logger(label: "notegate.imap.tests")
    logger.logLevel = .info
    return logger
}()

/// A plain-text message, real-looking enough for the parser.
func textMessage(subject: String, body: String = "Hello,\r\nthe printer is fixed.\r\n") -> [UInt8] {
    Array("""
    From: Customer <customer@example.com>\r
    To: support@example.com\r
    Subject: \(subject)\r
    Message-ID: <\(UUID().uuidString)@example.com>\r
    Date: Wed, 25 Nov 2026 10:00:00 +0000\r
    MIME-Version: 1.0\r
    Content-Type: text/plain; charset=utf-8\r
    \r
    \(body)
    """.utf8)
}

/// Polls `condition` every 20 ms until it holds; fails after `timeout`, saying what it waited for.
func eventually(_ what: String, timeout: Duration = .seconds(60),
                _ condition: @Sendable () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else {
            throw HarnessTimeout(description: "waited \(timeout) for \(what) in vain")
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}

struct HarnessTimeout: Error, CustomStringConvertible {
    let description: String
}

/// Records what a running `MailboxWatcher` hands over, and lets a test wait for it.
actor MessageRecorder {
    private(set) var messages: [FetchedMessage] = []
    private var arrivals: [ContinuousClock.Instant] = []

    func record(_ message: FetchedMessage) {
        messages.append(message)
        arrivals.append(.now)
    }

    /// Waits until `count` messages have arrived; returns them, or fails after `timeout`.
    func waitFor(_ count: Int, timeout: Duration = .seconds(60)) async throws -> [FetchedMessage] {
        try await eventually("\(count) messages", timeout: timeout) { await self.messages.count >= count }
        return messages
    }

    func arrival(_ index: Int) -> ContinuousClock.Instant { arrivals[index] }
}

/// Records the `WatcherEvent`s of a running `MailboxWatcher`, and lets a test wait for one.
actor EventRecorder {
    private(set) var events: [WatcherEvent] = []

    func record(_ event: WatcherEvent) {
        events.append(event)
    }

    /// Waits until an event `matches`; fails after `timeout`.
    func waitFor(_ what: String, timeout: Duration = .seconds(60),
                 _ matches: @escaping @Sendable (WatcherEvent) -> Bool) async throws {
        try await eventually(what, timeout: timeout) { await self.events.contains(where: matches) }
    }
}

/// Starts `watcher.run` in a task that records every message and answers `outcome`, and records
/// the watcher's events in `events`.
func startWatching(_ watcher: MailboxWatcher, recorder: MessageRecorder, outcome: MessageOutcome = .posted,
                   events: EventRecorder = EventRecorder()) -> Task<Void, any Error> {
    Task {
        try await watcher.run({ message in
            await recorder.record(message)
            return outcome
        }, events: { await events.record($0) })
    }
}

/// Cancels the watcher and waits until it has logged out.
func stop(_ task: Task<Void, any Error>) async {
    task.cancel()
    _ = await task.result
}

/// Keeps every log record a logger made, for tests that assert what was logged.
final class LogCapture: @unchecked Sendable {
    // `records` is guarded by `lock`.
    private let lock = NSLock()
    private var records: [(level: Logger.Level, message: String, metadata: Logger.Metadata)] = []

    var logger: Logger {
        Logger(label: "notegate.imap.tests") { _ in Handler(capture: self) }
    }

    func messages(at level: Logger.Level) -> [String] {
        lock.withLock { records.filter { $0.level == level }.map(\.message) }
    }

    func metadata(of message: String) -> [Logger.Metadata] {
        lock.withLock { records.filter { $0.message == message }.map(\.metadata) }
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
            capture.lock.withLock { capture.records.append((event.level, "\(event.message)", merged)) }
        }
    }
}
