/// A ceiling on API calls: at most `calls` in any sliding window of `window`.
public struct RateLimit: Sendable, Hashable, CustomStringConvertible {
    /// Calls allowed in one window.
    public var calls: Int
    /// The window's length.
    public var window: Duration

    public init(calls: Int, per window: Duration) {
        self.calls = calls
        self.window = window
    }

    /// The documented limit of the LeadSquared Service CRM API: 25 calls in 5 seconds per access key.
    public static let documented = RateLimit(calls: 25, per: .seconds(5))

    public var description: String { "\(calls) calls per \(window)" }
}
