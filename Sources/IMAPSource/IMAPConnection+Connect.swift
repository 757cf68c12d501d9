import Secrets
import CEtPan
import CEtPanTLS
import Foundation
import Glibc
import GatewayConfig
import OAuth

// Opening the connection: TCP, TLS per transport, greeting, login.
extension IMAPConnection {
    func connect(_ session: UnsafeMutablePointer<mailimap>) throws {
        if config.transport == .plain {
            guard config.allowInsecure else {
                throw IMAPError(.insecureRefused, "refusing to connect to \(config.host) without TLS: the password "
                    + "would cross the network in clear. Use `transport: imaps` or `starttls`, or set "
                    + "`allow_insecure: true` for a trusted local network.")
            }
            logger.warning("IMAP connection is not encrypted (allow_insecure is set)", metadata: [
                "host": "\(config.host)",
            ])
        } else if !config.tls.verify {
            logger.warning("""
                IMAP server certificate is not verified (tls.verify is false): anyone on the network path can pose \
                as the server and read the password
                """, metadata: ["host": "\(config.host)"])
        }
        let socket = try tcpConnect()
        let stream: UnsafeMutablePointer<mailstream>?
        if config.transport == .imaps {
            do {
                stream = mailstream_new(try tlsOpen(socket), 8192)
            } catch {
                Glibc.close(socket)
                throw error
            }
        } else {
            stream = plainStream(socket)
        }
        guard let stream else {
            Glibc.close(socket)
            throw IMAPError(.connectFailed, "cannot set up a stream to \(config.host)")
        }
        try check(mailimap_connect(session, stream), "greeting")
        if config.transport == .starttls {
            try startTLS(session)
        }
    }

    /// libetpan's socket driver over `socket`, behind the filter that gives it the TLS driver's protections
    /// against a hostile server (a connection cut inside a literal, a reply libetpan crashes on); nil when
    /// out of memory, with `socket` left open.
    private func plainStream(_ socket: Int32) -> UnsafeMutablePointer<mailstream>? {
        guard let socketDriver = mailstream_low_socket_open(socket) else { return nil }
        mailstream_low_set_timeout(socketDriver, time_t(config.timeoutSeconds))
        guard let filtered = notegate_filter_stream_open(socketDriver) else {
            mailstream_low_free(socketDriver)
            return nil
        }
        guard let stream = mailstream_new(filtered, 8192) else {
            mailstream_low_free(filtered)
            return nil
        }
        return stream
    }

    private func startTLS(_ session: UnsafeMutablePointer<mailimap>) throws {
        let result = mailimap_starttls(session)
        // The server's next bytes after its OK must be the TLS handshake. Anything already read past the OK came
        // in plaintext and would be taken as the server's answers over TLS: refuse it (CVE-2011-0411). Checked
        // here, not left to libetpan, whose upstream releases do not check it.
        let buffered = session.pointee.imap_stream.pointee.read_buffer_len
        guard buffered == 0 else {
            // Hang up without another word: nothing more is said in plaintext to whoever answered.
            mailstream_close(session.pointee.imap_stream)
            session.pointee.imap_stream = nil
            throw IMAPError(.starttlsInjection, "\(config.host) sent \(buffered) more byte(s) in plaintext after "
                + "its answer to STARTTLS, before TLS began; they may have been injected by someone on the network "
                + "path, so notegate did not start TLS on this connection. If it happens again, check the network "
                + "between notegate and the server, or use `transport: imaps` (port 993)")
        }
        guard result == MAILIMAP_NO_ERROR else {
            throw IMAPError(.starttlsUnavailable, "\(config.host) refused STARTTLS; use `transport: imaps` "
                + "if the server offers port 993")
        }
        // As libetpan's own mailimap_socket_starttls does: the plain driver (the filter and libetpan's socket
        // driver under it) gives up the socket (freed without closing it) to the TLS driver.
        let stream = session.pointee.imap_stream
        let plain = mailstream_get_low(stream)
        let secured = try tlsOpen(mailstream_low_get_fd(plain))
        mailstream_low_free(plain)
        mailstream_set_low(stream, secured)
    }

    private func tcpConnect() throws -> Int32 {
        var status = NOTEGATE_TLS_OK
        var message = [CChar](repeating: 0, count: 512)
        let socket = notegate_tcp_connect(config.host, UInt16(config.port), Int32(config.timeoutSeconds),
                                          &status, &message, message.count)
        guard socket >= 0 else {
            let reason = text(message)
            let code: IMAPError.Code = status == NOTEGATE_TLS_TIMEOUT ? .timeout : .connectFailed
            throw IMAPError(code, "cannot connect to \(config.host):\(config.port) (\(reason)); check `host` and `port`")
        }
        return socket
    }

    private func tlsOpen(_ socket: Int32) throws -> UnsafeMutablePointer<mailstream_low> {
        var status = NOTEGATE_TLS_OK
        var message = [CChar](repeating: 0, count: 512)
        let low = config.tls.caFile.withOptionalCString { caFile in
            config.host.withCString { host in
                var options = notegate_tls_options(host: host, verify: config.tls.verify ? 1 : 0, ca_file: caFile,
                                                   timeout_seconds: Int32(config.timeoutSeconds))
                return notegate_tls_open(socket, &options, &status, &message, message.count)
            }
        }
        guard let low else {
            throw tlsError(status, reason: text(message))
        }
        return low
    }

    private func tlsError(_ status: notegate_tls_status, reason: String) -> IMAPError {
        let host = config.host
        switch status {
        case NOTEGATE_TLS_UNTRUSTED:
            return IMAPError(.tlsUntrusted, "TLS certificate for \(host) is not trusted (\(reason)). Set `tls.ca_file` "
                + "to trust it, or `tls.verify = false` to skip verification (not recommended).")
        case NOTEGATE_TLS_HOSTNAME_MISMATCH:
            return IMAPError(.tlsHostnameMismatch, "TLS certificate presented by \(host) is for another host "
                + "(\(reason)). Set `host` to a name the certificate carries.")
        case NOTEGATE_TLS_CA_FILE_UNUSABLE:
            return IMAPError(.tlsCAFileUnusable, "cannot use `tls.ca_file` \(config.tls.caFile ?? "") (\(reason)); "
                + "it must be a readable PEM file of CA certificates")
        case NOTEGATE_TLS_PROTOCOL_TOO_OLD:
            return IMAPError(.tlsProtocolTooOld, "\(host) offers only a TLS protocol version that is too old "
                + "(\(reason)); notegate requires TLS 1.2 or later. Enable TLS 1.2 or 1.3 on the server.")
        case NOTEGATE_TLS_TIMEOUT:
            return IMAPError(.timeout, "TLS handshake with \(host) timed out")
        default:
            return IMAPError(.tlsHandshakeFailed, "TLS handshake with \(host) failed (\(reason))")
        }
    }

    func authenticate(_ session: UnsafeMutablePointer<mailimap>) throws {
        let user = config.username
        let result: Int32
        switch config.authentication {
        case .login(let source):
            result = mailimap_login(session, user, try resolve(source).reveal())
        case .plain(let source):
            result = mailimap_authenticate(session, "PLAIN", config.host, nil, nil, user, user,
                                           try resolve(source).reveal(), nil)
        case .xoauth2(let source):
            result = mailimap_oauth2_authenticate(session, user, try resolve(source).reveal())
        case .oauth2(let settings):
            try oauth2Authenticate(session, settings)
            return
        }
        guard Int(result) == MAILIMAP_NO_ERROR else {
            // A connection that broke during the login is not a refusal: reconnect soon instead of parking.
            if Int(result) == MAILIMAP_ERROR_STREAM {
                throw IMAPError(.connectionLost, "connection to \(config.host):\(config.port) lost during the login")
            }
            let reply = session.pointee.imap_response.map { String(cString: $0) } ?? "no reply"
            throw IMAPError(.authenticationFailed, "\(config.host) refused the login of \(user) (\(reply)); "
                + "check `username`, the auth method and its password or token source")
        }
    }

    /// OAUTHBEARER or XOAUTH2 with a token from the provider; a refused token believed valid is renewed once
    /// and tried again. A second refusal reports the server's decoded error challenge.
    private func oauth2Authenticate(_ session: UnsafeMutablePointer<mailimap>, _ settings: OAuth2Settings) throws {
        let mechanism = oauthMechanism(session)
        var outcome = try oauthAuthenticate(session, mechanism: mechanism,
                                            token: try accessToken(settings, forceRefresh: false))
        if case .refused = outcome {
            logger.info("IMAP server refused the OAuth access token; asking the provider for a new one")
            outcome = try oauthAuthenticate(session, mechanism: mechanism,
                                            token: try accessToken(settings, forceRefresh: true))
        }
        guard case .refused(let reply, let challenge) = outcome else { return }
        let detail = challenge.map { "; the server said \($0)" } ?? ""
        throw IMAPError(.authenticationFailed, "\(config.host) refused the \(mechanism) login of \(config.username) "
            + "with a freshly issued token (\(reply))\(detail). Check that the app has permission on this mailbox "
            + "and the token's scope (`oauth2.scope`)")
    }

    private func accessToken(_ settings: OAuth2Settings, forceRefresh: Bool) throws -> String {
        do {
            return try AccessTokens.blockingAccessToken(for: settings, forceRefresh: forceRefresh)
        } catch {
            // Unreachable or 5xx: reconnect with backoff. Refused or misconfigured: park, the operator must act.
            let advice = switch error.kind {
            case .refused: " Sign in again with `notegate oauth login --config FILE --mailbox \(config.name)` "
                + "(delegated), or check the client id, secret or key and the app's permission on the mailbox."
            case .misconfigured, .unavailable: ""
            }
            throw IMAPError(error.isRetryable ? .connectFailed : .credentialsUnavailable,
                            "cannot get an OAuth access token for mailbox \(config.name): \(error)\(advice)")
        }
    }

    private func resolve(_ source: SecretSource) throws -> Secret {
        do {
            // This thread is the connection's own, so it may wait for a token command (at most its timeout).
            return try source.resolve(commandTimeout: .seconds(config.oauthTokenCommandTimeoutSeconds))
        } catch {
            throw IMAPError(.credentialsUnavailable, "cannot read the credentials for mailbox \(config.name): \(error)")
        }
    }
}

/// The text a C function wrote into `buffer`, up to its terminating NUL.
private func text(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        .trimmingCharacters(in: .whitespacesAndNewlines)
}

extension Optional<String> {
    fileprivate func withOptionalCString<Result>(_ body: (UnsafePointer<CChar>?) -> Result) -> Result {
        switch self {
        case .some(let text): text.withCString { body($0) }
        case .none: body(nil)
        }
    }
}
