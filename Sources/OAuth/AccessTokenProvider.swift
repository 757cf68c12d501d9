import Foundation
import GatewayConfig
import Synchronization

/// Access tokens for one `auth: oauth2` mailbox: cached in memory, asked for again a while before `expires_in`
/// runs out, never handed out expired. A refresh token the provider rotates replaces the stored one.
public actor AccessTokenProvider {
    public let settings: OAuth2Settings
    private let endpoint: TokenEndpoint
    private var cached: (token: String, renewAt: ContinuousClock.Instant)?
    /// The token request under way: callers that come meanwhile (another folder of the mailbox) wait for it
    /// instead of sending their own, which with a rotating refresh token would spend it twice.
    private var inFlight: Task<Result<TokenEndpoint.Tokens, OAuthError>, Never>?

    public init(settings: OAuth2Settings) {
        self.settings = settings
        endpoint = TokenEndpoint(url: settings.tokenURL, allowInsecure: settings.allowInsecure)
    }

    /// A token valid now. `forceRefresh` drops the cached one first: the server refused a token believed valid.
    public func accessToken(forceRefresh: Bool = false) async throws(OAuthError) -> String {
        if !forceRefresh, let cached, ContinuousClock.now < cached.renewAt { return cached.token }
        cached = nil
        let tokens = try await sharedRequest()
        // Renewed ahead of expiry: a tenth of its life early, at most five minutes.
        let margin = min(300.0, Double(tokens.expiresIn) / 10)
        cached = (tokens.accessToken, ContinuousClock.now + .milliseconds(Int((Double(tokens.expiresIn) - margin) * 1000)))
        return tokens.accessToken
    }

    private func sharedRequest() async throws(OAuthError) -> TokenEndpoint.Tokens {
        if let inFlight { return try await inFlight.value.get() }
        let request = Task { () -> Result<TokenEndpoint.Tokens, OAuthError> in
            do throws(OAuthError) {
                return .success(try await self.requestTokens())
            } catch {
                return .failure(error)
            }
        }
        inFlight = request
        let result = await request.value
        inFlight = nil
        return try result.get()
    }

    private func requestTokens() async throws(OAuthError) -> TokenEndpoint.Tokens {
        var form = ["scope": settings.scope]
        if let clientID = settings.clientID { form["client_id"] = clientID }
        if let secret = settings.clientSecret {
            do {
                form["client_secret"] = try await secret.resolve().reveal()
            } catch {
                throw OAuthError(.misconfigured, "cannot read the OAuth client secret: \(error)")
            }
        }
        switch settings.grant {
        case .clientCredentials:
            form["grant_type"] = "client_credentials"
            return try await endpoint.requestTokens(form)
        case .refreshToken:
            let store = RefreshTokenStore(path: settings.refreshTokenFile ?? "notegate-oauth.refresh-token")
            guard let refreshToken = try store.read() else {
                throw OAuthError(.misconfigured, "no refresh token stored in \(store.path) yet; run "
                    + "`notegate oauth login --config FILE --mailbox NAME` once to sign in")
            }
            form["grant_type"] = "refresh_token"
            form["refresh_token"] = refreshToken
            form["scope"] = nil
            let tokens = try await endpoint.requestTokens(form)
            if let rotated = tokens.refreshToken, rotated != refreshToken { try store.write(rotated) }
            return tokens
        case .jwtBearer:
            let key = try ServiceAccountKey(path: settings.serviceAccountKeyFile ?? "")
            let assertion: String
            do {
                assertion = try key.assertion(subject: settings.subject, scope: settings.scope,
                                              audience: settings.tokenURL)
            } catch {
                throw OAuthError(.misconfigured, "cannot sign the JWT assertion with \(settings.serviceAccountKeyFile ?? "")")
            }
            return try await endpoint.requestTokens(["grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                                                     "assertion": assertion])
        }
    }
}

/// One ``AccessTokenProvider`` per OAuth setting in the process, so every connection of a mailbox shares its
/// cached token.
public enum AccessTokens {
    private static let providers = Mutex<[String: AccessTokenProvider]>([:])

    public static func provider(for settings: OAuth2Settings) -> AccessTokenProvider {
        providers.withLock { providers in
            if let existing = providers[settings.identity] { return existing }
            let provider = AccessTokenProvider(settings: settings)
            providers[settings.identity] = provider
            return provider
        }
    }

    /// The token, waited for on the calling thread: only for a thread of its own that may block (an IMAP
    /// connection's), never one of Swift's cooperative pool.
    public static func blockingAccessToken(for settings: OAuth2Settings, forceRefresh: Bool = false)
        throws(OAuthError) -> String
    {
        let result = Mutex<Result<String, OAuthError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let provider = provider(for: settings)
        Task {
            let outcome: Result<String, OAuthError>
            do throws(OAuthError) {
                outcome = .success(try await provider.accessToken(forceRefresh: forceRefresh))
            } catch {
                outcome = .failure(error)
            }
            result.withLock { $0 = outcome }
            done.signal()
        }
        done.wait()
        return try result.withLock { $0! }.get()
    }
}
