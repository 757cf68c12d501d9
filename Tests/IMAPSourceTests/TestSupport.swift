import DovecotHarness
import Foundation
import GatewayConfig
import IMAPSource
import Logging

/// A mailbox config pointing at the test Dovecot.
func mailboxConfig(_ server: DovecotServer, transport: MailboxConfig.Transport = .imaps,
                   caFile: String?? = nil, allowInsecure: Bool = false,
                   actions: MailboxConfig.OutcomeActions = .init(posted: .keep, skipped: .keep, failed: .keep),
                   maxMessageBytes: Int = 26_214_400, pollIntervalSeconds: Int = 60) -> MailboxConfig {
    MailboxConfig(
        name: "support", host: "127.0.0.1", port: transport == .imaps ? server.imapsPort : server.imapPort,
        transport: transport, allowInsecure: allowInsecure,
        tls: .init(verify: true, caFile: caFile ?? server.certificates.caFile),
        username: server.user, authentication: .login(password: .file(server.passwordFile)),
        maxMessageBytes: maxMessageBytes, pollIntervalSeconds: pollIntervalSeconds, sweepIntervalSeconds: 30, timeoutSeconds: 5, actions: actions
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

/// Records what a running `MailboxWatcher` hands over, and lets a test wait for it.
actor MessageRecorder {
    private(set) var messages: [FetchedMessage] = []
    private var arrivals: [ContinuousClock.Instant] = []

    func record(_ message: FetchedMessage) {
        messages.append(message)
        arrivals.append(.now)
    }

    /// Waits until `count` messages have arrived; returns them, or fails after `timeout`.
    func waitFor(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [FetchedMessage] {
        let deadline = ContinuousClock.now + timeout
        while messages.count < count {
            guard ContinuousClock.now < deadline else {
                throw HarnessTimeout(expected: count, received: messages.count)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return messages
    }

    func arrival(_ index: Int) -> ContinuousClock.Instant { arrivals[index] }
}

struct HarnessTimeout: Error, CustomStringConvertible {
    let expected: Int
    let received: Int
    var description: String { "expected \(expected) messages, received \(received)" }
}

/// Starts `watcher.run` in a task that records every message and answers `outcome`.
func startWatching(_ watcher: MailboxWatcher, recorder: MessageRecorder,
                   outcome: MessageOutcome = .posted) -> Task<Void, any Error> {
    Task {
        try await watcher.run { message in
            await recorder.record(message)
            return outcome
        }
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
