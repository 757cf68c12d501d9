import Glibc

/// A child process started with posix_spawn and reaped with waitpid. Foundation's `Process` only
/// notices an exit when its monitoring queue gets to run, which can take seconds on a busy
/// machine; a harness that stops and restarts servers needs to know at once.
struct SpawnedProcess {
    let pid: pid_t

    /// Starts `executable` with `arguments`, standard output discarded and standard error appended
    /// to `errorLog`.
    init(_ executable: String, _ arguments: [String], errorLog: String) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errorLog, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        // The child would inherit this thread's blocked signals and ignored SIGPIPE; Dovecot must
        // see SIGTERM to shut down cleanly.
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
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard result == 0 else { throw HarnessError("cannot start \(executable): \(String(cString: strerror(result)))") }
        self.pid = pid
    }

    /// Whether the process has ended; reaps it when it has.
    func hasExited() -> Bool {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        return result == pid || (result < 0 && errno == ECHILD)
    }

    /// Sends `signal` and waits up to `seconds` for the process to end; returns whether it did.
    func stop(with signal: Int32, within seconds: Double) -> Bool {
        kill(pid, signal)
        for _ in 0..<Int(seconds * 100) {
            if hasExited() { return true }
            usleep(10_000)
        }
        return hasExited()
    }
}
