import Foundation

/// The ledger's own id of an entry: what `notegate ledger show ID` takes.
public struct LedgerEntryID: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: Int64

    public init(rawValue: Int64) {
        self.rawValue = rawValue
    }

    public static func < (lhs: LedgerEntryID, rhs: LedgerEntryID) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    public var description: String { String(rawValue) }
}

/// One message as the ledger knows it: identity, where it was seen, the decision, and the state of
/// its post.
public struct LedgerEntry: Sendable, Hashable, Codable, Identifiable {
    public var id: LedgerEntryID
    public var key: MessageKey
    /// The normalized Message-ID, if the message has one.
    public var messageID: String?
    public var subject: String?
    public var from: String?
    /// The ticket the note goes (or went) to; on a skip, the ticket the message named, if any.
    public var ticketID: Int?
    /// The hash of the note text of the latest post attempt (or of the decision, before any attempt).
    public var noteHash: NoteHash?
    /// The note text to post (for a skip, the note it would make), if the message makes one.
    public var note: String?
    public var state: LedgerState
    /// HTTP calls started for this message since it was recorded or last handed back by an operator.
    public var attempts: Int
    public var lastError: String?
    /// The API's response to the successful post.
    public var apiResponse: String?
    /// How many times the message was queued again after an `uncertain` post: each is a possible
    /// duplicate note on the ticket that an operator (or the crash test) must account for.
    public var uncertainReposts: Int
    public var createdAt: Date
    public var updatedAt: Date
    public var postedAt: Date?
    /// Every place the message was seen, first sighting first.
    public var sightings: [Sighting]

    public init(
        id: LedgerEntryID, key: MessageKey, messageID: String?, subject: String?, from: String?, ticketID: Int?,
        noteHash: NoteHash?, note: String?, state: LedgerState, attempts: Int, lastError: String?, apiResponse: String?,
        uncertainReposts: Int, createdAt: Date, updatedAt: Date, postedAt: Date?, sightings: [Sighting]
    ) {
        self.id = id
        self.key = key
        self.messageID = messageID
        self.subject = subject
        self.from = from
        self.ticketID = ticketID
        self.noteHash = noteHash
        self.note = note
        self.state = state
        self.attempts = attempts
        self.lastError = lastError
        self.apiResponse = apiResponse
        self.uncertainReposts = uncertainReposts
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.postedAt = postedAt
        self.sightings = sightings
    }
}

/// Where a message was seen and when, and the mailbox action still due there, if any.
public struct Sighting: Sendable, Hashable, Codable {
    public var location: MessageLocation
    public var seenAt: Date
    /// Recorded with the outcome, cleared once the watcher has applied it.
    public var dueAction: DueAction?

    public init(location: MessageLocation, seenAt: Date, dueAction: DueAction? = nil) {
        self.location = location
        self.seenAt = seenAt
        self.dueAction = dueAction
    }
}
