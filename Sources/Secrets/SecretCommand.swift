import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A shell command whose standard output is a secret, like `oauth_token_command`. It runs with `/bin/sh -c` in a
/// process group of its own, with nothing on standard input; its standard error is kept for the error message and
/// never passed through to notegate's; and when it runs past its timeout (a prompt nobody answers, an identity
/// provider that does not answer) the whole group is killed, so the command can never hang notegate.
///
/// An error names the command's exit status and the first line it wrote to standard error, with anything that
/// looks like a secret blotted out — never the command line, which may hold a client secret itself.
public struct SecretCommand: Sendable {
    /// How long a command may run when the configuration says nothing: 10 s.
    public static let defaultTimeout: Duration = .seconds(10)
    /// More standard output than this is not a token; the command is stopped.
    static let maxOutputBytes = 65_536
    /// Standard error kept for the message; the rest is read and dropped.
    static let maxErrorBytes = 4_096
    /// The longest stderr line an error quotes.
    static let maxQuotedCharacters = 200

    public let command: String
    public let timeout: Duration

    public init(_ command: String, timeout: Duration = SecretCommand.defaultTimeout) {
        self.command = command
        self.timeout = timeout
    }

    /// Runs the command on a thread of its own, never one of Swift's cooperative pool, and returns its standard
    /// output. Cancelling the calling task kills the command.
    public func output() async throws(SecretError) -> String {
        let cancellation = CommandCancellation()
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<String, SecretError>, Never>) in
                let thread = Thread {
                    continuation.resume(returning: Result { () throws(SecretError) in
                        try self.run(cancellation: cancellation)
                    })
                }
                thread.name = "secret-command"
                thread.start()
            }
        } onCancel: {
            cancellation.cancel()
        }
        return try result.get()
    }

    /// Runs the command and blocks the calling thread until it ends or times out: only for a thread that may
    /// block, like an IMAP connection's own. From async code use ``output()``.
    public func blockingOutput() throws(SecretError) -> String {
        try run(cancellation: nil)
    }

    private func run(cancellation: CommandCancellation?) throws(SecretError) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.standardInput = FileHandle.nullDevice
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            throw SecretError("the secret command could not be started (\(error.localizedDescription))")
        }
        let deadline = ContinuousClock.now + timeout
        var streams = CommandStreams(output: output.fileHandleForReading.fileDescriptor,
                                     errors: errors.fileHandleForReading.fileDescriptor,
                                     cancel: cancellation?.fileDescriptor)
        let end = streams.readUntilClosed(deadline: deadline)
        let finished = end == .closed && exited.wait(timeout: deadline.dispatchTime) == .success
        if !finished {
            kill(-process.processIdentifier, SIGKILL)
            exited.wait()
        }
        let stdout = String(decoding: streams.output, as: UTF8.self)
        let stderrLine = quotedLine(String(decoding: streams.errors, as: UTF8.self), redacting: stdout)
        switch end {
        case .cancelled:
            throw SecretError("the secret command was stopped: notegate is shutting down")
        case .outputTooLong:
            throw SecretError("the secret command printed more than \(Self.maxOutputBytes) bytes and was stopped; "
                + "it must print only the secret")
        case .closed where !finished, .timedOut:
            throw SecretError("the secret command did not finish within \(timeout.secondsText) and was killed"
                + stderrLine.map { " (it said: \($0))" }.orEmpty + "; make sure it runs without a prompt, or raise "
                + "`oauth_token_command_timeout_seconds`")
        case .closed:
            break
        }
        if process.terminationReason == .uncaughtSignal {
            throw SecretError("the secret command was killed by signal \(process.terminationStatus)"
                + stderrLine.map { ": \($0)" }.orEmpty)
        }
        guard process.terminationStatus == 0 else {
            throw SecretError("the secret command exited with status \(process.terminationStatus)"
                + (stderrLine.map { ": \($0)" } ?? " and wrote nothing to standard error"))
        }
        return stdout
    }

    /// The first non-empty line of standard error, shortened, with secrets blotted out: the command's standard
    /// output, the values the command line passes under a secret's name (`--client-secret X`, `password=X`), and
    /// anything shaped like a token.
    func quotedLine(_ errors: String, redacting output: String) -> String? {
        guard var line = errors.split(whereSeparator: \.isNewline)
            .map({ $0.trimmingCharacters(in: .whitespaces) }).first(where: { !$0.isEmpty }) else { return nil }
        let known = output.split(whereSeparator: \.isWhitespace).map(String.init) + secretArguments
        for secret in known.sorted(by: { $0.count > $1.count }) where secret.count >= 4 {
            line = line.replacingOccurrences(of: secret, with: Secret.redacted)
        }
        // 20 or more characters of the alphabets tokens use (base64, base64url, JWT dots), a letter and a digit.
        let tokenShape = /(?=[A-Za-z0-9._~+=\-]*[0-9])(?=[A-Za-z0-9._~+=\-]*[A-Za-z])[A-Za-z0-9._~+=\-]{20,}/
        line = line.replacing(tokenShape, with: Secret.redacted)
        return line.count > Self.maxQuotedCharacters ? line.prefix(Self.maxQuotedCharacters) + "…" : line
    }

    /// The values the command line gives under a name that says secret: the word after an option like
    /// `--client-secret` or `-password`, and the value of `client_secret=…`.
    private var secretArguments: [String] {
        let words = command.split(whereSeparator: { $0.isWhitespace || $0 == "'" || $0 == "\"" }).map(String.init)
        func namesASecret(_ name: some StringProtocol) -> Bool {
            let lowered = name.lowercased()
            return ["secret", "password", "passwd", "token", "key", "credential"].contains { lowered.contains($0) }
        }
        var values: [String] = []
        for (index, word) in words.enumerated() {
            if let equals = word.firstIndex(of: "="), namesASecret(word[..<equals]) {
                values.append(String(word[word.index(after: equals)...]))
            } else if word.hasPrefix("-"), namesASecret(word), index + 1 < words.count {
                values.append(words[index + 1])
            }
        }
        return values
    }
}

/// What ended the reading of a command's output.
private enum StreamsEnd {
    case closed, timedOut, cancelled, outputTooLong
}

/// Reads a command's standard output and standard error together, so neither pipe fills and blocks it.
private struct CommandStreams {
    var output: [UInt8] = []
    var errors: [UInt8] = []
    private var open: [Int32]
    private let outputFD: Int32
    private let cancelFD: Int32?

    init(output: Int32, errors: Int32, cancel: Int32?) {
        outputFD = output
        open = [output, errors]
        cancelFD = cancel
    }

    mutating func readUntilClosed(deadline: ContinuousClock.Instant) -> StreamsEnd {
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while !open.isEmpty {
            let remaining = deadline - .now
            guard remaining > .zero else { return .timedOut }
            var fds = (open + (cancelFD.map { [$0] } ?? [])).map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), Int32(clamping: remaining.milliseconds + 1))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { return .timedOut }
            if let cancelFD, fds.contains(where: { $0.fd == cancelFD && $0.revents != 0 }) { return .cancelled }
            for entry in fds where entry.fd != cancelFD && entry.revents != 0 {
                let count = read(entry.fd, &buffer, buffer.count)
                if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                guard count > 0 else {
                    open.removeAll { $0 == entry.fd }
                    continue
                }
                if entry.fd == outputFD {
                    output += buffer[..<count]
                    if output.count > SecretCommand.maxOutputBytes { return .outputTooLong }
                } else if errors.count < SecretCommand.maxErrorBytes {
                    errors += buffer[..<min(count, SecretCommand.maxErrorBytes - errors.count)]
                }
            }
        }
        return .closed
    }
}

/// Lets a cancelled task stop a command that runs on another thread: a pipe the reading loop polls.
private final class CommandCancellation: Sendable {
    private let pipe = Pipe()

    var fileDescriptor: Int32 { pipe.fileHandleForReading.fileDescriptor }

    func cancel() {
        pipe.fileHandleForWriting.write(Data([1]))
    }
}

extension Duration {
    fileprivate var milliseconds: Int64 {
        components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000
    }

    fileprivate var secondsText: String {
        let seconds = Double(components.seconds) + Double(components.attoseconds) / 1e18
        return seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
    }
}

extension ContinuousClock.Instant {
    fileprivate var dispatchTime: DispatchTime {
        let remaining = max(self - .now, .zero)
        return .now() + .milliseconds(Int(remaining.milliseconds))
    }
}

extension Optional<String> {
    fileprivate var orEmpty: String { self ?? "" }
}
