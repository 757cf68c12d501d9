import DovecotHarness
import Foundation
import Glibc

/// `make bench-ingest`: notegate against a Python imaplib peer on the same test Dovecot mailbox, in one run.
/// The peer (`../shared/peers/py_imaplib_gateway.py --dry-run`) reads over plaintext and only parses and
/// tags; notegate runs as its own release process, `once` over verified TLS with its durable ledger, twice:
/// with posting paused (`NOTEGATE_BENCH_PAUSE_POSTING=1`: intake alone) and posting every note to an
/// unlimited `notegate sandbox` in a process of its own. Each run's wall time, CPU seconds and peak RSS come
/// from wait4 on the child; the bytes each fetched from Dovecot's `out=` logout figures.
struct IngestSideBySide {
    let count: Int
    let packageRoot: URL
    let notegate: String

    func run() throws {
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        var mailbox = try BenchMailbox(packageRoot: packageRoot, count: count)
        try mailbox.deliver(to: dovecot, packageRoot: packageRoot)
        print(String(format: "mailbox: %d messages, %.1f MB (%d from fixtures/ and %d from ../shared/corpus, %d with an attachment of 0.17-0.87 MB); headers + text parts %.1f MB",
                     count, Double(mailbox.totalBytes) / 1e6, mailbox.fixtureCount, mailbox.corpusCount,
                     mailbox.attachmentCount, Double(mailbox.textBytes) / 1e6))
        try warmUp(dovecot)
        if let hold = ProcessInfo.processInfo.environment["BENCH_INGEST_HOLD"] {
            try holdForProfiling(dovecot, directory: URL(fileURLWithPath: hold))
            return
        }

        var results: [Measured] = []
        let peerScript = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/peers/py_imaplib_gateway.py")
        var peer: Measured?
        if FileManager.default.fileExists(atPath: peerScript.path) {
            let offset = dovecot.log.utf8.count
            var measured = try ChildRun.measure("/usr/bin/env", ["python3", peerScript.path, "--imap-port", String(dovecot.imapPort),
                                                                 "--user", dovecot.user, "--password", dovecot.password, "--dry-run"],
                                                environment: [:], label: "peer (imaplib, plaintext, --dry-run)")
            measured.bytes = dovecot.bytesSent(after: offset).reduce(0, +)
            peer = measured
            results.append(measured)
        } else {
            print("peer: skipped, \(peerScript.path) is absent")
        }

        let sandboxPort = try freePort()
        let sandbox = try ChildRun.start(notegate, ["sandbox", "--port", String(sandboxPort), "--no-rate-limit",
                                                    "--keys", "bench-access:bench-secret", "--tenant", "bench"])
        defer { sandbox.stop() }
        try waitUntilListening(sandboxPort)
        for paused in [true, false] {
            let directory = dovecot.directory.appendingPathComponent(paused ? "paused" : "posting")
            let config = try LoopbackGatewayConfig(
                directory: directory, dovecot: dovecot, apiURL: "http://127.0.0.1:\(sandboxPort)", tenantID: "bench",
                accessKey: "bench-access", secretKey: "bench-secret",
                mailboxSettings: ["actions: { posted: keep, skipped: keep, failed: keep }"],
                leadSquaredSettings: ["rate_limit_calls: 10000", "rate_limit_seconds: 1", "concurrency: 16"])
            let offset = dovecot.log.utf8.count
            var measured = try ChildRun.measure(notegate, ["once", "--config", config.path],
                                                environment: paused ? ["NOTEGATE_BENCH_PAUSE_POSTING": "1"] : [:],
                                                label: paused ? "notegate once, posting paused (TLS, ledger)"
                                                    : "notegate once, posting to the sandbox (TLS, ledger)")
            measured.bytes = dovecot.bytesSent(after: offset).reduce(0, +)
            results.append(measured)
        }

        print("")
        print("| run | messages/s | vs the peer | bytes fetched | vs headers + text | peak RSS | CPU s / 1,000 msgs |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for result in results {
            let rate = Double(count) / result.seconds
            let ratio = peer.map { String(format: "%.2f×", rate / (Double(count) / $0.seconds)) } ?? "-"
            print(String(format: "| %@ | %.0f | %@ | %.1f MB | %.2f× | %.1f MiB | %.2f |", result.label, rate, ratio,
                         Double(result.bytes) / 1e6, Double(result.bytes) / Double(mailbox.textBytes),
                         Double(result.peakKiB) / 1024, result.cpuSeconds * 1000 / Double(count)))
        }
        if results.contains(where: { $0.status != 0 }) {
            for result in results where result.status != 0 {
                print("\(result.label) exited with status \(result.status): \(result.output.suffix(2000))")
            }
            throw BenchFailed("a run failed; see above")
        }
    }

    /// `BENCH_INGEST_HOLD=DIR`: writes a paused-posting config to DIR/notegate.yaml, prints how to run notegate
    /// against the mailbox (for a profiler), and keeps Dovecot up until standard input closes.
    private func holdForProfiling(_ dovecot: DovecotServer, directory: URL) throws {
        let config = try LoopbackGatewayConfig(
            directory: directory, dovecot: dovecot, apiURL: "http://127.0.0.1:9", tenantID: "bench",
            accessKey: "bench-access", secretKey: "bench-secret",
            mailboxSettings: ["actions: { posted: keep, skipped: keep, failed: keep }"],
            leadSquaredSettings: ["rate_limit_calls: 10000", "rate_limit_seconds: 1", "concurrency: 16"])
        print("holding: rm -f \(config.ledgerPath)* && NOTEGATE_BENCH_PAUSE_POSTING=1 \(notegate) once --config \(config.path)")
        print("Dovecot log: \(dovecot.directory.path); close standard input to stop")
        fflush(nil)
        while let line = readLine(strippingNewline: true) { _ = line }
    }

    /// Dovecot indexes a fresh Maildir on first access; a short session does that before anyone is timed.
    private func warmUp(_ dovecot: DovecotServer) throws {
        let script = """
        import imaplib, sys
        m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1])); m.login(sys.argv[2], sys.argv[3]); m.select("INBOX", readonly=True)
        m.uid("FETCH", "1:*", "(UID RFC822.SIZE BODYSTRUCTURE)"); m.logout()
        """
        let result = try ChildRun.measure("/usr/bin/env", ["python3", "-c", script, String(dovecot.imapPort), dovecot.user,
                                                           dovecot.password], environment: [:], label: "warm-up")
        guard result.status == 0 else { throw BenchFailed("warm-up session failed: \(result.output)") }
    }

    private func waitUntilListening(_ port: Int) throws {
        for _ in 0..<500 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            close(fd)
            if connected { return }
            usleep(20_000)
        }
        throw BenchFailed("notegate sandbox did not listen on 127.0.0.1:\(port) within 10 s")
    }
}

/// What one child process cost.
struct Measured {
    let label: String
    let status: Int32
    let seconds: Double
    let cpuSeconds: Double
    let peakKiB: Int
    let output: String
    var bytes = 0
}

/// A child process started with the harness's `SpawnedProcess`, its standard output and error in a temporary
/// file, reaped here with wait4 for its resource usage.
struct ChildRun {
    let process: SpawnedProcess
    var pid: pid_t { process.pid }

    static func start(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                      output: String = "/dev/null") throws -> ChildRun {
        ChildRun(process: try SpawnedProcess(executable, arguments, environment: environment, output: .file(output),
                                             errors: .standardOutput))
    }

    /// Runs the command to its end: wall time from spawn to exit, and the child's own CPU time and peak RSS.
    static func measure(_ executable: String, _ arguments: [String], environment: [String: String],
                        label: String) throws -> Measured {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("bench-ingest-\(getpid())-\(UUID().uuidString.prefix(6)).log").path
        defer { unlink(output) }
        let started = DispatchTime.now().uptimeNanoseconds
        let child = try start(executable, arguments, environment: environment, output: output)
        var status: Int32 = 0
        var usage = rusage()
        while wait4(child.pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Measured(label: label, status: exit, seconds: seconds, cpuSeconds: cpu, peakKiB: usage.ru_maxrss,
                        output: text)
    }

    func stop() {
        if !process.stop(with: SIGTERM, within: 5) {
            kill(pid, SIGKILL)
            _ = process.waitForExit()
        }
    }
}

struct BenchFailed: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
