import Foundation
import Glibc

/// A TLS version notegate must refuse, as `openssl s_server` is told to speak it alone.
public enum LegacyTLSVersion: String, Sendable, CaseIterable, CustomStringConvertible {
    case tls1_0 = "-tls1"
    case tls1_1 = "-tls1_1"

    public var description: String { self == .tls1_0 ? "TLS 1.0" : "TLS 1.1" }
}

/// `openssl s_server` on 127.0.0.1 speaking only `version` (TLS 1.0 unless told), with the ciphers of its
/// day allowed (`DEFAULT@SECLEVEL=0`) and the test server certificate: a server notegate must refuse to talk to.
/// `stop()` ends it by PID; call it in a `defer`. The temporary folder is removed when the value goes away.
public final class LegacyTLSServer: @unchecked Sendable {
    public let port: Int
    public let certificates: TestCertificates
    private let directory: URL
    private let process: SpawnedProcess
    private let lock = NSLock()
    private var stopped = false

    public init(version: LegacyTLSVersion = .tls1_0) throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("notegate-legacy-tls-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        certificates = try TestCertificates(directory: directory)
        port = try freePort()
        let logFile = directory.appendingPathComponent("s_server.log").path
        // -www answers an HTTP GET and never reads standard input, whose end would stop s_server.
        process = try SpawnedProcess("/usr/bin/openssl", [
            "s_server", "-accept", "127.0.0.1:\(port)", version.rawValue, "-cipher", "DEFAULT@SECLEVEL=0",
            "-cert", certificates.serverCertificate, "-key", certificates.serverKey, "-www", "-quiet",
        ], output: .discarded, errors: .appended(logFile))
        for _ in 0..<500 {
            if accepts(port) { return }
            if process.hasExited() { break }
            usleep(20_000)
        }
        stop()
        let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
        throw HarnessError("openssl s_server \(version.rawValue) did not start; its log:\n\(log)")
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
