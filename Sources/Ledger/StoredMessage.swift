import Foundation

/// The columns of one message as every ledger backend stores it: the row behind a `LedgerEntry`, with the
/// state spread over `state`, `stateReason` and `nextAttemptAt`. The SQLite ledger reads and writes it as
/// `messages` rows through GRDB, the PostgreSQL ledger through PostgresNIO, and `ledger migrate` copies it
/// from one to the other; the mapping to and from `LedgerEntry` is written here once.
public struct StoredMessage: Sendable, Hashable {
    /// The row id; 0 until the row is inserted.
    public var id: Int64
    public var messageKey: String
    public var messageID: String?
    public var subject: String?
    public var sender: String?
    public var ticketID: Int?
    public var noteHash: String?
    /// The note text to post (or the draft note of a skip), if the message makes one.
    public var note: String?
    public var state: LedgerState.Name
    /// The reason of `skipped` and `dead`.
    public var stateReason: String?
    /// Set in `retrying` only.
    public var nextAttemptAt: Date?
    public var attempts: Int
    public var lastError: String?
    public var apiResponse: String?
    public var uncertainReposts: Int
    public var createdAt: Date
    public var updatedAt: Date
    public var postedAt: Date?

    public init(id: Int64, messageKey: String, messageID: String?, subject: String?, sender: String?, ticketID: Int?,
                noteHash: String?, note: String?, state: LedgerState.Name, stateReason: String?, nextAttemptAt: Date?,
                attempts: Int, lastError: String?, apiResponse: String?, uncertainReposts: Int, createdAt: Date,
                updatedAt: Date, postedAt: Date?) {
        self.id = id
        self.messageKey = messageKey
        self.messageID = messageID
        self.subject = subject
        self.sender = sender
        self.ticketID = ticketID
        self.noteHash = noteHash
        self.note = note
        self.state = state
        self.stateReason = stateReason
        self.nextAttemptAt = nextAttemptAt
        self.attempts = attempts
        self.lastError = lastError
        self.apiResponse = apiResponse
        self.uncertainReposts = uncertainReposts
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.postedAt = postedAt
    }

    /// A message seen for the first time, with what the pipeline decided about it; not inserted yet.
    public init(sighting: MessageSighting, decision: LedgerDecision, now: Date) {
        self.init(id: 0, messageKey: sighting.key.rawValue, messageID: sighting.messageID.flatMap(MessageKey.normalizedMessageID),
                  subject: sighting.subject, sender: sighting.from, ticketID: nil, noteHash: nil, note: nil,
                  state: .pending, stateReason: nil, nextAttemptAt: nil, attempts: 0, lastError: nil, apiResponse: nil,
                  uncertainReposts: 0, createdAt: now, updatedAt: now, postedAt: nil)
        switch decision {
        case let .post(ticketID, note):
            self.ticketID = ticketID
            self.note = note
            noteHash = NoteHash(noteText: note).rawValue
        case let .skip(reason, ticketID, draftNote, detail):
            self.ticketID = ticketID
            lastError = detail
            note = draftNote
            noteHash = draftNote.map { NoteHash(noteText: $0).rawValue }
            ledgerState = .skipped(reason: reason)
        case let .deadLetter(reason, detail):
            lastError = detail
            ledgerState = .dead(reason: reason)
        }
    }

    /// The row of an entry read from another ledger (`ledger migrate`).
    public init(entry: LedgerEntry) {
        self.init(id: entry.id.rawValue, messageKey: entry.key.rawValue, messageID: entry.messageID,
                  subject: entry.subject, sender: entry.from, ticketID: entry.ticketID, noteHash: entry.noteHash?.rawValue,
                  note: entry.note, state: entry.state.name, stateReason: nil, nextAttemptAt: nil,
                  attempts: entry.attempts, lastError: entry.lastError, apiResponse: entry.apiResponse,
                  uncertainReposts: entry.uncertainReposts, createdAt: entry.createdAt, updatedAt: entry.updatedAt,
                  postedAt: entry.postedAt)
        ledgerState = entry.state
    }

    public var entryID: LedgerEntryID {
        precondition(id > 0, "a messages row read from or written to a ledger has an id")
        return LedgerEntryID(rawValue: id)
    }

    /// The state with its associated values, spread over `state`, `stateReason` and `nextAttemptAt`.
    public var ledgerState: LedgerState {
        get {
            switch state {
            case .skipped: .skipped(reason: stateReason ?? "")
            case .pending: .pending
            case .posting: .posting
            case .posted: .posted
            case .retrying: .retrying(nextAttemptAt: nextAttemptAt ?? updatedAt)
            case .dead: .dead(reason: stateReason ?? "")
            case .uncertain: .uncertain
            }
        }
        set {
            state = newValue.name
            switch newValue {
            case let .skipped(reason), let .dead(reason):
                stateReason = reason
                nextAttemptAt = nil
            case let .retrying(date):
                stateReason = nil
                nextAttemptAt = date
            case .pending, .posting, .posted, .uncertain:
                stateReason = nil
                nextAttemptAt = nil
            }
        }
    }

    /// Queues the message for posting again. Leaving `uncertain` this way counts a possible duplicate.
    public mutating func requeue() {
        if state == .uncertain {
            uncertainReposts += 1
        }
        ledgerState = .pending
    }

    /// An operator hands the message back: queued again with a fresh attempt count (the last error stays
    /// for the record).
    public mutating func requeueByOperator() {
        requeue()
        attempts = 0
    }

    public func entry(sightings: [Sighting]) -> LedgerEntry {
        LedgerEntry(
            id: entryID, key: MessageKey(rawValue: messageKey), messageID: messageID, subject: subject, from: sender,
            ticketID: ticketID, noteHash: noteHash.map(NoteHash.init(rawValue:)), note: note, state: ledgerState,
            attempts: attempts, lastError: lastError, apiResponse: apiResponse, uncertainReposts: uncertainReposts,
            createdAt: createdAt, updatedAt: updatedAt, postedAt: postedAt, sightings: sightings)
    }
}

extension LedgerTransition {
    /// Checks the transition from the row's state.
    public func check(_ row: StoredMessage) throws {
        try check(row.entryID, from: row.state)
    }
}
