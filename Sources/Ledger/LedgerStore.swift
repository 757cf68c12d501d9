import Foundation

/// Read access to a ledger: what `notegate ledger list/show`, metrics and the pipeline's lookups need.
/// Kept apart from `LedgerStore` so a read-only view can exist beside a running daemon.
public protocol LedgerReading: Sendable {
    /// The entry with this id, or nil.
    func entry(_ id: LedgerEntryID) async throws -> LedgerEntry?

    /// Entries matching `filter`, newest first.
    func list(_ filter: LedgerFilter) async throws -> [LedgerEntry]

    /// How many entries are in each state; every state is present, zero when empty.
    func counts() async throws -> [LedgerState.Name: Int]

    /// Posts to make now: `pending` entries and `retrying` entries due at `now`, oldest first.
    func duePosts(now: Date, limit: Int) async throws -> [LedgerEntry]

    /// Thread continuity: the ticket of the most recent entry posted or queued for posting (not
    /// skipped, not dead) whose Message-ID is among
    /// `messageIDs` (a message's In-Reply-To and References, raw or normalized), or nil. Only the last
    /// 1,000 ids count: References lists the oldest first.
    func ticketForThread(messageIDs: [String]) async throws -> Int?

    /// How far `folder` of `account` has been read, or nil before its first checkpoint.
    func checkpoint(account: String, folder: String) async throws -> MailboxCheckpoint?

    /// The mailbox actions due in `folder` of `account` and not applied yet, in the order they were
    /// recorded for each place (oldest sighting first).
    func dueActions(account: String, folder: String) async throws -> [DueMailboxAction]
}

/// The durable record that makes "posted exactly once, none lost" true: one entry per message key,
/// validated state transitions, and mailbox checkpoints. Every method is one transaction.
///
/// Illegal transitions throw `LedgerError.illegalTransition`; unknown ids throw `LedgerError.notFound`.
public protocol LedgerStore: LedgerReading {
    /// Records sightings with the pipeline's decisions, in order, and advances `checkpoint` if given,
    /// all in one transaction (so a first start that records a mailbox's old mail as skipped costs one
    /// commit per batch, not per message). A key already in the ledger, or earlier in the batch, gets
    /// the sighting added and nothing else: `.alreadySeen`. One result per request, in order.
    ///
    /// In the same transaction: a sighting whose entry's outcome is settled (`skipped`, `posted`, `dead`)
    /// gets that outcome's `DueAction`, and the sighting's place is no longer in hand (`beginHandling`).
    func record(_ requests: [RecordRequest], checkpoint: MailboxCheckpoint?) async throws -> [RecordResult]

    /// `pending`/`retrying` → `posting`, just before the HTTP call: counts the attempt and records the
    /// hash of the note text about to be sent.
    @discardableResult
    func beginPosting(_ id: LedgerEntryID, noteHash: NoteHash) async throws -> LedgerEntry

    /// `posting` → `posted` with the API's response, and advances `checkpoint` if given, together;
    /// every sighting of the entry gets `DueAction.posted`.
    @discardableResult
    func markPosted(_ id: LedgerEntryID, response: String, checkpoint: MailboxCheckpoint?) async throws -> LedgerEntry

    /// `posting` → `retrying` until `nextAttemptAt`.
    @discardableResult
    func markRetrying(_ id: LedgerEntryID, error: String, nextAttemptAt: Date) async throws -> LedgerEntry

    /// `posting`/`pending`/`retrying` → `dead`: no more attempts until an operator acts. Every sighting
    /// of the entry gets `DueAction.failed`.
    @discardableResult
    func markDead(_ id: LedgerEntryID, reason: String) async throws -> LedgerEntry

    /// `posting` → `uncertain`: the request may have reached the API. With `.repost` the entry is
    /// queued again at once (`pending`, attempts kept) and the possible duplicate is counted in
    /// `uncertainReposts`; with `.hold` it stays `uncertain` for an operator.
    @discardableResult
    func markUncertain(_ id: LedgerEntryID, error: String, policy: UncertainPolicy) async throws -> LedgerEntry

    /// `posting` → `pending`: the call certainly created no note (a configuration error, or a call
    /// abandoned before it was sent), so the message waits for its next turn without a retry delay.
    @discardableResult
    func markPending(_ id: LedgerEntryID, error: String) async throws -> LedgerEntry

    /// `beginPosting` for several entries at once, in one transaction where the backend can (the
    /// default makes the single calls). One result per start, in order: an entry that may not begin
    /// posting, or is unknown, gets its `LedgerError` and the others are still recorded. Throws only
    /// when the batch as a whole could not be recorded.
    func beginPosting(_ starts: [PostAttempt.Start]) async throws -> PostAttemptResults

    /// The outcome calls (`markPosted`, `markRetrying`, ...) for several entries at once, with the same
    /// rules as the batch `beginPosting`.
    func endPosting(_ ends: [PostAttempt.End]) async throws -> PostAttemptResults

    /// At start-up, before any posting: every `posting` entry (the previous process died mid-call)
    /// becomes `uncertain`, then `policy` decides whether it is queued again. Returns their ids.
    func recoverInterruptedPosts(policy: UncertainPolicy) async throws -> [LedgerEntryID]

    /// Operator: `dead`/`uncertain`/`retrying` → `pending`, with a fresh attempt count. Leaving
    /// `uncertain` counts a possible duplicate in `uncertainReposts`.
    @discardableResult
    func retry(_ id: LedgerEntryID) async throws -> LedgerEntry

    /// Operator: every `dead` entry → `pending`. Returns how many.
    func retryAllDead() async throws -> Int

    /// Operator: sets the ticket of a `skipped`/`pending`/`retrying`/`dead`/`uncertain` entry and
    /// queues it (`pending`, fresh attempt count; from `uncertain`, counted in `uncertainReposts`).
    /// Not for `posted` entries: `forget` those first.
    @discardableResult
    func assign(_ id: LedgerEntryID, ticketID: Int) async throws -> LedgerEntry

    /// Operator: removes the entry and its sightings, so the message counts as new when seen again.
    func forget(_ id: LedgerEntryID) async throws

    /// Advances the checkpoint of its mailbox folder (see `MailboxCheckpoint` for the rule).
    func saveCheckpoint(_ checkpoint: MailboxCheckpoint) async throws

    /// The watcher applied (or, for a place under a UIDVALIDITY the folder no longer has, dropped) these
    /// actions: each is cleared unless another action was recorded at its place meanwhile.
    func actionsApplied(_ actions: [DueMailboxAction]) async throws

    /// The poison-message guard, before the message at `location` is parsed: marks it in hand until its
    /// outcome is recorded (`record`) or `endHandling` is called. Returns how many earlier handlings of
    /// it never ended: each one is a process that died while the message was in hand.
    func beginHandling(_ location: MessageLocation) async throws -> Int

    /// `beginHandling(_:)` for a batch, before its messages are parsed together: marks every location in hand,
    /// in one transaction, and returns true; unless one of them is in hand already (a process died while it
    /// was): then it writes nothing and returns false, and the batch is to go one message at a time through
    /// `beginHandling(_:)`, so that each death counts against a message only when that message's own handling
    /// begins, never while it waits behind other messages.
    func beginHandling(_ locations: [MessageLocation]) async throws -> Bool

    /// The message at `location` is no longer in hand, without an outcome: handling it failed with an
    /// error (not a crash), and it will be handed over again.
    func endHandling(_ location: MessageLocation) async throws
}

extension LedgerStore {
    /// Records one sighting with its decision, and advances `checkpoint` if given, together.
    public func record(
        _ sighting: MessageSighting, decision: LedgerDecision, checkpoint: MailboxCheckpoint?
    ) async throws -> RecordResult {
        let results = try await record([RecordRequest(sighting: sighting, decision: decision)], checkpoint: checkpoint)
        return results[0]
    }
}
