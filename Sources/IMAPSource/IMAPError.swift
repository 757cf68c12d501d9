/// Everything that can go wrong talking to an IMAP server, with a message that says what happened,
/// to which server, and what to do about it. Compare `code` to tell cases apart; new codes can be
/// added without breaking callers.
public struct IMAPError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        public static let connectFailed = Code("connect-failed")
        public static let timeout = Code("timeout")
        public static let connectionLost = Code("connection-lost")
        public static let tlsUntrusted = Code("tls-untrusted")
        public static let tlsHostnameMismatch = Code("tls-hostname-mismatch")
        public static let tlsCAFileUnusable = Code("tls-ca-file-unusable")
        public static let tlsHandshakeFailed = Code("tls-handshake-failed")
        /// The server offers only TLS 1.0 or 1.1; notegate requires TLS 1.2 or later.
        public static let tlsProtocolTooOld = Code("tls-protocol-too-old")
        /// Bytes followed the server's STARTTLS answer before TLS began: plaintext someone may have injected.
        public static let starttlsInjection = Code("starttls-injection")
        public static let starttlsUnavailable = Code("starttls-unavailable")
        public static let insecureRefused = Code("insecure-refused")
        public static let authenticationFailed = Code("authentication-failed")
        public static let credentialsUnavailable = Code("credentials-unavailable")
        public static let commandFailed = Code("command-failed")
        /// A reply went past the byte or nesting budget of its command; the session is closed.
        public static let replyOverBudget = Code("reply-over-budget")
        /// The server refused to SELECT a configured folder: it does not exist, or the user may not read it.
        public static let folderUnavailable = Code("folder-unavailable")
    }

    public let code: Code
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// Whether reconnecting soon may help. Errors that only a change of configuration can fix
    /// (an untrusted certificate, a wrong password, a folder that does not exist) are not retryable:
    /// a watcher parks its mailbox on them (see `MailboxConfig.configurationRetrySeconds`).
    public var isRetryable: Bool {
        [.connectFailed, .timeout, .connectionLost, .tlsHandshakeFailed, .commandFailed, .replyOverBudget].contains(code)
    }
}
