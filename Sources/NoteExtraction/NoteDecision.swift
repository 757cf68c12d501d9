/// Why a message is not posted. The raw value is the machine-readable reason stored in the ledger
/// and printed by `notegate explain --json`.
public enum SkipReason: String, Sendable, Codable, CaseIterable {
    case noTicket = "no-ticket"
    case ambiguousTicket = "ambiguous-ticket"
    case autoReply = "auto-reply"
    case bulk = "bulk"
    case bounce = "bounce"
    case noText = "no-text"
    case malformed = "malformed"
    /// The sender is on the denylist, or not on a configured allowlist.
    case senderNotAllowed = "sender-not-allowed"
    /// DMARC passing is required and the receiving server did not record a pass.
    case unauthenticated = "unauthenticated"
    /// The message is over a resource budget (nesting, parts, header fields); the detail says which.
    case tooComplex = "too-complex"
}

/// What notegate would do with one message: post a note to a ticket, or skip it with a reason.
public struct NoteDecision: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        /// Post `note` (the exact TextPart) to ticket `ticketID`.
        case post(ticketID: Int, note: String)
        /// Do not post; `detail` says more for a person (for `malformed`, what is wrong; for
        /// `too-complex`, which budget the message is over).
        case skip(SkipReason, detail: String?)
    }

    public var action: Action
    /// The ticket named by the message, whenever one was found — also on skips.
    public var ticketID: Int?
    /// The Message-ID without angle brackets, if the message has one.
    public var messageID: String?
    /// The extracted, trimmed body text, without the note's header and attachment lines.
    public var text: String?
    /// The note this message makes, also on skips (nil when there is nothing to post), so that an
    /// operator can later assign a skipped message to a ticket and post it.
    public var draftNote: String?

    public init(action: Action, ticketID: Int?, messageID: String?, text: String?, draftNote: String? = nil) {
        self.action = action
        self.ticketID = ticketID
        self.messageID = messageID
        self.text = text
        self.draftNote = draftNote
    }

    /// The skip reason, or nil when the decision is to post.
    public var skipReason: SkipReason? {
        if case .skip(let reason, _) = action { return reason }
        return nil
    }
}
