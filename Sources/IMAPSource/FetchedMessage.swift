/// A new message as the source hands it to the pipeline.
///
/// `raw` is an RFC 5322 message the normal parser reads. For small messages it is the message
/// itself. For larger ones it is a skeleton: the real top-level header followed by a MIME tree that
/// mirrors the server's BODYSTRUCTURE, with boundaries of notegate's own, the text parts' real bytes,
/// and, for every part not downloaded (attachments, the HTML twin of a plain-text part), its
/// Content-Type and Content-Disposition, an empty body and an `X-Notegate-Omitted-Size` header with
/// the part's decoded size in octets (estimated for base64). A text part past `max_message_bytes` is cut after its last complete
/// line and ends in a truncation marker (`X-Notegate-Truncated-Size` in its header).
public struct FetchedMessage: Sendable, Equatable {
    public var mailbox: MailboxKey
    public var uidValidity: UInt32
    public var uid: UInt32
    /// RFC822.SIZE: the size of the whole message on the server, in octets, attachments included.
    public var size: Int
    /// The octets of message data notegate fetched for it (header, text parts, forwarded headers):
    /// at most the mailbox's `max_message_bytes`.
    public var fetchedBytes: Int
    /// IMAP flags as the server spells them (`\Seen`, `\Flagged`, keywords).
    public var flags: [String]
    public var raw: [UInt8]
    /// The message's header alone is over `max_message_bytes`: `raw` holds the start of its header
    /// only; record it as skipped `too-large` with `tooLargeDetail`.
    public var isTooLarge: Bool
    /// Why the message is too large, for the ledger: `its header alone is over 26214400 bytes (max_message_bytes)`.
    public var tooLargeDetail: String?
    /// The message was in the folder before notegate first read it (`uid` is below the checkpoint's
    /// `startUID`): record it as skipped `before-start`, never post it.
    public var isBeforeStart: Bool
    /// The server's answer for this message lacked something that was asked for (it would look
    /// empty): `raw` is not the message. The watcher stops the pass before it and fetches it again on
    /// the next one; `notegate fetch` shows the problem.
    public var fetchProblem: String?
    /// The message could not be fetched: its fetch failed `MailboxWatcher.fetchAttemptLimit` passes in a
    /// row (a section left out of the answer, a reply over its budget). `raw` is empty; record it as
    /// skipped `unreadable` with this detail, so the watcher moves past it.
    public var unreadableDetail: String?

    public init(mailbox: MailboxKey, uidValidity: UInt32, uid: UInt32, size: Int, flags: [String],
                raw: [UInt8], isTooLarge: Bool, isBeforeStart: Bool = false, fetchedBytes: Int? = nil,
                tooLargeDetail: String? = nil, fetchProblem: String? = nil) {
        self.mailbox = mailbox
        self.uidValidity = uidValidity
        self.uid = uid
        self.size = size
        self.flags = flags
        self.raw = raw
        self.isTooLarge = isTooLarge
        self.isBeforeStart = isBeforeStart
        self.fetchedBytes = fetchedBytes ?? raw.count
        self.tooLargeDetail = tooLargeDetail
        self.fetchProblem = fetchProblem
    }
}

/// What the pipeline did with a message; decides the action applied to it on the server.
public enum MessageOutcome: Sendable, Equatable {
    case posted
    case skipped
    case failed
    /// Not known yet (the note is queued for posting): the message stays as it is, the checkpoint
    /// moves past it, and the pipeline reports the final outcome later through
    /// `MailboxActionQueue.settle`.
    case deferred
}
