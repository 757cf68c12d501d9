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

    /// A server that announces a literal and closes the connection before sending all of it used to
    /// leave the connection thread spinning for ever: libetpan retries a read of 0 bytes.
    @Test func serverThatClosesInsideALiteralEndsThePassWithAnError() async throws {
        let transcript = try Array(Data(contentsOf: Self.findings.appendingPathComponent(
            "connection-closed-inside-literal.txt")))
        let server = try TranscriptServer(transcript)
        defer { server.stop() }
        let mailbox = MailboxConfig(name: "finding", host: "127.0.0.1", port: server.port, transport: .plain,
                                    allowInsecure: true, username: "notes",
                                    authentication: .login(password: .environment("HOME")),
                                    timeoutSeconds: 5, startFrom: .all)
        let watcher = MailboxWatcher(mailbox: mailbox, folder: "INBOX", checkpoints: InMemoryCheckpointStore(),
                                     logger: testLogger)
        let outcome = await firstOutcome(within: .seconds(30)) {
            do {
                let messages = try await watcher.peekNewMessages()
                return "fetched \(messages.count) messages from a reply that was cut off"
            } catch {
                return "error"
            }
        }
        #expect(outcome == "error", "the pass did not end with an error within 30 s: \(outcome)")
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
