import CEtPan
import Foundation
import GatewayConfig

/// SASL for OAuth access tokens: OAUTHBEARER (RFC 7628) when the server offers it, else XOAUTH2, each sent with
/// its initial response. A refusal's challenge (RFC 7628 section 3.2.2: JSON with `status`, `scope`...) is decoded
/// for the error message; the exchange is then ended as the RFC asks (a lone %x01 / an empty line).
extension IMAPConnection {
    /// The outcome of one AUTHENTICATE.
    enum OAuthLogin {
        case accepted
        /// Refused; the server's tagged text and its decoded error challenge, if it sent one.
        case refused(reply: String, challenge: String?)
    }

    /// The mechanism to use, from the capabilities the server announced before the login.
    func oauthMechanism(_ session: UnsafeMutablePointer<mailimap>) -> String {
        if session.pointee.imap_connection_info?.pointee.imap_capability == nil {
            _ = mailimap_custom_command(session, "CAPABILITY")
        }
        return mailimap_has_authentication(session, "OAUTHBEARER") != 0 ? "OAUTHBEARER" : "XOAUTH2"
    }

    /// Sends `AUTHENTICATE` with the token and reads the answer, line by line, off libetpan's own stream.
    func oauthAuthenticate(_ session: UnsafeMutablePointer<mailimap>, mechanism: String, token: String) throws
        -> OAuthLogin
    {
        let user = config.username
        let initial = mechanism == "OAUTHBEARER"
            ? "n,a=\(user),\u{1}host=\(config.host)\u{1}port=\(config.port)\u{1}auth=Bearer \(token)\u{1}\u{1}"
            : "user=\(user)\u{1}auth=Bearer \(token)\u{1}\u{1}"
        let tag = "oauth\(UInt32.random(in: 1000...999_999))"
        try writeLine(session, "\(tag) AUTHENTICATE \(mechanism) \(Data(initial.utf8).base64EncodedString())")
        var challenge: String?
        while true {
            let line = try readLine(session)
            if line.hasPrefix("+") {
                // The error challenge: decode it, then end the exchange so the server sends its tagged NO.
                let payload = line.dropFirst().trimmingCharacters(in: .whitespaces)
                challenge = Data(base64Encoded: payload).map { String(decoding: $0, as: UTF8.self) } ?? payload
                try writeLine(session, mechanism == "OAUTHBEARER" ? "AQ==" : "")
                continue
            }
            guard line.hasPrefix(tag + " ") else { continue } // untagged data, e.g. CAPABILITY
            let status = line.dropFirst(tag.count + 1)
            if status.uppercased().hasPrefix("OK") {
                session.pointee.imap_state = Int32(MAILIMAP_STATE_AUTHENTICATED)
                return .accepted
            }
            return .refused(reply: String(status), challenge: challenge)
        }
    }

    private func writeLine(_ session: UnsafeMutablePointer<mailimap>, _ text: String) throws {
        let bytes = Array((text + "\r\n").utf8)
        let written = bytes.withUnsafeBytes { mailstream_write(session.pointee.imap_stream, $0.baseAddress, $0.count) }
        guard written == bytes.count, mailstream_flush(session.pointee.imap_stream) == 0 else {
            throw IMAPError(.connectionLost, "connection to \(config.host):\(config.port) lost during the login")
        }
    }

    private func readLine(_ session: UnsafeMutablePointer<mailimap>) throws -> String {
        guard let buffer = mmap_string_new("") else {
            throw IMAPError(.connectionLost, "out of memory reading the login answer of \(config.host)")
        }
        defer { mmap_string_free(buffer) }
        guard let line = mailstream_read_line_remove_eol(session.pointee.imap_stream, buffer) else {
            throw IMAPError(.connectionLost, "connection to \(config.host):\(config.port) lost during the login")
        }
        return String(cString: line)
    }
}
