import Foundation
import Glibc

/// A child process started with posix_spawn and reaped with waitpid: the one way the harnesses (Dovecot,
/// `openssl s_server`, PostgreSQL's tools) and the benchmarks start a program. Foundation's `Process` only
/// notices an exit when its monitoring queue gets to run, which can take seconds on a busy machine, and can
/// miss the exit of a child whose grandchild lives on (as `pg_ctl start` leaves the server); a harness that
/// stops and restarts servers needs to know at once.
///
/// Every child starts clean of the test process's state: no blocked signals and every signal at its default
/// (the spawning thread may block some and the process ignores SIGPIPE, and Dovecot must see SIGTERM to shut
/// down cleanly), and no descriptor above standard error (see `closeInheritedDescriptors`).
public struct SpawnedProcess: Sendable {
    public let pid: pid_t

    /// Where the child's standard input comes from.
    public enum Input: Sendable {
        /// The test process's own standard input.
        case inherited
        /// `/dev/null`: the child reads end of file at once.
        case empty
        /// The file at this path.
        case file(String)
    }

    /// Where one of the child's output streams goes.
    public enum Output: Sendable {
        /// The test process's own stream.
        case inherited
        /// `/dev/null`.
        case discarded
        /// The file at this path, created when missing and emptied first.
        case file(String)
        /// The end of the file at this path, created when missing.
        case appended(String)
        /// Wherever standard output goes (for standard error; for standard output it is `inherited`).
        case standardOutput
    }

    /// Starts `executable` (an absolute path) with `arguments`; `environment` is added to the test process's
    /// own. Throws, naming the executable and the reason, when it cannot be started.
    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                input: Input = .inherited, output: Output, errors: Output) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        switch input {
        case .inherited: break
        case .empty: posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        case .file(let path): posix_spawn_file_actions_addopen(&actions, 0, path, O_RDONLY, 0)
        }
        Self.redirect(1, to: output, &actions)
        Self.redirect(2, to: errors, &actions)
        closeInheritedDescriptors(&actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var signals = sigset_t()
        sigemptyset(&signals)
        posix_spawnattr_setsigmask(&attributes, &signals)
        sigfillset(&signals)
        posix_spawnattr_setsigdefault(&attributes, &signals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result: Int32
        if environment.isEmpty {
            result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        } else {
            let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer { envp.forEach { free($0) } }
            result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        }
        guard result == 0 else { throw HarnessError("cannot start \(executable): \(String(cString: strerror(result)))") }
        self.pid = pid
    }

    /// Runs `executable` to its end, `input` on its standard input (else an empty one), and returns how it ended
    /// and what it printed on standard output and error together. The output goes through a temporary file, not
    /// a pipe, so a child that leaves a process running (`pg_ctl start`) cannot hold the reading end open, and a
    /// long output cannot fill a pipe and stall the child. Blocks the thread until the child ends.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                           input: Data? = nil) throws -> Completion {
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("notegate-command-\(UUID().uuidString)").path
        let inputPath = scratch + ".in", outputPath = scratch + ".out"
        defer { for path in [inputPath, outputPath] { try? FileManager.default.removeItem(atPath: path) } }
        if let input { try input.write(to: URL(fileURLWithPath: inputPath)) }
        let waitStatus = try SpawnedProcess(executable, arguments, environment: environment,
                                            input: input == nil ? .empty : .file(inputPath),
                                            output: .file(outputPath), errors: .standardOutput).waitForExit()
        let output = (try? Data(contentsOf: URL(fileURLWithPath: outputPath))) ?? Data()
        return Completion(waitStatus: waitStatus, output: String(decoding: output, as: UTF8.self))
    }

    /// How a process `run` waited for ended, and what it printed.
    public struct Completion: Sendable {
        /// As `waitpid` gave it.
        public let waitStatus: Int32
        /// Standard output and error together.
        public let output: String

        /// The exit code, or the number of the signal that ended the process (as Foundation's
        /// `Process.terminationStatus`). WIFEXITED, WEXITSTATUS and WTERMSIG are not exported to Swift.
        public var status: Int32 { waitStatus & 0x7F == 0 ? (waitStatus >> 8) & 0xFF : waitStatus & 0x7F }
        /// Whether it exited with code 0.
        public var succeeded: Bool { waitStatus == 0 }
    }

    private static func redirect(_ descriptor: Int32, to output: Output,
                                 _ actions: inout posix_spawn_file_actions_t) {
        switch output {
        case .inherited:
            break
        case .discarded:
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_WRONLY, 0)
        case .file(let path):
            posix_spawn_file_actions_addopen(&actions, descriptor, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        case .appended(let path):
            posix_spawn_file_actions_addopen(&actions, descriptor, path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        case .standardOutput:
            if descriptor != 1 { posix_spawn_file_actions_adddup2(&actions, 1, descriptor) }
        }
    }

    /// Whether the process has ended; reaps it when it has.
    public func hasExited() -> Bool {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        return result == pid || (result < 0 && errno == ECHILD)
    }

    /// Waits (blocking the thread) until the process ends, reaps it and returns its wait status.
    public func waitForExit() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }

    /// Sends `signal` and waits up to `seconds` for the process to end; returns whether it did.
    public func stop(with signal: Int32, within seconds: Double) -> Bool {
        kill(pid, signal)
        for _ in 0..<Int(seconds * 100) {
            if hasExited() { return true }
            usleep(10_000)
        }
        return hasExited()
    }
}

/// Closes every descriptor above standard error in the child. A child inherits whatever the test process has
/// open without close-on-exec (sockets and files that libraries open without it, its own client connections
/// among them), and a server the child leaves running (`pg_ctl start`, Dovecot's master and children) would hold
/// those copies for its whole life: a connection a test closes would stay open on the server's side, and a
/// file or lock the test let go of would stay held. glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34)
/// is not in Swift's Glibc module, so it is looked up by name; where it is missing the descriptors stay
/// inherited.
private func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
    else { return }
    _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
}
