import Foundation
import GatewayConfig
import Secrets

/// When an OAuth access token expires, if the token says: Microsoft 365 access tokens are JWTs with
/// an `exp` claim; opaque tokens (Google's) say nothing, and then nothing is reported.
enum OAuthTokenExpiry {
    static func expiry(of token: String) -> Date? {
        let parts = token.split(separator: ".")
        guard parts.count == 3, let payload = base64URLDecode(parts[1]),
              let claims = try? JSONSerialization.jsonObject(with: payload) as? [String: Any],
              let exp = (claims["exp"] as? NSNumber)?.doubleValue else { return nil }
        return Date(timeIntervalSince1970: exp)
    }

    private static func base64URLDecode(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}

/// Reads each XOAUTH2 mailbox's token every few minutes and tells health when one expires within
/// the warning period, so `/healthz` turns unhealthy before logins start failing.
struct OAuthTokenWatch: Sendable {
    let mailboxes: [MailboxConfig]
    let health: GatewayHealth
    let warning: TimeInterval
    let interval: Duration

    func run() async throws {
        while !Task.isCancelled {
            await checkOnce()
            try await Task.sleep(for: interval)
        }
    }

    func checkOnce(now: Date = Date()) async {
        for mailbox in mailboxes {
            guard case .xoauth2(let source) = mailbox.authentication,
                  let token = try? await source.resolve(
                      commandTimeout: .seconds(mailbox.oauthTokenCommandTimeoutSeconds)),
                  let expiry = OAuthTokenExpiry.expiry(of: token.reveal()) else {
                continue
            }
            if expiry.timeIntervalSince(now) < warning {
                await health.tokenExpiring(mailbox.name, at: expiry)
            } else {
                await health.tokenFresh(mailbox.name)
            }
        }
    }
}
