/// What the sandbox has answered since it started, by kind (`GET /sandbox/stats`). Control calls under
/// `/sandbox/` are not counted.
public struct SandboxStats: Sendable, Hashable, Codable {
    /// Every API call received.
    public var requests = 0
    /// 200s to note calls (notes recorded and answered).
    public var posted = 0
    /// 400s.
    public var rejected = 0
    /// 401s.
    public var unauthorized = 0
    /// 404s.
    public var notFound = 0
    /// 429s.
    public var rateLimited = 0
    /// Injected 500s.
    public var failed = 0
    /// Connections closed without an answer, immediately or after a hold.
    public var unanswered = 0
    /// 200s to ticket-details calls.
    public var ticketReads = 0

    public init() {}
}
