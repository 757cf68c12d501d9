import Foundation
import GatewayConfig

/// RFC 8628: the device authorization grant `notegate oauth login` runs. The user opens the URL on any device,
/// enters the code and signs in; meanwhile notegate polls the token endpoint and, once approved, keeps the
/// refresh token in the mailbox's refresh-token file.
public struct DeviceAuthorization: Sendable {
    /// What to show the user.
    public struct Prompt: Sendable {
        public let verificationURI: String
        public let userCode: String
        public let expiresIn: Int
    }

    public let settings: OAuth2Settings

    public init(settings: OAuth2Settings) {
        self.settings = settings
    }

    /// Asks for a device code, hands the prompt to `show`, polls until the user approves (or refuses, or the
    /// code expires), stores the refresh token and returns the file it is in.
    public func signIn(show: @Sendable (Prompt) -> Void) async throws(OAuthError) -> String {
        guard settings.grant == .refreshToken else {
            throw OAuthError(.misconfigured, "this mailbox uses the \(settings.grant.rawValue) grant, which needs "
                + "no sign-in; `oauth login` is for `grant: refresh_token`")
        }
        guard let deviceURL = settings.deviceAuthorizationURL, let clientID = settings.clientID else {
            throw OAuthError(.misconfigured, "set `device_authorization_url` and `client_id` under `oauth2:` "
                + "to sign in with a device code")
        }
        let endpoint = TokenEndpoint(url: settings.tokenURL, allowInsecure: settings.allowInsecure)
        var form = ["client_id": clientID]
        if let secret = settings.clientSecret {
            do {
                form["client_secret"] = try await secret.resolve().reveal()
            } catch {
                throw OAuthError(.misconfigured, "cannot read the OAuth client secret: \(error)")
            }
        }
        var request = form
        request["scope"] = settings.scope
        let answer = try await endpoint.post(request, to: deviceURL)
        guard let deviceCode = answer["device_code"] as? String, let userCode = answer["user_code"] as? String,
              let uri = (answer["verification_uri"] ?? answer["verification_url"]) as? String
        else { throw OAuthError(.unavailable, "\(deviceURL) answered without device_code, user_code and verification_uri") }
        let expiresIn = Self.number(answer["expires_in"]) ?? 900
        var interval = max(1, Self.number(answer["interval"]) ?? 5)
        show(Prompt(verificationURI: uri, userCode: userCode, expiresIn: expiresIn))
        let deadline = ContinuousClock.now + .seconds(expiresIn)
        var poll = form
        poll["grant_type"] = "urn:ietf:params:oauth:grant-type:device_code"
        poll["device_code"] = deviceCode
        while ContinuousClock.now < deadline {
            do {
                try await Task.sleep(for: .seconds(interval))
            } catch {
                throw OAuthError(.misconfigured, "sign-in cancelled")
            }
            do throws(OAuthError) {
                let tokens = try await endpoint.requestTokens(poll)
                guard let refreshToken = tokens.refreshToken else {
                    throw OAuthError(.misconfigured, "the provider issued no refresh token; add offline_access "
                        + "(Microsoft) to `scope`, or check that the client may use refresh tokens")
                }
                let path = settings.refreshTokenFile ?? "notegate-oauth.refresh-token"
                try RefreshTokenStore(path: path).write(refreshToken)
                return path
            } catch let error where error.kind == .refused(code: "authorization_pending") {
                continue
            } catch let error where error.kind == .refused(code: "slow_down") {
                interval += 5
            }
        }
        throw OAuthError(.refused(code: "expired_token"), "the code \(userCode) expired before it was approved; "
            + "run `notegate oauth login` again")
    }

    private static func number(_ value: Any?) -> Int? {
        (value as? NSNumber)?.intValue ?? (value as? String).flatMap(Int.init)
    }
}
