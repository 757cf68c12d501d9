import CEtPanTLS
import Foundation
import GatewayConfig
import Glibc
import IMAPSource
import Testing

/// What `make fuzz` found in the IMAP client, replayed over a real connection: each reproducer in
/// `fixtures/fuzz/findings/imap/` is sent by a server that then closes the connection, and a pass
/// must end with an error for it, never hang.
@Suite("IMAP fuzzing findings over a real connection")
struct FuzzFindingTests {
    static let findings = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/fuzz/findings/imap")

    static let seeds = findings.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("seeds/imap")

    /// Every reproducer and every seed transcript, played by `IMAPReplay` (the client over the
    /// in-memory stream the fuzzer uses): each pass ends, with messages or an error, and nothing crashes.
    @Test func everyReproducerAndSeedTranscriptEndsThePass() async throws {
        let files = try [Self.findings, Self.seeds].flatMap { folder in
            try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        }
        #expect(files.count >= 10)
        for file in files {
            let mailbox = MailboxConfig(name: "replay", host: "imap.replay.example", transport: .plain,
                                        allowInsecure: true, username: "notes",
                                        authentication: .login(password: .environment("HOME")), timeoutSeconds: 1)
            _ = await IMAPReplay.pass(serverReplies: try Array(Data(contentsOf: file)), mailbox: mailbox)
        }
    }

    /// libetpan crashed (NULL dereference) on `* OK [PERMANENTFLAGS (\)]`; the reply filter renames
    /// the code before libetpan sees it, so the pass gets through SELECT.
    @Test func permanentFlagsWithALoneBackslashNoLongerCrashes() async throws {
        let transcript = try Array(Data(contentsOf: Self.findings.appendingPathComponent(
            "permanentflags-lone-backslash.txt")))
        let mailbox = MailboxConfig(name: "replay", host: "imap.replay.example", transport: .plain,
                                    allowInsecure: true, username: "notes",
                                    authentication: .login(password: .environment("HOME")), timeoutSeconds: 1)
        guard case .failure(let error) = await IMAPReplay.pass(serverReplies: transcript, mailbox: mailbox) else {
            Issue.record("the transcript ends after SELECT; the pass cannot have fetched anything")
            return
        }
        #expect(error.message.contains("UID SEARCH"), "the pass should end at the search after SELECT: \(error)")
    }

    /// A server that sends the reply to a FETCH before it is asked for, so that libetpan holds it in its
    /// buffer when the budget begins, had its 184 MB literal announcement parsed (and allocated) unchecked.
    @Test func literalAnnouncedBeforeTheCommandIsStillOverTheBudget() async throws {
        let transcript = try Array(Data(contentsOf: Self.findings.appendingPathComponent(
            "literal-announced-before-the-command.txt")))
        let mailbox = MailboxConfig(name: "replay", host: "imap.replay.example", transport: .plain,
                                    allowInsecure: true, username: "notes",
                                    authentication: .login(password: .environment("HOME")),
                                    maxMessageBytes: 1024 * 1024, timeoutSeconds: 1)
        guard case .failure(let error) = await IMAPReplay.pass(serverReplies: transcript, mailbox: mailbox) else {
            Issue.record("a reply with a 66 TB literal was accepted")
            return
        }
        #expect(error.code == .replyOverBudget, "\(error)")
    }

    /// The filter renames the code in any case and across reads, and changes nothing else.
    @Test(arguments: [1, 2, 7, 64])
    func replyFilterRenamesPermanentFlagsAcrossReads(readSize: Int) {
        let reply = Array("* OK [PERMANENTFLAGS (\\)] a\r\n* OK [permanentflags ()] [PERMANENT [[PERMANENTFLAGS\r\n".utf8)
        var filter = notegate_reply_filter()
        var filtered: [UInt8] = []
        for start in stride(from: 0, to: reply.count, by: readSize) {
            var chunk = Array(reply[start..<min(start + readSize, reply.count)])
            chunk.withUnsafeMutableBufferPointer { notegate_reply_filter_apply(&filter, $0.baseAddress!, $0.count) }
            filtered += chunk
        }
        #expect(String(decoding: filtered, as: UTF8.self)
            == "* OK [PERMANENTFLAGX (\\)] a\r\n* OK [permanentflagx ()] [PERMANENT [[PERMANENTFLAGX\r\n")
    }

    /// libetpan's `mailimap_capability` dereferenced a NULL list when the server answered CAPABILITY
    /// with OK but no untagged CAPABILITY; over a real connection the login now ends in an error at the
    /// next command instead.
    @Test func capabilityAnsweredWithoutCapabilitiesNoLongerCrashes() async throws {
        let error = try await peekError(replaying: "capability-without-untagged-answer.txt")
        #expect(error == "error")
    }

    /// A server that announces a literal and closes the connection before sending all of it used to
    /// leave the connection thread spinning for ever: libetpan retries a read of 0 bytes.
    @Test func serverThatClosesInsideALiteralEndsThePassWithAnError() async throws {
        let outcome = try await peekError(replaying: "connection-closed-inside-literal.txt")
        #expect(outcome == "error", "the pass did not end with an error within 30 s: \(outcome)")
    }

    /// The same finding where no reply budget stands between libetpan and the connection (only FETCH
    /// replies are read under a budget): the literal is cut in an untagged answer to LOGIN, over the
    /// plain transport, which reads through libetpan's socket driver behind notegate's filter driver.
    @Test func serverThatClosesInsideALiteralBeforeAnyFetchEndsThePassWithAnError() async throws {
        let transcript = Array("* OK [CAPABILITY IMAP4rev1] ready\r\n* LIST () \"/\" {200}\r\nINB".utf8)
        let outcome = try await peekError(serving: transcript)
        #expect(outcome.hasPrefix("IMAPError"), "the pass did not end with an IMAPError within 30 s: \(outcome)")
    }

    /// `PERMANENTFLAGS (\)` crashed libetpan also over the plain transport, in the answer to SELECT and
    /// in the greeting; the filter driver renames the code there too, and the pass ends with an error
    /// (the server says nothing more).
    @Test(arguments: ["select", "greeting"])
    func permanentFlagsWithALoneBackslashOverPlainEndsThePassWithAnError(reply: String) async throws {
        let transcript = reply == "select"
            ? try Array(Data(contentsOf: Self.findings.appendingPathComponent("permanentflags-lone-backslash.txt")))
            : Array("* OK [PERMANENTFLAGS (\\)] ready\r\n".utf8)
        let outcome = try await peekError(serving: transcript)
        #expect(outcome.hasPrefix("IMAPError"), "the pass did not end with an IMAPError within 30 s: \(outcome)")
    }

    /// Serves the reproducer `name` over plain TCP on loopback to a watcher's `peekNewMessages`;
    /// "error" when the pass threw an IMAPError, else what happened instead.
    private func peekError(replaying name: String) async throws -> String {
        let transcript = try Array(Data(contentsOf: Self.findings.appendingPathComponent(name)))
        let outcome = try await peekError(serving: transcript)
        return outcome.hasPrefix("IMAPError") ? "error" : outcome
    }

    /// Serves `transcript` over plain TCP on loopback to a watcher's `peekNewMessages`; "IMAPError" and
    /// the error when the pass threw one, else what happened instead.
    private func peekError(serving transcript: [UInt8]) async throws -> String {
        let server = try TranscriptServer(transcript)
        defer { server.stop() }
        let mailbox = MailboxConfig(name: "finding", host: "127.0.0.1", port: server.port, transport: .plain,
                                    allowInsecure: true, username: "notes",
                                    authentication: .login(password: .environment("HOME")),
                                    timeoutSeconds: 5, startFrom: .all)
        let watcher = MailboxWatcher(mailbox: mailbox, folder: "INBOX", checkpoints: InMemoryCheckpointStore(),
                                     logger: testLogger)
        return await firstOutcome(within: .seconds(30)) {
            do {
                let messages = try await watcher.peekNewMessages()
                return "fetched \(messages.count) messages from a broken transcript"
            } catch let error as IMAPError {
                return "IMAPError \(error)"
            } catch {
                return "an error that is not an IMAPError: \(error)"
            }
        }
    }
}

/// The result of `body`, or a description of the deadline passing; a body stuck in a C loop is left
/// behind rather than awaited.
private func firstOutcome(within deadline: Duration, _ body: @escaping @Sendable () async -> String) async -> String {
    let first = FirstValue()
    return await withCheckedContinuation { continuation in
        first.continuation = continuation
        Task { first.offer(await body()) }
        Task {
            try? await Task.sleep(for: deadline)
            first.offer("no outcome after \(deadline)")
        }
    }
}

private final class FirstValue: @unchecked Sendable {
    private let lock = NSLock()
    var continuation: CheckedContinuation<String, Never>?

    func offer(_ value: String) {
        lock.withLock {
            continuation?.resume(returning: value)
            continuation = nil
        }
    }
}

/// Plain TCP on 127.0.0.1 for one client: sends `transcript` as soon as it connects, whatever the
/// client says, then closes its side and reads until the client goes. `stop()` closes everything.
private final class TranscriptServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32

    init(_ transcript: [UInt8]) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(listener, address, length) == 0 && getsockname(listener, address, &length) == 0
            }
        }
        guard bound, listen(listener, 1) == 0 else {
            close(listener)
            throw TranscriptServerError(description: "cannot listen on 127.0.0.1: errno \(errno)")
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            _ = transcript.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            shutdown(client, Int32(SHUT_WR))
            var buffer = [UInt8](repeating: 0, count: 4096)
            while recv(client, &buffer, buffer.count, 0) > 0 {}
            close(client)
        }
        thread.name = "transcript-imap"
        thread.start()
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }
}

private struct TranscriptServerError: Error, CustomStringConvertible {
    var description: String
}
