import Foundation
import LeadSquared
import Ledger
import Logging

/// Anything that posts a note and says what became of it: the LeadSquared client, in production.
public protocol NotePosting: Sendable {
    /// Posts `note`. `whenSlotGranted` runs once the call may go out under the rate limit, just before it
    /// is sent; when it returns false nothing is sent.
    func post(_ note: NoteRequest, whenSlotGranted: @escaping @Sendable () async -> Bool) async -> PostOutcome
}

extension LeadSquaredClient: NotePosting {}

/// What one post attempt left in the ledger; the gateway applies mailbox actions, metrics and the
/// `once` summary from it.
public struct PostResult: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case posted, retrying, dead, uncertain, reposting, waiting
    }

    public var entryID: LedgerEntryID
    public var ticketID: Int
    public var kind: Kind
    /// Every place the message was seen, for its mailbox action.
    public var locations: [MessageLocation]
    public var detail: String?
    /// What the API call itself came to; nil when no call was made (an entry with nothing to post).
    public var apiOutcome: PostOutcome.Kind?
    /// How long the API call took.
    public var latency: Duration
}

/// The second half of the pipeline: takes due entries from the ledger, posts each through the rate
/// governor, and records every outcome as one ledger transition.
///
/// The concurrent posters' transitions go to the ledger through a ``GroupCommit`` each (one for
/// `posting`, one for the outcomes), which take turns: those made while the previous commit ran share a
/// transaction, so posting takes the one writer once per burst rather than twice per call, and intake's
/// transactions wait behind one posting transaction at most. A call's slot is free once its answer is
/// in: the next call does not wait for the outcome's commit, so the outcomes of the calls answered
/// meanwhile share that commit too.
///
/// - 200: `posted`. 429: back to `pending` (the governor has paused every poster). 5xx, refused or
///   reset before sending: `retrying` with exponential backoff and jitter, `dead` when the policy's
///   attempts run out. Sent but unanswered: `uncertain`, then `on_uncertain` decides. 400: `dead`
///   with the server's message. 401/404: back to `pending`, and all posting pauses until the
///   configuration works again (probed every `configurationRetryInterval`).
/// - An entry becomes `posting` only once the rate governor has granted its call, just before the call
///   goes out, and the call goes out only once that state has committed: a process killed while calls
///   wait for the governor leaves nothing uncertain, and one killed mid-call leaves it `posting`.
/// - On graceful shutdown (`shouldStop`) no new call starts, not even one already waiting for the
///   governor; the calls in flight finish and are recorded.
public struct PostingLoop: Sendable {
    public struct Configuration: Sendable {
        /// Calls in flight at once. The rate governor keeps the call rate within the API limit.
        public var concurrency = 4
        public var retryPolicy = RetryPolicy()
        public var uncertainPolicy = UncertainPolicy.repost
        /// How long posting pauses after a 401/404 before one call probes the configuration again.
        public var configurationRetryInterval: Duration = .seconds(180)
        /// How often the ledger is asked for due posts when nothing rings the doorbell.
        public var idlePollInterval: Duration = .seconds(1)

        public init() {}
    }

    private let ledger: any LedgerStore
    private let starts: GroupCommit<PostAttempt.Start, LedgerEntry>
    private let ends: GroupCommit<PostAttempt.End, LedgerEntry>
    private let poster: any NotePosting
    private let configuration: Configuration
    private let doorbell: Doorbell
    private let health: GatewayHealth
    private let logger: Logger
    private let report: @Sendable (PostResult) async -> Void

    public init(ledger: any LedgerStore, poster: any NotePosting, configuration: Configuration, doorbell: Doorbell,
                health: GatewayHealth, logger: Logger, report: @escaping @Sendable (PostResult) async -> Void) {
        self.ledger = ledger
        // One turn for both: at most one posting transaction waits for the writer at a time.
        let turn = CommitTurn()
        starts = GroupCommit(turn: turn) { try await ledger.beginPosting($0) }
        ends = GroupCommit(turn: turn) { try await ledger.endPosting($0) }
        self.poster = poster
        self.configuration = configuration
        self.doorbell = doorbell
        self.health = health
        self.logger = logger
        self.report = report
    }

    /// Posts until `shouldStop` says so or the task is cancelled. `shouldStop` is also asked before
    /// each call is sent: once it says so, no new call starts.
    public func run(shouldStop: @escaping @Sendable () -> Bool = { false }) async throws {
        while !shouldStop() && !Task.isCancelled {
            if await health.configurationFault != nil {
                // Paused, yet a stop is noticed within a second (not after the whole interval).
                let probeAt = ContinuousClock.now + configuration.configurationRetryInterval
                while !shouldStop(), ContinuousClock.now < probeAt {
                    try await Task.sleep(for: min(.seconds(1), probeAt - ContinuousClock.now))
                }
                guard !shouldStop() else { break }
                try await postBatch(limit: 1, shouldStop: shouldStop) // one probe; a success clears the fault
                continue
            }
            let posted = try await postBatch(limit: .max, shouldStop: shouldStop)
            if posted == 0 {
                await doorbell.wait(upTo: configuration.idlePollInterval)
            }
        }
    }

    /// Posts due entries, up to `limit` of them, until none is due; adds none once `shouldStop` says so.
    /// Returns how many were taken.
    ///
    /// At most `concurrency` calls are in flight (each from its grant to its answer); a call's slot is
    /// free again once its answer is in, while its outcome waits for the next group commit, so the
    /// calls keep going while the writer records. At most ``recordingLimit`` outcomes wait for their
    /// commit at once. Due entries are read from the ledger again whenever the ones in hand run out and
    /// the intake has queued more since (the doorbell), so a call slot freed near the end of one set
    /// takes the next note at once.
    @discardableResult
    func postBatch(limit: Int, shouldStop: @escaping @Sendable () -> Bool = { false }) async throws -> Int {
        let readSize = min(limit, configuration.concurrency * 4)
        var due = try await ledger.duePosts(now: Date(), limit: readSize)[...]
        guard !due.isEmpty else { return 0 }
        var taken = 0
        var failure: (any Error)?
        await withTaskGroup(of: PostingStep.self) { group in
            /// Entries taken and not yet recorded: read again while in hand, they are skipped.
            var inHand: Set<LedgerEntryID> = []
            var calling = 0
            var recording = 0
            var ledgerMayHaveMore = due.count == readSize
            var listening = false
            while true {
                let faulty = await health.configurationFault != nil
                let adding = !faulty && !shouldStop() && !Task.isCancelled
                while adding, taken < limit, calling < configuration.concurrency, recording < recordingLimit {
                    if due.isEmpty, ledgerMayHaveMore {
                        ledgerMayHaveMore = false
                        do {
                            let read = try await ledger.duePosts(now: Date(), limit: readSize + inHand.count)
                            due = read.filter { !inHand.contains($0.id) }[...]
                            ledgerMayHaveMore = read.count == readSize + inHand.count
                        } catch {
                            failure = error
                            break
                        }
                    }
                    guard let entry = due.popFirst() else { break }
                    inHand.insert(entry.id)
                    calling += 1
                    taken += 1
                    group.addTask { .called(entry, await self.call(entry, shouldStop: shouldStop)) }
                }
                if adding, failure == nil, taken < limit, !listening, due.isEmpty, !ledgerMayHaveMore,
                   calling + recording > 0 {
                    // New notes queued while these are in hand are taken in this same pass.
                    listening = true
                    group.addTask { await self.doorbell.wait(upTo: configuration.idlePollInterval); return .rang }
                }
                guard calling + recording > 0, let step = await group.next() else { break }
                switch step {
                case .called(let entry, let attempt):
                    calling -= 1
                    if case .notSent = attempt {
                        inHand.remove(entry.id)
                    } else {
                        recording += 1
                        group.addTask {
                            await self.conclude(entry, attempt)
                            return .recorded(entry.id)
                        }
                    }
                case .recorded(let id):
                    recording -= 1
                    inHand.remove(id)
                case .rang:
                    listening = false
                    ledgerMayHaveMore = true
                }
            }
            group.cancelAll() // the doorbell's listener, if it still waits
        }
        if let failure { throw failure }
        return taken
    }

    /// How many outcomes may wait for their commit at once before no further call starts.
    var recordingLimit: Int { configuration.concurrency * 4 }

    /// One attempt for one entry: the call, then its outcome recorded. The entry becomes `posting` once
    /// the governor grants the call, unless `shouldStop` says so by then (then nothing is sent and nothing
    /// changes). Its result is recorded even if the task is cancelled meanwhile: a call that was made
    /// must never go unrecorded.
    func post(_ entry: LedgerEntry, shouldStop: @escaping @Sendable () -> Bool = { false }) async {
        await conclude(entry, await call(entry, shouldStop: shouldStop))
    }

    /// Makes the entry's call: waits for the governor, commits `posting` (with whatever other posters'
    /// starts are queued), and only then sends.
    private func call(_ entry: LedgerEntry, shouldStop: @escaping @Sendable () -> Bool) async -> CallAttempt {
        guard let ticketID = entry.ticketID, let note = entry.note else { return .nothingToPost }
        let start = CallStart()
        let starts = self.starts
        let logger = self.logger
        let clock = ContinuousClock()
        let outcome = await poster.post(NoteRequest(ticketID: ticketID, text: note)) {
            guard !shouldStop() else { return false }
            do {
                _ = try await starts.submit(PostAttempt.Start(entryID: entry.id, noteHash: NoteHash(noteText: note)))
            } catch {
                // Another poster has it in flight, or it changed state meanwhile: not ours to post.
                logger.debug("entry not posted now", metadata: ["ledger_id": "\(entry.id)", "reason": "\(error)"])
                return false
            }
            await start.began(at: clock.now)
            return true
        }
        guard let started = await start.moment else {
            // Refused before the governor (a note over `notes.max_note_bytes`, composed under a larger limit):
            // it can never be sent as it is, and left pending it would be taken again at once, forever.
            if case .rejected(let reason) = outcome { return .refused(reason: reason) }
            // Nothing was sent: the entry stays as it was (pending or retrying) for the next turn.
            return .notSent
        }
        return .answered(outcome, latency: clock.now - started)
    }

    /// Records what the attempt came to: one ledger transition, committed with the other posters'.
    private func conclude(_ entry: LedgerEntry, _ attempt: CallAttempt) async {
        let outcome: PostOutcome
        let latency: Duration
        switch attempt {
        case .notSent:
            return
        case .nothingToPost:
            // No call is made, so no API outcome is counted.
            let reason = "the ledger entry has no ticket or note text"
            await record(entry, .dead, reason, .dead(reason: reason), apiOutcome: nil, latency: .zero)
            return
        case .refused(let reason):
            await record(entry, .dead, reason, .dead(reason: reason), apiOutcome: nil, latency: .zero)
            return
        case .answered(let answer, let took):
            (outcome, latency) = (answer, took)
        }
        let attempt = entry.attempts + 1
        let record = { (kind: PostResult.Kind, detail: String?, ending: PostAttempt.Outcome) in
            await self.record(entry, kind, detail, ending, apiOutcome: outcome.kind, latency: latency)
        }

        switch outcome {
        case .posted(let receipt):
            await health.configurationWorks()
            await record(.posted, nil, .posted(response: receipt.ledgerResponse, checkpoint: nil))
        case .rateLimited(let retryAfter):
            await record(.waiting, "429: rate limited for \(retryAfter)",
                         .pending(error: "429: API call limit reached; posting again after \(retryAfter)"))
        case .transient(let reason):
            if configuration.retryPolicy.allowsRetry(afterAttempt: attempt) {
                let delay = configuration.retryPolicy.delay(afterAttempt: attempt)
                await record(.retrying, reason,
                             .retrying(error: reason, nextAttemptAt: Date().addingTimeInterval(delay.seconds)))
            } else {
                await record(.dead, reason, .dead(reason: "gave up after \(attempt) attempts: \(reason)"))
            }
        case .uncertain(let reason):
            let policy: UncertainPolicy = configuration.uncertainPolicy == .repost
                && configuration.retryPolicy.allowsRetry(afterAttempt: attempt) ? .repost : .hold
            await record(policy == .repost ? .reposting : .uncertain, reason,
                         .uncertain(error: reason, policy: policy))
        case .rejected(let reason):
            await record(.dead, reason, .dead(reason: reason))
        case .configuration(let reason):
            await health.configurationFailed(reason)
            logger.critical("LeadSquared refused the configuration; posting paused, every message stays pending",
                            metadata: ["reason": "\(reason)", "retry_in": "\(configuration.configurationRetryInterval)"])
            await record(.waiting, reason, .pending(error: reason))
        }
    }

    /// Records the attempt's outcome with whatever other posters' outcomes are queued, and reports it
    /// once committed. The caller's cancellation does not reach the commit.
    private func record(_ entry: LedgerEntry, _ kind: PostResult.Kind, _ detail: String?,
                        _ ending: PostAttempt.Outcome, apiOutcome: PostOutcome.Kind?, latency: Duration) async {
        var metadata: Logger.Metadata = [
            "ledger_id": "\(entry.id)", "ticket": "\(entry.ticketID.map(String.init) ?? "-")",
            "message_id": "\(entry.messageID ?? "-")", "outcome": "\(kind.rawValue)",
        ]
        let updated: LedgerEntry
        do {
            updated = try await ends.submit(PostAttempt.End(entryID: entry.id, outcome: ending))
        } catch {
            metadata["error"] = "\(error)"
            logger.error("could not record a post outcome in the ledger", metadata: metadata)
            return
        }
        if let detail { metadata["detail"] = "\(detail)" }
        kind == .posted ? logger.info("note posted", metadata: metadata)
            : logger.warning("note not posted", metadata: metadata)
        await report(PostResult(entryID: entry.id, ticketID: entry.ticketID ?? 0, kind: kind,
                                locations: updated.sightings.map(\.location), detail: detail,
                                apiOutcome: apiOutcome, latency: latency))
    }
}

/// What became of one entry's call, before its outcome is recorded.
enum CallAttempt: Sendable {
    /// Nothing was sent (shutdown began, or the entry was not ours to post): nothing to record.
    case notSent
    /// The entry has no ticket or note: no call is made, and the entry is dead.
    case nothingToPost
    /// The client refused the note before any call (it can never be sent as it is): the entry is dead.
    case refused(reason: String)
    /// The call went out after its `posting` state committed, and came to this.
    case answered(PostOutcome, latency: Duration)
}

/// What a task of ``PostingLoop/postBatch(limit:shouldStop:)`` reports when it ends.
private enum PostingStep: Sendable {
    /// The entry's call is over (or was never made): its call slot is free.
    case called(LedgerEntry, CallAttempt)
    /// The entry's outcome has committed (or could not be recorded, which was logged).
    case recorded(LedgerEntryID)
    /// The intake queued new notes, or the idle poll interval passed.
    case rang
}

/// When a post's call was cleared to go out, if it was.
private actor CallStart {
    private(set) var moment: ContinuousClock.Instant?

    func began(at moment: ContinuousClock.Instant) {
        self.moment = moment
    }
}

extension NoteReceipt {
    /// How the API's answer is kept in the ledger: a JSON object of three strings, keys sorted.
    var ledgerResponse: String {
        "{\"Message\":\(JSONString.quoted(message)),\"RelatedOrgId\":\(JSONString.quoted(organizationID ?? "")),"
            + "\"RelatedTicketId\":\(JSONString.quoted(String(ticketID)))}"
    }
}

extension Duration {
    var seconds: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
