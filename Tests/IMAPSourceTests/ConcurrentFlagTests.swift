import DovecotHarness
import Foundation
import IMAPSource
import Testing

extension DovecotSuite {
    @Suite("Another client changing flags while notegate reads")
    struct ConcurrentFlagTests {
        @Test func everyMessageArrivesWholeWhileAnotherClientSetsFlags() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            let count = 24
            for index in 1...count {
                if index % 8 == 0 {
                    try server.append(messageWithAttachment(index))
                } else {
                    try server.append(textMessage(subject: "[#\(index)] message \(index)",
                                                  body: "Body of message \(index).\r\n"))
                }
            }
            let flagger = try FlagChanger(server: server)
            defer { flagger.stop() }
            try await eventually("the other client's first flag change") { flagger.changes > 0 }

            let watcher = MailboxWatcher(mailbox: mailboxConfig(server, startFrom: .all), folder: "INBOX",
                                         checkpoints: InMemoryCheckpointStore(), logger: testLogger)
            let recorder = MessageRecorder()
            // Handling each message lasts until the other client has changed flags again since the last one, so
            // that flag changes fall between every two messages and Dovecot reports them around the answers to
            // notegate's next commands; the pass spans more changes than messages whatever the relative speeds.
            let lastSeen = ChangeMark(flagger.changes)
            let task = Task {
                try await watcher.run { message in
                    await recorder.record(message)
                    let before = await lastSeen.value
                    do {
                        try await eventually("a flag change by the other client while uid \(message.uid) was handled",
                                             timeout: .seconds(30)) { flagger.changes > before }
                    } catch let timeout as HarnessTimeout {
                        Issue.record(timeout)
                    }
                    await lastSeen.set(flagger.changes)
                    return .failed
                }
            }
            let messages = try await recorder.waitFor(count, timeout: .seconds(60))
            await stop(task)
            let changes = flagger.stop()

            #expect(messages.map(\.uid) == (1...UInt32(count)).map { $0 })
            for message in messages {
                let raw = String(decoding: message.raw, as: UTF8.self)
                #expect(message.fetchProblem == nil)
                #expect(raw.contains("Subject: [#\(message.uid)] message \(message.uid)"), "uid \(message.uid)")
                #expect(raw.contains("Body of message \(message.uid)."), "uid \(message.uid)")
            }
            print("flag changes by the other client during the pass: \(changes)")
            #expect(changes > count)
        }

        private func messageWithAttachment(_ index: Int) -> [UInt8] {
            let attachment = String(repeating: "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=\r\n", count: 4_000)
            return Array("""
            From: Customer <customer@example.com>\r
            Subject: [#\(index)] message \(index)\r
            Message-ID: <attached-\(index)@example.com>\r
            MIME-Version: 1.0\r
            Content-Type: multipart/mixed; boundary="b"\r
            \r
            --b\r
            Content-Type: text/plain\r
            \r
            Body of message \(index).\r
            --b\r
            Content-Type: application/zip; name="logs.zip"\r
            Content-Disposition: attachment; filename="logs.zip"\r
            Content-Transfer-Encoding: base64\r
            \r
            \(attachment)\r
            --b--\r

            """.utf8)
        }
    }
}

/// The flag-change count seen when the last message was handled.
private actor ChangeMark {
    private(set) var value: Int

    init(_ value: Int) { self.value = value }

    func set(_ newValue: Int) { value = newValue }
}

/// A second IMAP client (python3's imaplib on the plain port) that sets and clears \Flagged and
/// $Seen-like keywords on every message of INBOX, over and over, until stopped or 60 s have passed.
/// Dovecot tells every other session that has INBOX selected with untagged FETCH responses.
final class FlagChanger: @unchecked Sendable {
    private let process = Process()
    private let output = Pipe()
    private let lock = NSLock()
    private var text = ""
    private var stopped = false

    init(server: DovecotServer) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", "-c", Self.script, String(server.imapPort), server.user, server.password]
        process.standardOutput = output
        process.standardError = output
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.withLock { self.text += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
    }

    /// The flag changes made so far.
    var changes: Int { lock.withLock { Self.changes(in: text) } }

    private static func changes(in text: String) -> Int {
        text.split(separator: "\n").filter { $0.hasPrefix("changed") }.count
    }

    /// Stops the client (SIGKILL to its PID: it may have inherited a blocked SIGTERM from the test
    /// runner's thread) and returns how many flag changes it made.
    @discardableResult
    func stop() -> Int {
        if lock.withLock({ () -> Bool in defer { stopped = true }; return !stopped }) {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            output.fileHandleForReading.readabilityHandler = nil
        }
        return changes
    }

    private static let script = """
    import imaplib, sys, time
    port, user, password = sys.argv[1:]
    imap = imaplib.IMAP4("127.0.0.1", int(port))
    imap.login(user, password)
    imap.select("INBOX")
    print("changing", flush=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        for sign in "+-":
            imap.uid("STORE", "1:*", sign + "FLAGS", "(\\\\Flagged $Label1)")
            print("changed", flush=True)
    """
}
