/// An RFC 6749 section 5.2 error answer of the token endpoint (or an RFC 8628 device-flow state).
struct TokenGrantError: Error, Equatable {
    let code: String
    let description: String

    static func invalidRequest(_ description: String) -> Self { Self(code: "invalid_request", description: description) }
    static func invalidClient(_ description: String) -> Self { Self(code: "invalid_client", description: description) }
    static func invalidGrant(_ description: String) -> Self { Self(code: "invalid_grant", description: description) }
    static func unauthorizedClient(_ description: String) -> Self {
        Self(code: "unauthorized_client", description: description)
    }
    static func unsupportedGrantType(_ type: String) -> Self {
        Self(code: "unsupported_grant_type", description: "grant_type \(type) is not supported")
    }
    static let authorizationPending = Self(code: "authorization_pending",
                                           description: "the user has not yet approved the request")
    static let expiredToken = Self(code: "expired_token", description: "the device code has expired")

    /// 401 for a client that failed to authenticate, else 400.
    var status: Int { code == "invalid_client" ? 401 : 400 }
}
