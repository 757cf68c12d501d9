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
