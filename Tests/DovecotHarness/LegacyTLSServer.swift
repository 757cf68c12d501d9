import Foundation
import Glibc

/// `openssl s_server` on 127.0.0.1 speaking only TLS 1.0, with the ciphers of its day allowed
/// (`DEFAULT@SECLEVEL=0`) and the test server certificate: a server notegate must refuse to talk to.
/// `stop()` ends it by PID; call it in a `defer`. The temporary folder is removed when the value goes away.
public final class LegacyTLSServer: @unchecked Sendable {
    public let port: Int
    public let certificates: TestCertificates
    private let directory: URL
    private let process: SpawnedProcess
    private let lock = NSLock()
    private var stopped = false

    public init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("notegate-legacy-tls-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        certificates = try TestCertificates(directory: directory)
        port = try freePort()
        let logFile = directory.appendingPathComponent("s_server.log").path
        // -www answers an HTTP GET and never reads standard input, whose end would stop s_server.
        process = try SpawnedProcess("/usr/bin/openssl", [
            "s_server", "-accept", "127.0.0.1:\(port)", "-tls1", "-cipher", "DEFAULT@SECLEVEL=0",
            "-cert", certificates.serverCertificate, "-key", certificates.serverKey, "-www", "-quiet",
        ], errorLog: logFile)
        for _ in 0..<500 {
            if accepts(port) { return }
            if process.hasExited() { break }
            usleep(20_000)
        }
        stop()
        let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
        throw HarnessError("openssl s_server -tls1 did not start; its log:\n\(log)")
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Ends s_server; later calls do nothing, so its PID is never signalled after it was reaped.
    public func stop() {
        guard lock.withLock({ () -> Bool in defer { stopped = true }; return !stopped }) else { return }
        if !process.stop(with: SIGTERM, within: 5) {
            _ = process.stop(with: SIGKILL, within: 5)
        }
    }
}
