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
/// `posting`, one for the outcomes): those made while the previous commit ran share a transaction, so
/// posting takes the one writer once per burst rather than twice per call, and intake gets its turns.
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
        starts = GroupCommit { try await ledger.beginPosting($0) }
        ends = GroupCommit { try await ledger.endPosting($0) }
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
                try await Task.sleep(for: configuration.configurationRetryInterval)
                try await postBatch(limit: 1, shouldStop: shouldStop) // one probe; a success clears the fault
                continue
            }
            let posted = try await postBatch(limit: configuration.concurrency * 4, shouldStop: shouldStop)
            if posted == 0 {
                await doorbell.wait(upTo: configuration.idlePollInterval)
            }
        }
    }

    /// Posts up to `limit` due entries, `concurrency` at a time; adds none once `shouldStop` says so.
    /// Returns how many were taken.
    @discardableResult
    func postBatch(limit: Int, shouldStop: @escaping @Sendable () -> Bool = { false }) async throws -> Int {
        let due = try await ledger.duePosts(now: Date(), limit: limit)
        guard !due.isEmpty else { return 0 }
        await withTaskGroup(of: Void.self) { group in
            var iterator = due.makeIterator()
            for _ in 0..<min(configuration.concurrency, due.count) {
                if let entry = iterator.next() { group.addTask { await self.post(entry, shouldStop: shouldStop) } }
            }
            while await group.next() != nil {
                if shouldStop() || Task.isCancelled { continue }
                if await health.configurationFault != nil { continue }
                if let entry = iterator.next() { group.addTask { await self.post(entry, shouldStop: shouldStop) } }
            }
        }
        return due.count
    }

    /// One attempt for one entry. The entry becomes `posting` once the governor grants the call, unless
    /// `shouldStop` says so by then (then nothing is sent and nothing changes). Its result is recorded
    /// even if the task is cancelled meanwhile: a call that was made must never go unrecorded.
    func post(_ entry: LedgerEntry, shouldStop: @escaping @Sendable () -> Bool = { false }) async {
        guard let ticketID = entry.ticketID, let note = entry.note else {
            // No call is made, so no API outcome is counted.
            let reason = "the ledger entry has no ticket or note text"
            await record(entry, .dead, reason, .dead(reason: reason), apiOutcome: nil, latency: .zero)
            return
        }
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
        // Nothing was sent: the entry stays as it was (pending or retrying) for the next turn.
        guard let started = await start.moment else { return }
        let latency = clock.now - started
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

/// When a post's call was cleared to go out, if it was.
private actor CallStart {
    private(set) var moment: ContinuousClock.Instant?

    func began(at moment: ContinuousClock.Instant) {
        self.moment = moment
    }
}

extension NoteReceipt {
    /// How the API's answer is kept in the ledger: a JSON object written by JSONSerialization, so the
    /// server's text is escaped as JSON requires.
    var ledgerResponse: String {
        let object = ["Message": message, "RelatedTicketId": String(ticketID), "RelatedOrgId": organizationID ?? ""]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }
}

extension Duration {
    var seconds: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
