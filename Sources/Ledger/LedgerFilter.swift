import Foundation

/// Which entries `LedgerReading.list` returns, newest first. Nil fields do not filter.
public struct LedgerFilter: Sendable, Hashable {
    public var state: LedgerState.Name?
    public var ticketID: Int?
    /// Entries first recorded at or after this time.
    public var since: Date?
    public var limit: Int?

    public init(state: LedgerState.Name? = nil, ticketID: Int? = nil, since: Date? = nil, limit: Int? = nil) {
        self.state = state
        self.ticketID = ticketID
        self.since = since
        self.limit = limit
    }
}

/// What start-up does with posts the previous process left in flight (`on_uncertain` in the config).
public enum UncertainPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Queue them again (`pending`), counting a possible duplicate in `uncertainReposts`: a support team
    /// would rather delete a rare duplicate note than miss one.
    case repost
    /// Leave them `uncertain` for an operator to check the ticket and `retry` or `forget`.
    case hold
}
