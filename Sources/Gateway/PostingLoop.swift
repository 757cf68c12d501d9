import Foundation
import LeadSquared
import Ledger
import Logging

/// Anything that posts a note and says what became of it: the LeadSquared client, in production.
public protocol NotePosting: Sendable {
    func post(_ note: NoteRequest) async -> PostOutcome
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
    /// What the API call itself came to.
    public var apiOutcome: PostOutcome.Kind
    /// How long the API call took.
    public var latency: Duration
}

/// The second half of the pipeline: takes due entries from the ledger, posts each through the rate
/// governor, and records every outcome as one ledger transition.
///
/// - 200: `posted`. 429: back to `pending` (the governor has paused every poster). 5xx, refused or
///   reset before sending: `retrying` with exponential backoff and jitter, `dead` when the policy's
///   attempts run out. Sent but unanswered: `uncertain`, then `on_uncertain` decides. 400: `dead`
///   with the server's message. 401/404: back to `pending`, and all posting pauses until the
///   configuration works again (probed every `configurationRetryInterval`).
/// - On graceful shutdown it stops taking entries and lets the calls in flight finish and be recorded.
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
    private let poster: any NotePosting
    private let configuration: Configuration
    private let doorbell: Doorbell
    private let health: GatewayHealth
    private let logger: Logger
    private let report: @Sendable (PostResult) async -> Void

    public init(ledger: any LedgerStore, poster: any NotePosting, configuration: Configuration, doorbell: Doorbell,
                health: GatewayHealth, logger: Logger, report: @escaping @Sendable (PostResult) async -> Void) {
        self.ledger = ledger
        self.poster = poster
        self.configuration = configuration
        self.doorbell = doorbell
        self.health = health
        self.logger = logger
        self.report = report
    }

    /// Posts until `shouldStop` says so (checked between batches) or the task is cancelled.
    public func run(shouldStop: @escaping @Sendable () -> Bool = { false }) async throws {
        while !shouldStop() && !Task.isCancelled {
            if await health.configurationFault != nil {
                try await Task.sleep(for: configuration.configurationRetryInterval)
                try await postBatch(limit: 1) // one probe; a success clears the fault
                continue
            }
            let posted = try await postBatch(limit: configuration.concurrency * 4)
            if posted == 0 {
                await doorbell.wait(upTo: configuration.idlePollInterval)
            }
        }
    }

    /// Posts up to `limit` due entries, `concurrency` at a time. Returns how many were attempted.
    @discardableResult
    func postBatch(limit: Int) async throws -> Int {
        let due = try await ledger.duePosts(now: Date(), limit: limit)
        guard !due.isEmpty else { return 0 }
        await withTaskGroup(of: Void.self) { group in
            var iterator = due.makeIterator()
            for _ in 0..<min(configuration.concurrency, due.count) {
                if let entry = iterator.next() { group.addTask { await self.post(entry) } }
            }
            while await group.next() != nil {
                if await health.configurationFault != nil { continue }
                if let entry = iterator.next() { group.addTask { await self.post(entry) } }
            }
        }
        return due.count
    }

    /// One attempt for one entry. Its result is recorded even if the task is cancelled meanwhile:
    /// a call that was made must never go unrecorded.
    func post(_ entry: LedgerEntry) async {
        guard let ticketID = entry.ticketID, let note = entry.note else {
            await recordDetached(entry, .dead, "the ledger entry has no ticket or note text", apiOutcome: .rejected,
                                 latency: .zero) {
                try await $0.markDead(entry.id, reason: "the ledger entry has no ticket or note text")
            }
            return
        }
        do {
            _ = try await ledger.beginPosting(entry.id, noteHash: NoteHash(noteText: note))
        } catch {
            // Another poster has it in flight, or it changed state meanwhile: not ours to post.
            logger.debug("entry not posted now", metadata: ["ledger_id": "\(entry.id)", "reason": "\(error)"])
            return
        }
        let clock = ContinuousClock()
        let started = clock.now
        let outcome = await poster.post(NoteRequest(ticketID: ticketID, text: note))
        let latency = clock.now - started
        let attempt = entry.attempts + 1
        let record = { (kind: PostResult.Kind, detail: String?,
                                write: @escaping @Sendable (any LedgerStore) async throws -> LedgerEntry) in
            await self.recordDetached(entry, kind, detail, apiOutcome: outcome.kind, latency: latency, write)
        }

        switch outcome {
        case .posted(let receipt):
            await health.configurationWorks()
            await record(.posted, nil) {
                try await $0.markPosted(entry.id, response: receipt.ledgerResponse, checkpoint: nil)
            }
        case .rateLimited(let retryAfter):
            await record(.waiting, "429: rate limited for \(retryAfter)") {
                try await $0.markPending(entry.id, error: "429: API call limit reached; posting again after \(retryAfter)")
            }
        case .transient(let reason):
            if configuration.retryPolicy.allowsRetry(afterAttempt: attempt) {
                let delay = configuration.retryPolicy.delay(afterAttempt: attempt)
                await record(.retrying, reason) {
                    try await $0.markRetrying(entry.id, error: reason, nextAttemptAt: Date().addingTimeInterval(delay.seconds))
                }
            } else {
                await record(.dead, reason) {
                    try await $0.markDead(entry.id, reason: "gave up after \(attempt) attempts: \(reason)")
                }
            }
        case .uncertain(let reason):
            let policy: UncertainPolicy = configuration.uncertainPolicy == .repost
                && configuration.retryPolicy.allowsRetry(afterAttempt: attempt) ? .repost : .hold
            await record(policy == .repost ? .reposting : .uncertain, reason) {
                try await $0.markUncertain(entry.id, error: reason, policy: policy)
            }
        case .rejected(let reason):
            await record(.dead, reason) {
                try await $0.markDead(entry.id, reason: reason)
            }
        case .configuration(let reason):
            await health.configurationFailed(reason)
            logger.critical("LeadSquared refused the configuration; posting paused, every message stays pending",
                            metadata: ["reason": "\(reason)", "retry_in": "\(configuration.configurationRetryInterval)"])
            await record(.waiting, reason) {
                try await $0.markPending(entry.id, error: reason)
            }
        }
    }

    /// Writes the outcome in a task of its own, which the caller's cancellation does not reach.
    private func recordDetached(_ entry: LedgerEntry, _ kind: PostResult.Kind, _ detail: String?,
                                apiOutcome: PostOutcome.Kind, latency: Duration,
                                _ write: @escaping @Sendable (any LedgerStore) async throws -> LedgerEntry) async {
        let ledger = self.ledger
        let result = await Task { try await write(ledger) }.result
        var metadata: Logger.Metadata = [
            "ledger_id": "\(entry.id)", "ticket": "\(entry.ticketID.map(String.init) ?? "-")",
            "message_id": "\(entry.messageID ?? "-")", "outcome": "\(kind.rawValue)",
        ]
        switch result {
        case .success(let updated):
            if let detail { metadata["detail"] = "\(detail)" }
            kind == .posted ? logger.info("note posted", metadata: metadata)
                : logger.warning("note not posted", metadata: metadata)
            await report(PostResult(entryID: entry.id, ticketID: entry.ticketID ?? 0, kind: kind,
                                    locations: updated.sightings.map(\.location), detail: detail,
                                    apiOutcome: apiOutcome, latency: latency))
        case .failure(let error):
            metadata["error"] = "\(error)"
            logger.error("could not record a post outcome in the ledger", metadata: metadata)
        }
    }
}

extension NoteReceipt {
    /// How the API's answer is kept in the ledger.
    var ledgerResponse: String {
        "{\"Message\":\"\(message)\",\"RelatedTicketId\":\"\(ticketID)\",\"RelatedOrgId\":\"\(organizationID ?? "")\"}"
    }
}

extension Duration {
    var seconds: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
