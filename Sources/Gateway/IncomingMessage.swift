import Ledger

/// A message as a source hands it to the pipeline: where it is and its bytes (for a large message,
/// a skeleton holding its header and text parts only).
public struct IncomingMessage: Sendable {
    public var location: MessageLocation
    public var raw: [UInt8]
    /// The whole message's size on the server, in bytes.
    public var size: Int
    /// The message's header alone is over the mailbox's `max_message_bytes`; `raw` holds the start of its header only.
    public var isTooLarge: Bool
    /// Why it is too large, for the ledger's detail (`its header alone is over 26214400 bytes (max_message_bytes)`).
    public var tooLargeDetail: String?
    /// The message was already in the mailbox before notegate was first started on it (`start_from`).
    public var isBeforeStart: Bool
    /// The source could not fetch the message (its fetch failed too many times); `raw` is empty. It is
    /// recorded as skipped `unreadable` with this detail.
    public var unreadableDetail: String?

    public init(location: MessageLocation, raw: [UInt8], size: Int, isTooLarge: Bool = false,
                isBeforeStart: Bool = false, tooLargeDetail: String? = nil) {
        self.location = location
        self.raw = raw
        self.size = size
        self.isTooLarge = isTooLarge
        self.tooLargeDetail = tooLargeDetail
        self.isBeforeStart = isBeforeStart
    }
}

/// What the intake did with a message, which decides the mailbox action.
public enum IntakeResult: Sendable, Equatable {
    /// Recorded as pending: the poster will post it; the mailbox action follows the post.
    case queued(LedgerEntryID, ticketID: Int)
    /// Recorded as skipped with this reason.
    case skipped(LedgerEntryID, reason: String)
    /// Already in the ledger (another folder, a UIDVALIDITY reset, a re-sent copy, or the same
    /// message handed over again): never posted twice. `state` is where the first copy stands.
    case alreadySeen(LedgerEntryID, LedgerState)
    /// Not parsed: handling it crashed the process before, too often to try again (the poison-message
    /// guard). Recorded `dead` with this reason; its mailbox action is the one for failed posts.
    case deadLettered(LedgerEntryID, reason: String)
}
