/// A message's place in a mailbox: enough to fetch it again while the UIDVALIDITY holds.
public struct MessageLocation: Sendable, Hashable, Codable {
    public var account: String
    public var folder: String
    public var uidValidity: UInt32
    public var uid: UInt32

    public init(account: String, folder: String, uidValidity: UInt32, uid: UInt32) {
        self.account = account
        self.folder = folder
        self.uidValidity = uidValidity
        self.uid = uid
    }
}

/// A message as the source found it, in the ledger's terms: what `LedgerStore.record` takes.
public struct MessageSighting: Sendable, Hashable {
    public var key: MessageKey
    /// The Message-ID as found in the header; the ledger stores it normalized for thread lookups.
    public var messageID: String?
    public var subject: String?
    public var from: String?
    public var location: MessageLocation

    public init(key: MessageKey, messageID: String?, subject: String?, from: String?, location: MessageLocation) {
        self.key = key
        self.messageID = messageID
        self.subject = subject
        self.from = from
        self.location = location
    }
}

/// What the pipeline decided for a newly seen message.
public enum LedgerDecision: Sendable, Hashable {
    /// Post `note` to the ticket: the entry starts `pending`. The ledger keeps the note text, so a
    /// pending post survives restarts without fetching the message again.
    case post(ticketID: Int, note: String)
    /// Do not post: the entry is `skipped(reason)`. `ticketID` is the ticket the message named, if any,
    /// so that `ledger list --ticket` finds skips too. `draftNote` is the note the message would make,
    /// kept so that an operator can `assign` the message to a ticket and post it. `detail` says more for
    /// a person (for `malformed`, what is wrong) and is kept as the entry's last error.
    case skip(reason: String, ticketID: Int?, draftNote: String?, detail: String? = nil)
    /// Never to be posted, and not a judgement on the message: the gateway could not handle it (it
    /// crashed the process while being parsed, say). The entry is `dead(reason)` with `detail` as its
    /// last error, so that `ledger list --state dead` shows it to an operator.
    case deadLetter(reason: String, detail: String)
}

/// A sighting with the pipeline's decision: one item of `LedgerStore.record`.
public struct RecordRequest: Sendable, Hashable {
    public var sighting: MessageSighting
    public var decision: LedgerDecision

    public init(sighting: MessageSighting, decision: LedgerDecision) {
        self.sighting = sighting
        self.decision = decision
    }
}

/// The outcome of recording a sighting.
public enum RecordResult: Sendable, Hashable {
    /// First time this key was seen: a new entry in the state the decision implies.
    case new(LedgerEntryID)
    /// The key was already in the ledger: the sighting is added, nothing else changes, and the
    /// message must not be posted again.
    case alreadySeen(LedgerEntryID, LedgerState)
}
