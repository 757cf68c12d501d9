/// The mailbox action due on a message where it was seen, named by the outcome that calls for it; the
/// mailbox's configuration says what each one does (keep, seen, move, delete). The ledger stores it in
/// the same transaction as the outcome and keeps it until the action has been applied, so a crash
/// between the two never leaves a message where it was.
public enum DueAction: String, Sendable, Hashable, Codable, CaseIterable {
    /// The note was posted.
    case posted
    /// The message was recorded as skipped.
    case skipped
    /// Posting failed for good (`dead`).
    case failed

    /// The action an entry in `state` calls for, or nil while its outcome is still open.
    public init?(state: LedgerState.Name) {
        switch state {
        case .posted: self = .posted
        case .skipped: self = .skipped
        case .dead: self = .failed
        case .pending, .posting, .retrying, .uncertain: return nil
        }
    }
}

/// A mailbox action waiting to be applied: what and where.
public struct DueMailboxAction: Sendable, Hashable, Codable {
    public var location: MessageLocation
    public var action: DueAction

    public init(location: MessageLocation, action: DueAction) {
        self.location = location
        self.action = action
    }
}
