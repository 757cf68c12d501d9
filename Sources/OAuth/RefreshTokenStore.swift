import Foundation
import Glibc

/// The refresh token notegate obtained for one mailbox, in a file only its owner may read (mode 0600), replaced
/// atomically (write beside, then rename) so a crash leaves the old token or the new one, never half of one.
public struct RefreshTokenStore: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The stored token, or nil when there is none yet.
    public func read() throws(OAuthError) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw OAuthError(.misconfigured, "cannot read the refresh-token file \(path); check its permissions")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return token.isEmpty ? nil : token
    }

    public func write(_ token: String) throws(OAuthError) {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else {
            throw OAuthError(.misconfigured, "cannot write the refresh-token file beside \(path) (errno \(errno)); "
                + "check that its folder exists and notegate may write to it")
        }
        let bytes = Array(token.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == bytes.count, synced, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw OAuthError(.misconfigured, "cannot replace the refresh-token file \(path) (errno \(errno))")
        }
    }
}
