import Foundation

/// The sandbox's state: clients, the tokens it issued, pending device authorizations, and the faults a test
/// switches on. Tests steer it directly; `notegate idp-sandbox` through `/sandbox/` calls.
public actor IdentityDirectory {
    public let configuration: IdentitySandboxConfiguration

    /// What a token answer carries.
    struct Issued: Encodable {
        let accessToken: String
        let tokenType = "Bearer"
        let expiresIn: Int
        let refreshToken: String?
        let scope: String

        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token", tokenType = "token_type", expiresIn = "expires_in"
            case refreshToken = "refresh_token", scope
        }
    }

    /// An access token's holder, as introspection reports it.
    struct Grant {
        let username: String
        let clientID: String
        let scope: String
        let expires: Date
    }

    private struct RefreshGrant {
        let username: String
        let clientID: String
        let scope: String
    }

    private struct DeviceAuthorization {
        let clientID: String
        let scope: String
        let userCode: String
        let expires: Date
        var approvedFor: String?
    }

    private var accessTokens: [String: Grant] = [:]
    private var refreshTokens: [String: RefreshGrant] = [:]
    private var devices: [String: DeviceAuthorization] = [:]
    /// While true the token endpoint answers 503, as a provider in an outage does.
    public private(set) var tokenEndpointDown = false
    /// Token requests answered, by grant type, failures included.
    public private(set) var tokenRequests: [String: Int] = [:]

    public init(configuration: IdentitySandboxConfiguration) {
        self.configuration = configuration
    }

    // MARK: Steering, for tests and the demo

    public func setTokenEndpointDown(_ down: Bool) { tokenEndpointDown = down }

    /// Ends every access token now, as if its lifetime had passed.
    public func expireAccessTokens() {
        accessTokens = accessTokens.mapValues { Grant(username: $0.username, clientID: $0.clientID, scope: $0.scope,
                                                      expires: .distantPast) }
    }

    /// Revokes every refresh token of `username` (a password change, an admin's sign-out); returns how many.
    @discardableResult
    public func revokeRefreshTokens(of username: String) -> Int {
        let before = refreshTokens.count
        refreshTokens = refreshTokens.filter { $0.value.username != username }
        return before - refreshTokens.count
    }

    /// The user approves the device authorization showing `userCode`, signing in as `username`.
    public func approve(userCode: String, as username: String) -> Bool {
        guard let entry = devices.first(where: { $0.value.userCode == userCode }) else { return false }
        devices[entry.key]?.approvedFor = username
        return true
    }

    /// Issues a refresh token directly, as if `username` had signed in to `clientID` earlier.
    public func issueRefreshToken(for username: String, clientID: String, scope: String = "") -> String {
        let token = Self.newToken("rt")
        refreshTokens[token] = RefreshGrant(username: username, clientID: clientID, scope: scope)
        return token
    }

    /// The user codes of device authorizations waiting for approval.
    public var pendingUserCodes: [String] {
        devices.values.filter { $0.approvedFor == nil && $0.expires > Date() }.map(\.userCode)
    }

    /// The refresh tokens that are valid now, for tests that check rotation.
    public var validRefreshTokens: Set<String> { Set(refreshTokens.keys) }

    // MARK: Endpoints

    func token(_ form: FormBody, audience: String) throws(TokenGrantError) -> Issued {
        let grantType = form["grant_type"] ?? ""
        tokenRequests[grantType, default: 0] += 1
        switch grantType {
        case "client_credentials":
            let client = try authenticatedClient(form, secretRequired: true)
            guard let mailbox = client.mailbox else {
                throw .unauthorizedClient("client \(client.id) has no application permission on a mailbox")
            }
            return issue(for: mailbox, clientID: client.id, scope: form["scope"] ?? "", refresh: false)
        case "refresh_token":
            let client = try authenticatedClient(form, secretRequired: false)
            guard let presented = form["refresh_token"] else { throw .invalidRequest("refresh_token is missing") }
            guard let grant = refreshTokens[presented], grant.clientID == client.id else {
                throw .invalidGrant("the refresh token is invalid, expired or revoked")
            }
            // Rotation: the presented token is spent.
            refreshTokens[presented] = nil
            return issue(for: grant.username, clientID: client.id, scope: grant.scope, refresh: true)
        case "urn:ietf:params:oauth:grant-type:jwt-bearer":
            guard let assertion = form["assertion"] else { throw .invalidRequest("assertion is missing") }
            let keys = Dictionary(configuration.serviceAccounts.map { ($0.email, $0.publicKeyPEM) },
                                  uniquingKeysWith: { first, _ in first })
            let signed = try SignedAssertion(assertion, audience: audience, keys: keys, now: Date())
            return issue(for: signed.subject, clientID: signed.issuer, scope: signed.scope, refresh: false)
        case "urn:ietf:params:oauth:grant-type:device_code":
            let client = try authenticatedClient(form, secretRequired: false)
            guard let code = form["device_code"], let device = devices[code], device.clientID == client.id else {
                throw .invalidGrant("unknown device_code")
            }
            guard device.expires > Date() else { throw .expiredToken }
            guard let username = device.approvedFor else { throw .authorizationPending }
            devices[code] = nil
            return issue(for: username, clientID: client.id, scope: device.scope, refresh: true)
        default:
            throw .unsupportedGrantType(grantType)
        }
    }

    /// RFC 8628 section 3.2: the device authorization answer.
    func authorizeDevice(_ form: FormBody, verificationURI: String) throws(TokenGrantError) -> [String: String] {
        let client = try authenticatedClient(form, secretRequired: false)
        let deviceCode = Self.newToken("dc")
        let userCode = String((0..<8).map { _ in "BCDFGHJKLMNPQRSTVWXZ".randomElement()! })
        devices[deviceCode] = DeviceAuthorization(clientID: client.id, scope: form["scope"] ?? "", userCode: userCode,
                                                  expires: Date().addingTimeInterval(900))
        return ["device_code": deviceCode, "user_code": userCode, "verification_uri": verificationURI,
                "expires_in": "900", "interval": String(configuration.devicePollIntervalSeconds)]
    }

    /// RFC 7662: what an access token stands for, if it is valid now.
    func introspect(_ token: String) -> Grant? {
        guard let grant = accessTokens[token], grant.expires > Date() else { return nil }
        return grant
    }

    private func authenticatedClient(_ form: FormBody, secretRequired: Bool)
        throws(TokenGrantError) -> IdentitySandboxConfiguration.Client
    {
        guard let id = form["client_id"], let client = configuration.clients.first(where: { $0.id == id }) else {
            throw .invalidClient("unknown client_id")
        }
        if let secret = client.secret {
            guard form["client_secret"] == secret else { throw .invalidClient("invalid client_secret") }
        } else if secretRequired {
            throw .unauthorizedClient("public client \(id) may not use this grant")
        }
        return client
    }

    private func issue(for username: String, clientID: String, scope: String, refresh: Bool) -> Issued {
        let lifetime = configuration.accessTokenLifetimeSeconds
        let access = Self.newToken("at")
        accessTokens[access] = Grant(username: username, clientID: clientID, scope: scope,
                                     expires: Date().addingTimeInterval(TimeInterval(lifetime)))
        var refreshToken: String?
        if refresh {
            let token = Self.newToken("rt")
            refreshTokens[token] = RefreshGrant(username: username, clientID: clientID, scope: scope)
            refreshToken = token
        }
        return Issued(accessToken: access, expiresIn: lifetime, refreshToken: refreshToken, scope: scope)
    }

    private static func newToken(_ kind: String) -> String {
        "\(kind)-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }
}
