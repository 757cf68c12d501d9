import Foundation
import GatewayConfig
import IMAPSource
import LeadSquared
import Ledger
import Logging
import NoteExtraction
import Observability
import Secrets

/// The whole gateway, built from a configuration: every mailbox watched, every message recorded in
/// the ledger, every note posted through one rate-governed client, every outcome applied back to
/// the mailbox. `notegate run` and `notegate once` drive it.
public final class GatewayRuntime: Sendable {
    public let configuration: GatewayConfiguration
    let ledger: any LedgerStore
    let client: LeadSquaredClient
    let intake: MessageIntake
    let posting: PostingLoop
    let watchers: [MailboxWatcher]
    let actionQueues: [MailboxKey: MailboxActionQueue]
    let doorbell: Doorbell
    public let health: GatewayHealth
    let tally: RunTally
    let metrics: GatewayMetrics?
    let logger: Logger

    /// Opens the ledger (taking its lock), builds the client and the watchers. Throws with a message
    /// naming the setting when the configuration cannot work.
    /// `ledger`, when given, is used instead of the SQLite file at `ledger.path` (`open` passes the PostgreSQL
    /// ledger of `ledger.url` this way).
    public init(configuration: GatewayConfiguration, logger: Logger, metrics: GatewayMetrics? = nil,
                ledger openedLedger: (any LedgerStore)? = nil,
                observer: @escaping @Sendable (GatewayEvent) async -> Void = { _ in }) throws {
        guard openedLedger != nil || configuration.ledger.url == nil else {
            throw GatewaySetupError("ledger.url is set: open the runtime with GatewayRuntime.open, which connects to it")
        }
        guard let settings = configuration.leadSquared else {
            throw GatewaySetupError("the config has no `leadsquared:` section; `run` and `once` need one")
        }
        // The note rules first: a throw once the client exists would deinit it without its shutdown, which traps.
        let extractor = NoteExtractor(configuration: try Self.extractorConfiguration(configuration))
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
        ledger = try openedLedger ?? SQLiteLedger(path: configuration.ledger.path)
        let clientConfiguration = try LeadSquaredClient.Configuration(settings: settings, notes: configuration.notes)
        client = try LeadSquaredClient(configuration: clientConfiguration,
                                       gate: Self.callGate(ledger: ledger, client: clientConfiguration, metrics: metrics),
                                       logger: logger.child("notegate.leadsquared"))
        intake = MessageIntake(extractor: extractor, ledger: ledger, logger: logger.child("notegate.intake"))
        doorbell = Doorbell()
        health = GatewayHealth()
        tally = RunTally()

        var queues: [MailboxKey: MailboxActionQueue] = [:]
        var watchers: [MailboxWatcher] = []
        let checkpoints = LedgerCheckpointStore(ledger: ledger)
        for var mailbox in configuration.mailboxes {
            // Text past the budget is never decoded; fetch no more of it than its encoded form can take.
            mailbox.maxTextFetchBytes = Self.textFetchMarginFactor * extractor.messageBudget.maximumTextBytes
            for folder in mailbox.folders {
                let key = MailboxKey(account: mailbox.name, folder: folder)
                let queue = MailboxActionQueue(durable: LedgerSettledActions(ledger: ledger, mailbox: key))
                let watcher = MailboxWatcher(mailbox: mailbox, folder: folder, checkpoints: checkpoints,
                                             logger: logger.child("notegate.imap"), actions: queue)
                queues[watcher.key] = queue
                watchers.append(watcher)
            }
        }
        self.watchers = watchers
        actionQueues = queues

        var postingConfiguration = PostingLoop.Configuration()
        postingConfiguration.concurrency = settings.concurrency
        postingConfiguration.retryPolicy = RetryPolicy(base: .seconds(settings.retryBaseSeconds),
                                                       cap: .seconds(settings.retryCapSeconds),
                                                       maxAttempts: settings.maxAttempts)
        postingConfiguration.uncertainPolicy = configuration.ledger.onUncertain == .repost ? .repost : .hold
        postingConfiguration.configurationRetryInterval = .seconds(settings.configurationRetrySeconds)
        let queuesForReport = queues
        let tally = self.tally
        let ledger = self.ledger
        posting = PostingLoop(ledger: ledger, poster: client, configuration: postingConfiguration, doorbell: doorbell,
                              health: health, logger: logger.child("notegate.post")) { result in
            await tally.add(result)
            Self.record(result, in: metrics)
            await observer(.posted(result))
            // The ledger recorded the mailbox action with the outcome: the folders' watchers apply it now.
            guard result.kind.mailboxOutcome != nil else { return }
            for key in Set(result.locations.map { MailboxKey(account: $0.account, folder: $0.folder) }) {
                await queuesForReport[key]?.wake()
            }
        }
        self.observer = observer
    }

    private let observer: @Sendable (GatewayEvent) async -> Void

    /// Before any posting: the call gate is set up, posts interrupted by a crash become `uncertain`, and
    /// `on_uncertain` decides.
    func recoverInterruptedPosts() async throws {
        try await prepareCallGate()
        let policy: UncertainPolicy = configuration.ledger.onUncertain == .repost ? .repost : .hold
        let recovered = try await ledger.recoverInterruptedPosts(policy: policy)
        for _ in recovered { metrics?.recordUncertain() }
        if !recovered.isEmpty {
            logger.warning("posts interrupted by the last stop are uncertain; the note may already be on the ticket",
                           metadata: ["ledger_ids": "\(recovered.map(\.description).joined(separator: ","))",
                                      "on_uncertain": "\(policy)"])
        }
    }

    /// How many fetched bytes one byte of decoded text may take: quoted-printable's worst case (base64 takes 4/3).
    static let textFetchMarginFactor = 3

    static func incoming(_ message: FetchedMessage) -> IncomingMessage {
        var incoming = IncomingMessage(
            location: MessageLocation(account: message.mailbox.account, folder: message.mailbox.folder,
                                      uidValidity: message.uidValidity, uid: message.uid),
            raw: message.raw, size: message.size, isTooLarge: message.isTooLarge, isBeforeStart: message.isBeforeStart,
            tooLargeDetail: message.tooLargeDetail)
        incoming.unreadableDetail = message.unreadableDetail
        return incoming
    }

    /// Counts a recorded message, tells the observer and the posters, and returns its mailbox action.
    func outcome(of result: IntakeResult, for message: FetchedMessage) async -> MessageOutcome {
        await tally.add(result)
        switch result {
        case .queued: metrics?.recordSeen(mailbox: message.mailbox.account)
        case .skipped(_, let reason):
            metrics?.recordSeen(mailbox: message.mailbox.account)
            metrics?.recordSkip(reason: reason)
        case .alreadySeen: break
        case .deadLettered:
            metrics?.recordSeen(mailbox: message.mailbox.account)
            metrics?.recordDead()
        }
        await observer(.recorded(result))
        switch result {
        case .queued:
            await doorbell.ring()
            return .deferred
        case .skipped:
            return .skipped
        case .alreadySeen(_, let state):
            switch state.name {
            case .posted: return .posted
            case .skipped: return .skipped
            case .dead: return .failed
            case .pending, .posting, .retrying, .uncertain: return .deferred
            }
        case .deadLettered:
            return .failed
        }
    }

    /// Reports a watcher's connection state to health.
    @Sendable func watcherEvent(_ key: MailboxKey, _ event: WatcherEvent) async {
        switch event {
        case .connected:
            await health.mailboxReachable(key.account, folder: key.folder)
            if await tally.connected(key) { metrics?.recordReconnect(mailbox: key.account) }
            metrics?.setParkedFolders(mailbox: key.account, count: await health.parkedFolderCount(key.account))
        case .connectionFailed(let reason):
            await health.mailboxUnreachable(key.account, reason: reason)
        case .parked(let reason, _):
            await health.mailboxParked(key.account, folder: key.folder, reason: reason)
            metrics?.recordParked(mailbox: key.account)
            metrics?.setParkedFolders(mailbox: key.account, count: await health.parkedFolderCount(key.account))
            await tally.parked(key, reason: reason)
        case .caughtUp:
            metrics?.recordWake(mailbox: key.account)
            await tally.caughtUp(key)
        }
        await observer(.watcher(key, event))
    }

    static func record(_ result: PostResult, in metrics: GatewayMetrics?) {
        guard let metrics else { return }
        if let apiOutcome = result.apiOutcome {
            metrics.recordPost(outcome: APIOutcome(apiOutcome), latency: result.latency)
        }
        switch result.kind {
        case .posted: metrics.recordPosted()
        case .dead: metrics.recordDead()
        case .uncertain, .reposting: metrics.recordUncertain()
        case .retrying, .waiting: break
        }
    }

    /// Closes the HTTP client, and a PostgreSQL ledger (its folders and unbegun claims are free for the other
    /// instances at once). A SQLite ledger closes with the runtime.
    public func shutdown() async {
        try? await client.shutdown()
        await closeSharedLedger()
    }

    /// How notes are found and written, from the config's `notes` and `senders` sections.
    public static func extractorConfiguration(_ configuration: GatewayConfiguration) throws -> NoteExtractor.Configuration {
        let notes = configuration.notes
        let pattern: TicketPattern
        do {
            pattern = try notes.ticketPattern.map { try TicketPattern($0) } ?? .standard
        } catch {
            throw GatewaySetupError("`notes.ticket_pattern`: \(error)")
        }
        let senders = configuration.senders
        let policy: SenderPolicy
        do {
            policy = SenderPolicy(
                allowlist: try senders.allow.map(SenderPattern.init),
                denylist: try senders.deny.map(SenderPattern.init),
                requireDMARCPass: senders.requireDMARCPass
                    ? senders.trustedAuthservID.map { DMARCRequirement(trustedAuthservID: $0) } : nil)
        } catch {
            throw GatewaySetupError("`senders`: \(error)")
        }
        return NoteExtractor.Configuration(ticketPattern: pattern, maximumNoteBytes: notes.maxNoteBytes,
                                           gatewayAddresses: notes.gatewayAddresses, senderPolicy: policy)
    }
}

/// What the gateway did, as it happens: for the demo's and `once`'s output, and for metrics.
public enum GatewayEvent: Sendable {
    case recorded(IntakeResult)
    case posted(PostResult)
    case watcher(MailboxKey, WatcherEvent)
}

/// The configuration cannot work; the message names the setting.
public struct GatewaySetupError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

extension PostResult.Kind {
    /// The mailbox action a post result settles: posted, or failed for good.
    var mailboxOutcome: MessageOutcome? {
        switch self {
        case .posted: .posted
        case .dead: .failed
        case .retrying, .uncertain, .reposting, .waiting: nil
        }
    }
}

extension Logger {
    func child(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = logLevel
        return logger
    }
}

/// Counts a run's outcomes and which watchers have caught up.
actor RunTally {
    private(set) var summary = RunSummary()
    private(set) var queued = 0
    private(set) var caughtUp: Set<MailboxKey> = []
    /// Watchers that opened a session at least once, to tell a reconnect from the first connection.
    private var everConnected: Set<MailboxKey> = []

    func add(_ result: IntakeResult) {
        if case .queued = result { queued += 1 }
        summary.add(result)
    }

    func add(_ result: PostResult) {
        summary.add(result)
    }

    func caughtUp(_ key: MailboxKey) {
        caughtUp.insert(key)
    }

    /// A session of `key` opened; returns whether it is a reconnect (an earlier session was lost).
    func connected(_ key: MailboxKey) -> Bool {
        summary.parked["\(key.account) \(key.folder)"] = nil
        return !everConnected.insert(key).inserted
    }

    /// `key` is parked: it is done for a single pass, which reports it.
    func parked(_ key: MailboxKey, reason: String) {
        summary.parked["\(key.account) \(key.folder)"] = reason
        caughtUp.insert(key)
    }

    /// Folders another instance watches: a single pass skips them (and their mailbox actions), and says so.
    private(set) var ownedElsewhere: Set<MailboxKey> = []

    func ownedElsewhere(_ key: MailboxKey, owner: String?) {
        summary.ownedElsewhere["\(key.account) \(key.folder)"] = owner ?? "(unknown)"
        ownedElsewhere.insert(key)
        caughtUp.insert(key)
    }
}

extension APIOutcome {
    init(_ kind: PostOutcome.Kind) {
        switch kind {
        case .posted: self = .posted
        case .rateLimited: self = .rateLimited
        case .transient: self = .transient
        case .uncertain: self = .uncertain
        case .rejected: self = .rejected
        case .configuration: self = .configuration
        }
    }
}
