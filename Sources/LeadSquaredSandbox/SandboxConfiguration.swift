import LeadSquared

/// How a ``SandboxServer`` behaves: the account it pretends to be, its call limit and its faults. The defaults
/// match the documented API with no faults.
public struct SandboxConfiguration: Sendable {
    /// The TCP port on 127.0.0.1; 0 picks a free one (``SandboxServer/port`` tells which).
    public var port = 0
    /// The tenant id in every API path; any other answers 404.
    public var tenantID = "sandbox"
    /// The one valid `X-LSQ-ACCESS-KEY`.
    public var accessKey = "sandbox-access-key"
    /// The one valid `X-LSQ-SECRET-KEY`.
    public var secretKey = "sandbox-secret-key"
    /// `RelatedOrgId` in every receipt.
    public var organizationID = "22824"
    /// The tickets that exist; notes for others answer 400. `nil`: every positive ticket number exists.
    public var knownTickets: Set<Int>?
    /// The call limit per access key, `nil` for none. Default: the documented 25 per 5 s.
    public var callLimit: RateLimit? = .documented
    /// Faults to inject from the start; tests can change them while the server runs.
    public var faults = SandboxFaults()

    public init() {}
}
