/// A client configuration that cannot work, found before any call is made. The message names the setting
/// and how to fix it; it never shows a key.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case host, tenant, key, limit
    }

    private let code: Code
    public let description: String

    private init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    /// The host is not an http(s) URL with a host name.
    public static func invalidHost(_ host: String) -> Self {
        .init(.host, "host \(host) is not an http:// or https:// URL with a host name. Set it to the account's "
            + "API host, e.g. https://apigw.service-in.leadsquared.com.")
    }

    /// The tenant id is empty or not a single path component.
    public static let invalidTenant = Self(
        .tenant, "tenantID is empty or contains '/'. Copy it from My Profile in the LeadSquared account."
    )

    /// The access or secret key is empty.
    public static func missingKey(_ name: String) -> Self {
        .init(.key, "\(name) is empty. Copy it from Settings › Service Cloud › API Configurations.")
    }

    /// A limit, timeout or size that must be positive is not.
    public static func notPositive(_ name: String) -> Self {
        .init(.limit, "\(name) must be greater than zero.")
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.description == rhs.description }
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }
}
