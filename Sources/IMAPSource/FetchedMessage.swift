/// A new message as the source hands it to the pipeline.
///
/// `raw` is an RFC 5322 message the normal parser reads. For small messages it is the message
/// itself. For larger ones it is a skeleton: the real top-level header followed by a MIME tree that
/// mirrors the server's BODYSTRUCTURE, with boundaries of notegate's own, the text parts' real bytes,
/// and, for every part not downloaded (attachments, the HTML twin of a plain-text part), its
/// Content-Type and Content-Disposition, an empty body and an `X-Notegate-Omitted-Size` header with
/// the part's size in octets.
public struct FetchedMessage: Sendable, Equatable {
    public var mailbox: MailboxKey
    public var uidValidity: UInt32
    public var uid: UInt32
    /// RFC822.SIZE: the size of the whole message on the server, in octets.
    public var size: Int
    /// IMAP flags as the server spells them (`\Seen`, `\Flagged`, keywords).
    public var flags: [String]
    public var raw: [UInt8]
    /// The message is above `max_message_bytes`: `raw` holds its header and structure only.
    public var isTooLarge: Bool
    /// The message was in the folder before notegate first read it (`uid` is below the checkpoint's
    /// `startUID`): record it as skipped `before-start`, never post it.
    public var isBeforeStart: Bool

    public init(mailbox: MailboxKey, uidValidity: UInt32, uid: UInt32, size: Int, flags: [String],
                raw: [UInt8], isTooLarge: Bool, isBeforeStart: Bool = false) {
        self.mailbox = mailbox
        self.uidValidity = uidValidity
        self.uid = uid
        self.size = size
        self.flags = flags
        self.raw = raw
        self.isTooLarge = isTooLarge
        self.isBeforeStart = isBeforeStart
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
