import Foundation
import Glibc

/// A private Dovecot for tests: its own config, state, log and Maildir under a temporary folder,
/// listening on 127.0.0.1 on free ports (plain/STARTTLS and IMAPS), with one passwd-file user and a
/// server certificate from `TestCertificates`. `stop()` ends it by PID; call it in a `defer`. The
/// temporary folder is removed when the value goes away.
public final class DovecotServer: @unchecked Sendable {
    public let directory: URL
    public let certificates: TestCertificates
    /// Port of the plain listener, which also offers STARTTLS.
    public let imapPort: Int
    public let imapsPort: Int
    public let user = "notes"
    public let password = "correct horse battery staple"
    private let lock = NSLock()
    private var process: SpawnedProcess?

    /// The capabilities Dovecot announces after login, replacing its own list when given: leave out
    /// IDLE or MOVE to exercise a client's fallbacks.
    public let capabilities: String?
    /// When set, XOAUTH2 and OAUTHBEARER logins are checked by Dovecot's oauth2 passdb, which posts each token
    /// to this RFC 7662 introspection endpoint (`introspection_mode = post`); passwords still work for PLAIN/LOGIN.
    public let oauth2IntrospectionURL: String?
    /// The OAuth SASL mechanisms offered with `oauth2IntrospectionURL`: leave one out to exercise a client's choice.
    public let oauth2Mechanisms: String

    public init(capabilities: String? = nil, oauth2IntrospectionURL: String? = nil,
                oauth2Mechanisms: String = "xoauth2 oauthbearer") throws {
        self.capabilities = capabilities
        self.oauth2IntrospectionURL = oauth2IntrospectionURL
        self.oauth2Mechanisms = oauth2Mechanisms
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("notegate-dovecot-\(UUID().uuidString.prefix(8))")
        for folder in ["run", "state", "mail", "home"] {
            try FileManager.default.createDirectory(at: directory.appendingPathComponent(folder),
                                                    withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o755])
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
        certificates = try TestCertificates(directory: directory)
        imapPort = try freePort()
        imapsPort = try freePort()
        try writeConfiguration()
        try start()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// The config file Dovecot runs with.
    public var configurationFile: String { directory.appendingPathComponent("dovecot.conf").path }
    public var logFile: String { directory.appendingPathComponent("dovecot.log").path }
    /// A file holding the user's password, for a `password_file` setting.
    public var passwordFile: String { directory.appendingPathComponent("imap-password").path }

    /// Starts Dovecot and waits until both ports accept connections.
    /// Starting a server that is already running is an error: a second master would exit at once ("already
    /// running") while the ports answer for the first, which nothing would then stop.
    public func start() throws {
        guard lock.withLock({ self.process == nil }) else {
            throw HarnessError("Dovecot in \(directory.path) is already running: stop() it before starting it again")
        }
        let process = try SpawnedProcess("/usr/sbin/dovecot", ["-F", "-c", configurationFile],
                                         output: .discarded, errors: .appended(logFile))
        lock.withLock { self.process = process }
        for _ in 0..<500 {
            // Our master, not another one, must be the one listening.
            if process.hasExited() { break }
            if accepts(imapPort) && accepts(imapsPort) { return }
            usleep(20_000)
        }
        stop()
        throw HarnessError("Dovecot did not start; its log:\n\(log)")
    }

    /// Ends Dovecot by its PID: SIGTERM to the master (SIGKILL if it is still running after five
    /// seconds), then SIGKILL to each of its child processes, by PID. Its imap-login and imap
    /// processes can outlive the master for seconds, still accepting connections on the listening
    /// sockets and serving the sessions they have; a test that stops the server needs it down.
    public func stop() {
        guard let process = lock.withLock({ () -> SpawnedProcess? in defer { self.process = nil }; return self.process })
        else { return }
        let children = childProcesses(of: process.pid)
        if !process.stop(with: SIGTERM, within: 5) {
            _ = process.stop(with: SIGKILL, within: 5)
        }
        for pid in children { kill(pid, SIGKILL) }
    }

    public var log: String {
        (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
    }

    private var client: MailboxClient { MailboxClient(port: imapPort, user: user, password: password) }

    /// Puts a message into `folder` (created when missing) with IMAP APPEND; `receivedAt` sets its
    /// INTERNALDATE, which otherwise is the time of the APPEND.
    public func append(_ message: [UInt8], to folder: String = "INBOX", receivedAt: Date? = nil) throws {
        let date = receivedAt.map { [String($0.timeIntervalSince1970)] } ?? []
        _ = try client.run("append", [folder] + date, input: Data(message))
    }

    public func createFolder(_ folder: String) throws {
        _ = try client.run("create", [folder])
    }

    public func deleteFolder(_ folder: String) throws {
        _ = try client.run("delete", [folder])
    }

    /// Flags of every message in `folder` by UID, read without changing anything.
    public func flags(in folder: String) throws -> [UInt32: [String]] {
        var result: [UInt32: [String]] = [:]
        for line in try client.run("flags", [folder]).split(separator: "\n") {
            guard let uid = line.firstMatch(of: /UID (\d+)/).flatMap({ UInt32($0.1) }),
                  let flags = line.firstMatch(of: /FLAGS \(([^)]*)\)/) else { continue }
            result[uid] = flags.1.split(separator: " ").map(String.init)
        }
        return result
    }

    /// Names of all folders of the user.
    public func folders() throws -> [String] {
        try client.run("list", []).split(separator: "\n").compactMap { line in
            line.firstMatch(of: /"[^"]*" "?([^"]*)"?$/).map { String($0.1) }
        }
    }

    /// The `out=` and `body_bytes=` figures of the last session of the user that logged out after
    /// `logOffset` bytes of the log: what Dovecot sent that client, and how much of it was message bodies.
    public func lastLogout(after logOffset: Int) -> (bytesSent: Int, bodyBytes: Int)? {
        let recent = log.utf8.dropFirst(logOffset)
        let lines = String(decoding: recent, as: UTF8.self).split(separator: "\n").filter { $0.contains(" out=") }
        guard let line = lines.last,
              let sent = line.firstMatch(of: /\bout=(\d+)/).flatMap({ Int($0.1) }),
              let body = line.firstMatch(of: /body_bytes=(\d+)/).flatMap({ Int($0.1) }) else { return nil }
        return (sent, body)
    }

    /// The `out=` figures of every session that ended after `logOffset` bytes of the log, in the
    /// order they ended: the bytes Dovecot sent each client.
    public func bytesSent(after logOffset: Int) -> [Int] {
        let recent = String(decoding: log.utf8.dropFirst(logOffset), as: UTF8.self)
        return recent.split(separator: "\n").compactMap { line in
            line.firstMatch(of: /\bout=(\d+)/).flatMap { Int($0.1) }
        }
    }

    private func writeConfiguration() throws {
        let root = directory.path
        let configuration = """
        base_dir = \(root)/run
        state_dir = \(root)/state
        log_path = \(root)/dovecot.log
        protocols = imap
        listen = 127.0.0.1
        ssl = yes
        ssl_cert = <\(certificates.serverCertificate)
        ssl_key = <\(certificates.serverKey)
        disable_plaintext_auth = no
        auth_mechanisms = plain login\(oauth2IntrospectionURL == nil ? "" : " \(oauth2Mechanisms)")
        mail_location = maildir:\(root)/mail/%u
        first_valid_uid = 1
        mail_max_userip_connections = 100
        imap_logout_format = in=%i out=%o hdr_bytes=%{fetch_hdr_bytes} body_count=%{fetch_body_count} body_bytes=%{fetch_body_bytes}
        \(capabilities.map { "imap_capability = \($0)" } ?? "")
        passdb {
          driver = passwd-file
          args = scheme=PLAIN \(root)/passwd
          \(oauth2IntrospectionURL == nil ? "" : "mechanisms = plain login")
        }
        \(oauth2IntrospectionURL == nil ? "" : "passdb {\n  driver = oauth2\n  mechanisms = \(oauth2Mechanisms)\n"
            + "  args = \(root)/dovecot-oauth2.conf.ext\n}")
        userdb {
          driver = static
          args = uid=dovecot gid=dovecot home=\(root)/home/%u
        }
        service imap-login {
          inet_listener imap {
            port = \(imapPort)
          }
          inet_listener imaps {
            port = \(imapsPort)
            ssl = yes
          }
        }

        """
        try configuration.write(toFile: configurationFile, atomically: true, encoding: .utf8)
        if let oauth2IntrospectionURL {
            try """
            introspection_mode = post
            introspection_url = \(oauth2IntrospectionURL)
            username_attribute = username
            active_attribute = active
            active_value = true

            """.write(toFile: "\(root)/dovecot-oauth2.conf.ext", atomically: true, encoding: .utf8)
        }
        try "\(user):{PLAIN}\(password)\n".write(toFile: "\(root)/passwd", atomically: true, encoding: .utf8)
        try password.write(toFile: passwordFile, atomically: true, encoding: .utf8)
        try runTool("/bin/chown", ["-R", "dovecot:dovecot", "\(root)/mail", "\(root)/home"])
    }
}

/// PIDs whose parent is `parent`, read from /proc.
private func childProcesses(of parent: pid_t) -> [pid_t] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { entry in
        guard let pid = pid_t(entry),
              let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
              let fields = stat.split(separator: ")").last?.split(separator: " "),
              fields.count > 1, pid_t(fields[1]) == parent else { return nil }
        return pid
    }
}

/// A port on 127.0.0.1 nobody listens on right now.
public func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    guard let port = bindToLoopback(fd) else { throw HarnessError("cannot find a free port: errno \(errno)") }
    return port
}

/// Binds `socket` to 127.0.0.1 on a port the system chooses and returns the port; nil when it cannot (errno
/// says why).
func bindToLoopback(_ socket: Int32) -> Int? {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
            bind(socket, address, length) == 0 && getsockname(socket, address, &length) == 0
        }
    }
    return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
}

func accepts(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
}
