import CEtPan
import CEtPanTLS
import Foundation
import GatewayConfig
import Logging

/// One IMAP session with a mailbox, running on a thread of its own: every libetpan call blocks that
/// thread and never a thread of Swift's cooperative pool. Callers use it through `async` methods.
/// Its logger carries the mailbox and folder metadata of the watcher that made it.
actor IMAPConnection {
    private let thread: ConnectionThread
    let config: MailboxConfig
    let logger: Logger
    /// Interrupts `waitForChange` from any thread.
    let wakePipe = WakePipe()
    var session: UnsafeMutablePointer<mailimap>?
    /// Folders known to exist, so that moving to one checks for it once per connection.
    var knownFolders: Set<String> = []

    nonisolated var unownedExecutor: UnownedSerialExecutor { thread.asUnownedSerialExecutor() }

    init(config: MailboxConfig, logger: Logger) {
        self.config = config
        self.logger = logger
        thread = ConnectionThread(name: "imap-\(config.name)")
    }

    isolated deinit {
        if let session { mailimap_free(session) }
        thread.stop()
    }

    /// The live session; throws when the connection has been closed or never opened.
    func requireSession() throws -> UnsafeMutablePointer<mailimap> {
        guard let session else {
            throw IMAPError(.connectionLost, "the connection to \(config.host) is closed")
        }
        return session
    }

    /// Connects, protects the connection as configured, logs in, and reads the capabilities.
    /// A given `stream` stands for the connection (`IMAPReplay`): the greeting is read from it.
    func open(over stream: UnsafeMutablePointer<mailstream>? = nil) throws {
        try wakePipe.requireUsable(host: config.host)
        let session = mailimap_new(0, nil)!
        mailimap_set_timeout(session, time_t(config.timeoutSeconds))
        self.session = session
        knownFolders = []
        if let stream {
            try check(mailimap_connect(session, stream), "greeting")
        } else {
            try connect(session)
        }
        try authenticate(session)
        try check(refreshCapabilities(session), "CAPABILITY")
        logger.info("IMAP connected", metadata: [
            "host": "\(config.host)", "transport": "\(config.transport)", "idle": "\(supportsIdle)",
        ])
    }

    /// Logs out (best effort) and frees the session.
    func close() {
        guard let session else { return }
        if session.pointee.imap_stream != nil {
            mailimap_logout(session)
        }
        mailimap_free(session)
        self.session = nil
    }

    var supportsIdle: Bool {
        session.map { mailimap_has_idle($0) != 0 } ?? false
    }

    func hasCapability(_ name: String) -> Bool {
        session.map { mailimap_has_extension($0, name) != 0 } ?? false
    }

    /// Throws an `IMAPError` for a libetpan result code other than success.
    func check(_ result: Int32, _ command: String) throws {
        let code = Int(result)
        guard code != MAILIMAP_NO_ERROR, code != MAILIMAP_NO_ERROR_AUTHENTICATED,
              code != MAILIMAP_NO_ERROR_NON_AUTHENTICATED else { return }
        if code == MAILIMAP_ERROR_STREAM || code == MAILIMAP_ERROR_CONNECTION_REFUSED {
            throw IMAPError(.connectionLost, "connection to \(config.host):\(config.port) lost during \(command)")
        }
        let reply = session?.pointee.imap_response.map { String(cString: $0) } ?? ""
        let detail = reply.isEmpty ? "libetpan error \(code)" : "server said: \(reply)"
        throw IMAPError(.commandFailed, "IMAP \(command) on \(config.host) failed (\(detail))")
    }
}

/// Runs CAPABILITY so that libetpan records the capabilities on the session. Not through
/// `mailimap_capability`: it copies the recorded list without checking that there is one, and a
/// server that answers OK without an untagged CAPABILITY crashed the process (found by `make fuzz`).
private func refreshCapabilities(_ session: UnsafeMutablePointer<mailimap>) -> Int32 {
    mailimap_custom_command(session, "CAPABILITY")
}
