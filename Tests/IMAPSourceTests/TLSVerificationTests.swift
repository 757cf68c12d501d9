import DovecotHarness
import Foundation
import Glibc
import GatewayConfig
import IMAPSource
import Testing

extension DovecotSuite {
    @Suite("TLS verification against a real Dovecot")
    struct TLSVerificationTests {
        @Test("A certificate from an unknown CA is refused before logging in", arguments: [
            MailboxConfig.Transport.imaps, .starttls,
        ])
        func untrustedCertificateIsRefused(transport: MailboxConfig.Transport) async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            for caFile in [nil, server.certificates.unrelatedCAFile] {
                let config = mailboxConfig(server, transport: transport, caFile: .some(caFile))
                let watcher = MailboxWatcher(mailbox: config, folder: "INBOX", checkpoints: InMemoryCheckpointStore(),
                                             logger: testLogger)
                let error = await #expect(throws: IMAPError.self) { try await watcher.peekNewMessages() }
                #expect(error?.code == .tlsUntrusted)
                #expect(error?.message.contains("tls.ca_file") == true)
            }
            #expect(!server.log.contains("Login: user=<\(server.user)>, method=PLAIN, rip=127.0.0.1, lip=127.0.0.1, mpid"))
        }

        @Test("A certificate signed by the CA in tls.ca_file is accepted", arguments: [
            MailboxConfig.Transport.imaps, .starttls,
        ])
        func trustedCertificateIsAccepted(transport: MailboxConfig.Transport) async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            try server.append(textMessage(subject: "Ticket #42"))
            let watcher = MailboxWatcher(mailbox: mailboxConfig(server, transport: transport), folder: "INBOX",
                                         checkpoints: InMemoryCheckpointStore(), logger: testLogger)
            let messages = try await watcher.peekNewMessages()
            #expect(messages.map(\.uid) == [1])
        }

        @Test func plainTransportWithoutAllowInsecureIsRefused() async throws {
            let server = try DovecotServer()
            defer { server.stop() }
            let watcher = MailboxWatcher(mailbox: mailboxConfig(server, transport: .plain), folder: "INBOX",
                                         checkpoints: InMemoryCheckpointStore(), logger: testLogger)
            let error = await #expect(throws: IMAPError.self) { try await watcher.peekNewMessages() }
            #expect(error?.code == .insecureRefused)

            let log = LogCapture()
            let insecure = MailboxWatcher(mailbox: mailboxConfig(server, transport: .plain, allowInsecure: true),
                                          folder: "INBOX", checkpoints: InMemoryCheckpointStore(), logger: log.logger)
            #expect(try await insecure.peekNewMessages().isEmpty)
            #expect(try await insecure.peekNewMessages().isEmpty)
            let warning = "IMAP connection is not encrypted (allow_insecure is set)"
            #expect(log.messages(at: .warning) == [warning, warning], "a warning on every connect")
        }
    }
}

extension DovecotSuite.TLSVerificationTests {
    @Test func unverifiedCertificateIsWarnedAboutOnEveryConnect() async throws {
        let server = try DovecotServer()
        defer { server.stop() }
        var config = mailboxConfig(server, transport: .imaps, caFile: .some(nil))
        config.tls.verify = false
        let log = LogCapture()
        let watcher = MailboxWatcher(mailbox: config, folder: "INBOX", checkpoints: InMemoryCheckpointStore(),
                                     logger: log.logger)
        #expect(try await watcher.peekNewMessages().isEmpty)
        #expect(try await watcher.peekNewMessages().isEmpty)
        let warnings = log.messages(at: .warning).filter { $0.contains("tls.verify is false") }
        #expect(warnings.count == 2, "a warning on every connect: \(log.messages(at: .warning))")
    }
}

@Suite("TLS protocol versions and STARTTLS, against servers that misbehave")
struct TLSProtocolTests {
    @Test("A server that offers only TLS 1.0 or 1.1 is refused, and the error says the version is too old",
          arguments: [true, false], LegacyTLSVersion.allCases)
    func legacyTLSServerIsRefused(verify: Bool, version: LegacyTLSVersion) async throws {
        let server = try LegacyTLSServer(version: version)
        defer { server.stop() }
        let config = MailboxConfig(
            name: "legacy", host: "127.0.0.1", port: server.port, transport: .imaps,
            tls: .init(verify: verify, caFile: server.certificates.caFile), username: "notes",
            authentication: .login(password: .environment("NOTEGATE_TEST_NEVER_READ")), timeoutSeconds: 5)
        let watcher = MailboxWatcher(mailbox: config, folder: "INBOX", checkpoints: InMemoryCheckpointStore(),
                                     logger: testLogger)
        let error = await #expect(throws: IMAPError.self) { try await watcher.peekNewMessages() }
        #expect(error?.code == .tlsProtocolTooOld, "\(String(describing: error))")
        #expect(error?.message.contains("too old") == true)
        #expect(error?.message.contains("TLS 1.2") == true)
        #expect(error?.isRetryable == false)
    }

    @Test("Plaintext queued after the tagged OK of STARTTLS stops the connection before TLS (CVE-2011-0411)")
    func bytesAfterStartTLSAnswerAreRefused() async throws {
        let server = try ScriptedStartTLSServer(answer: "OK begin TLS\r\n* OK injected\r\n")
        defer { server.stop() }
        let config = MailboxConfig(
            name: "injected", host: "127.0.0.1", port: server.port, transport: .starttls,
            username: "notes", authentication: .login(password: .environment("NOTEGATE_TEST_NEVER_READ")),
            timeoutSeconds: 5)
        let watcher = MailboxWatcher(mailbox: config, folder: "INBOX", checkpoints: InMemoryCheckpointStore(),
                                     logger: testLogger)
        let error = await #expect(throws: IMAPError.self) { try await watcher.peekNewMessages() }
        #expect(error?.code == .starttlsInjection, "\(String(describing: error))")
        #expect(error?.message.contains("15 more byte(s) in plaintext after its answer to STARTTLS") == true)
        #expect(error?.message.contains("refused STARTTLS") == false)
        #expect(error?.isRetryable == false)
        #expect(try server.commandsReceived() == ["STARTTLS"], "nothing was sent after STARTTLS")
    }
}

/// A plaintext IMAP server on 127.0.0.1 for one connection: it greets with STARTTLS in its capabilities, answers
/// the first command with `answer` (after the client's tag) in one write, then records what else arrives until
/// the client closes the connection.
final class ScriptedStartTLSServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let done = DispatchSemaphore(value: 0)
    // `commands` is written by the server thread before `done` is signalled, and read after.
    private var commands: [String] = []

    init(answer: String) throws {
        let listener = try LoopbackListener(backlog: 1)
        self.listener = listener.socket
        port = listener.port
        Thread { [self] in
            defer { done.signal() }
            let connection = accept(self.listener, nil, nil)
            guard connection >= 0 else { return }
            defer { close(connection) }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            send(connection, "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] scripted\r\n")
            var received = ""
            var buffer = [UInt8](repeating: 0, count: 1024)
            var answered = false
            while true {
                let count = recv(connection, &buffer, buffer.count, 0)
                guard count > 0 else { break }
                received += String(decoding: buffer[..<count], as: UTF8.self)
                while let end = received.range(of: "\r\n") {
                    let line = String(received[..<end.lowerBound])
                    received.removeSubrange(..<end.upperBound)
                    let parts = line.split(separator: " ", maxSplits: 1)
                    commands.append(parts.count > 1 ? String(parts[1]) : line)
                    if !answered, let tag = parts.first {
                        send(connection, "\(tag) \(answer)")
                        answered = true
                    }
                }
            }
        }.start()
    }

    /// The commands the client sent, without their tags, once it has closed the connection.
    func commandsReceived() throws -> [String] {
        guard done.wait(timeout: .now() + 10) == .success else {
            throw HarnessTimeout(description: "the client did not close its connection within 10 s")
        }
        done.signal()
        return commands
    }

    /// Stops listening; the connection thread ends when its client goes or after 10 s of silence.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func send(_ connection: Int32, _ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer { Glibc.send(connection, $0.baseAddress, $0.count - 1, 0) }
    }
}
