/// Why notegate could not get an access token. The message names the mailbox's provider endpoint and what to do;
/// it never carries a secret, a refresh token or an access token.
public struct OAuthError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The provider refused the grant (`invalid_grant`, `invalid_client`, `unauthorized_client`...): only the
        /// operator can fix it, so the mailbox is parked.
        case refused(code: String)
        /// The token endpoint could not be reached or answered 5xx: try again later with backoff.
        case unavailable
        /// Something local is missing or unreadable (no refresh token stored yet, a key file): fix and retry.
        case misconfigured
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// Whether trying again soon may help.
    public var isRetryable: Bool { kind == .unavailable }
}
