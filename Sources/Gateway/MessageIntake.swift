import Ledger
import Logging
import MailParsing
import NoteExtraction

/// The first half of the pipeline: parse, decide (with thread continuity from the ledger), and
/// record the message in the ledger together with the mailbox checkpoint and its mailbox action, in
/// one transaction. Posting happens later, from the ledger, so parsing runs ahead of posting and a
/// pending note survives restarts.
///
/// The poison-message guard: before parsing, the message's place (mailbox, UIDVALIDITY, UID) is
/// recorded as in hand, until its outcome is recorded. A message that was in hand when the process
/// died `crashLimit` times is not parsed again: it is recorded `dead` with reason
/// `crashed-while-parsing`, and the gateway goes on with the next message instead of crash-looping.
///
/// A watcher's batch goes through `ingest(_:)` of a batch (group commit): one transaction marks it in hand,
/// one records it. Batches are in hand together, but a message handled alone (after a crash) is the only
/// thing in hand in the process while it is (`InHandGate`).
public struct MessageIntake: Sendable {
    /// Reasons the gateway adds to the extractor's `SkipReason`s.
    public enum GatewaySkip {
        public static let beforeStart = "before-start"
        public static let tooLarge = "too-large"
        /// The source's fetch of the message failed too many times (a section left out, a reply over budget).
        public static let unreadable = "unreadable"
    }

    /// Reasons the gateway records a message `dead` without posting it.
    public enum GatewayDeadLetter {
        /// The process died while handling the message, `crashLimit` times.
        public static let crashedWhileParsing = "crashed-while-parsing"
    }

    /// How many deaths of the process with a message in hand make it a poison message.
    public static let crashLimit = 2

    let extractor: NoteExtractor
    let ledger: any LedgerStore
    let logger: Logger
    /// Shared by every copy: a message handled alone is the only thing in hand in the process.
    let gate = InHandGate()

    public init(extractor: NoteExtractor, ledger: any LedgerStore, logger: Logger) {
        self.extractor = extractor
        self.ledger = ledger
        self.logger = logger
    }

    /// Handles one message alone: marked in hand, parsed, decided and recorded while nothing else is in hand
    /// in this process (a batch of any folder waits meanwhile), so that a death while it is parsed counts
    /// against it only.
    public func ingest(_ message: IncomingMessage) async throws -> IntakeResult {
        try await gate.alone {
            try await ingest(message, interruptions: try await ledger.beginHandling(message.location))
        }
    }

    /// `ingest` for a message already marked in hand, whose earlier handlings ended in a death
    /// `interruptions` times.
    func ingest(_ message: IncomingMessage, interruptions: Int) async throws -> IntakeResult {
        let checkpoint = Self.checkpoint(after: message.location)
        if interruptions >= Self.crashLimit {
            return try await deadLetter(message, interruptions: interruptions, checkpoint: checkpoint)
        }
        let request: RecordRequest
        do {
            request = try await decide(message)
            TestFaults.abortIfRequested(messageID: request.sighting.messageID)
        } catch {
            // An error, not a crash: the message is handed over again and must not count as poison.
            await releaseEvenIfCancelled([message.location])
            throw error
        }
        // Parsed and decided: only a crash in parsing counts, so the guard's window stays as short as
        // parsing itself (a kill at a random moment almost never lands in it twice).
        try await ledger.endHandling(message.location)
        let result = try await ledger.record([request], checkpoint: checkpoint)[0]
        return report(result, of: request)
    }

    /// Ends the handling of messages whose handling failed, in a task of its own: a failure because the caller
    /// was cancelled (a watcher stopping) must release them too, and the ledger refuses a cancelled task's
    /// writes.
    func releaseEvenIfCancelled(_ locations: [MessageLocation]) async {
        let ledger = ledger
        await Task {
            for location in locations { try? await ledger.endHandling(location) }
        }.value
    }

    /// The checkpoint a message's record advances its folder to.
    static func checkpoint(after location: MessageLocation) -> MailboxCheckpoint {
        MailboxCheckpoint(account: location.account, folder: location.folder, uidValidity: location.uidValidity,
                          lastUID: location.uid)
    }

    /// Logs what the ledger made of a message, and says it as the intake's result. Its metadata is built only
    /// when the info lines are logged (not by default).
    func report(_ result: RecordResult, of request: RecordRequest) -> IntakeResult {
        func metadata(_ more: Logger.Metadata) -> Logger.Metadata {
            var metadata: Logger.Metadata = [
                "uid": "\(request.sighting.location.uid)", "message_id": "\(request.sighting.messageID ?? "-")",
            ]
            metadata.merge(more) { $1 }
            return metadata
        }
        switch (result, request.decision) {
        case (.new(let id), .post(let ticketID, _)):
            logger.info("message queued for posting", metadata: metadata(["ledger_id": "\(id)", "ticket": "\(ticketID)"]))
            return .queued(id, ticketID: ticketID)
        case (.new(let id), .skip(let reason, let ticketID, _, _)):
            logger.info("message skipped", metadata: metadata([
                "ledger_id": "\(id)", "reason": "\(reason)", "ticket": "\(ticketID.map(String.init) ?? "-")",
            ]))
            return .skipped(id, reason: reason)
        case (.alreadySeen(let id, let state), _):
            logger.info("message already in the ledger; not posted again", metadata: metadata([
                "ledger_id": "\(id)", "state": "\(state.name.rawValue)",
            ]))
            return .alreadySeen(id, state)
        case (.new(let id), .deadLetter(let reason, _)):
            return .deadLettered(id, reason: reason)
        }
    }

    /// Records a poison message `dead` without parsing it, keyed by a hash of its first bytes (its
    /// Message-ID would take parsing).
    private func deadLetter(_ message: IncomingMessage, interruptions: Int,
                            checkpoint: MailboxCheckpoint) async throws -> IntakeResult {
        let location = message.location
        let key = MessageKey(contentFrom: "", date: "", subject: "",
                             body: String(decoding: message.raw.prefix(64 * 1024), as: UTF8.self))
        let sighting = MessageSighting(key: key, messageID: nil, subject: nil, from: nil, location: location)
        let reason = GatewayDeadLetter.crashedWhileParsing
        let detail = "notegate stopped \(interruptions) times while handling this message (\(location.account) "
            + "\(location.folder) UIDVALIDITY \(location.uidValidity) UID \(location.uid), \(message.size) bytes); "
            + "it is not parsed again. Keep the message: it is what a bug report needs."
        let result = try await ledger.record(sighting, decision: .deadLetter(reason: reason, detail: detail),
                                             checkpoint: checkpoint)
        let metadata: Logger.Metadata = [
            "uid": "\(location.uid)", "uidvalidity": "\(location.uidValidity)", "reason": "\(reason)",
            "interruptions": "\(interruptions)",
        ]
        switch result {
        case .new(let id):
            logger.error("message dead-lettered: the process died while handling it", metadata: metadata
                .merging(["ledger_id": "\(id)"]) { $1 })
            return .deadLettered(id, reason: reason)
        case .alreadySeen(let id, let state):
            logger.error("message not parsed again: the process died while handling it", metadata: metadata
                .merging(["ledger_id": "\(id)", "state": "\(state.name.rawValue)"]) { $1 })
            return .alreadySeen(id, state)
        }
    }

    /// The ledger's view of the message and the decision for it. Never throws for bad input: a
    /// message that cannot be parsed is recorded as a `malformed` skip with the parser's reason.
    func decide(_ message: IncomingMessage) async throws -> RecordRequest {
        try await conclude(message, examine(message)) { thread in
            try await ledger.ticketForThread(messageIDs: thread)
        }
    }

    /// What parsing alone makes of a message, before the ledger is asked: pure work, which can run on any
    /// thread beside the other messages of a batch.
    enum Examination: Sendable {
        /// Nothing to ask the ledger: the message was not fetched, or could not be parsed.
        case settled(RecordRequest)
        /// Parsed, and decided without thread continuity.
        case parsed(ParsedMessage, NoteDecision)
    }

    func examine(_ message: IncomingMessage) -> Examination {
        let location = message.location
        if let detail = message.unreadableDetail {
            let key = MessageKey(contentFrom: "", date: "", subject: "",
                                 body: "unreadable \(location.account) \(location.folder) \(location.uidValidity) \(location.uid)")
            let sighting = MessageSighting(key: key, messageID: nil, subject: nil, from: nil, location: location)
            return .settled(RecordRequest(sighting: sighting, decision: .skip(reason: GatewaySkip.unreadable, ticketID: nil,
                                                                             draftNote: nil, detail: detail)))
        }
        do {
            let parsed = try extractor.parse(message.raw)
            return .parsed(parsed, extractor.decide(parsed))
        } catch {
            let key = MessageKey(contentFrom: "", date: "", subject: "",
                                 body: String(decoding: message.raw.prefix(64 * 1024), as: UTF8.self))
            let sighting = MessageSighting(key: key, messageID: nil, subject: nil, from: nil, location: location)
            let reason: SkipReason = error.isBudgetExceeded ? .tooComplex : .malformed
            return .settled(RecordRequest(sighting: sighting, decision: .skip(reason: reason.rawValue, ticketID: nil,
                                                                             draftNote: nil, detail: error.description)))
        }
    }

    /// The record for an examined message. A reply that names no ticket follows its thread: `threadTicket`
    /// gets its In-Reply-To and References and returns the ticket of the thread, or nil.
    func conclude(_ message: IncomingMessage, _ examination: Examination,
                  threadTicket: ([String]) async throws -> Int?) async throws -> RecordRequest {
        let parsed: ParsedMessage
        var decision: NoteDecision
        switch examination {
        case .settled(let request): return request
        case .parsed(let message, let firstDecision): (parsed, decision) = (message, firstDecision)
        }
        if decision.skipReason == .noTicket {
            let thread = parsed.inReplyTo + parsed.references
            if !thread.isEmpty, let ticket = try await threadTicket(thread) {
                decision = extractor.decide(parsed, threadTicket: ticket)
            }
        }

        let sighting = MessageSighting(
            key: MessageKey(messageID: parsed.messageID, from: parsed.headers.value("From") ?? "",
                            date: parsed.date ?? "", subject: parsed.subject ?? "", body: decision.text ?? ""),
            messageID: parsed.messageID, subject: parsed.subject,
            from: parsed.from.first?.description, location: message.location)

        if message.isBeforeStart {
            return RecordRequest(sighting: sighting, decision: .skip(reason: GatewaySkip.beforeStart,
                                                                     ticketID: decision.ticketID,
                                                                     draftNote: decision.draftNote))
        }
        if message.isTooLarge {
            return RecordRequest(sighting: sighting, decision: .skip(
                reason: GatewaySkip.tooLarge, ticketID: decision.ticketID, draftNote: decision.draftNote,
                detail: message.tooLargeDetail ?? "its header alone is over max_message_bytes"))
        }
        switch decision.action {
        case .post(let ticketID, let note):
            return RecordRequest(sighting: sighting, decision: .post(ticketID: ticketID, note: note))
        case .skip(let reason, let detail):
            return RecordRequest(sighting: sighting, decision: .skip(reason: reason.rawValue, ticketID: decision.ticketID,
                                                                     draftNote: decision.draftNote, detail: detail))
        }
    }
}
