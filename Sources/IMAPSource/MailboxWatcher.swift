import GatewayConfig
import Logging

/// What a running `MailboxWatcher` reports besides the messages themselves: for health checks, and
/// for a single pass that ends once every watcher has caught up.
public enum WatcherEvent: Sendable, Equatable {
    /// Logged in; the folder is about to be read.
    case connected
    /// Connecting or the session failed; `reason` is the error's message. The watcher reconnects
    /// after a backoff.
    case connectionFailed(reason: String)
    /// The server refused the configuration (a wrong password, an untrusted certificate, STARTTLS
    /// refused, a folder that does not exist): the watcher waits `retryIn` (the mailbox's
    /// `configuration_retry_seconds`) before it tries again, so a wrong password cannot lock the account.
    case parked(reason: String, retryIn: Duration)
    /// A pass handed over every message above the checkpoint; the watcher is about to wait.
    case caughtUp
}

/// Watches one folder of one mailbox and hands every new message to the pipeline, in UID order.
///
/// `run` is callback-driven: for each batch of messages (up to `batchSize`, fetched while the batch
/// before is handled) it awaits the handler's `MessageOutcome`s, then applies the configured actions
/// on the server (keep, seen, move, delete). The checkpoint moves past a message
/// once its outcome is recorded: by the pipeline in the same transaction when the store says so
/// (`CheckpointStore.advancesWithOutcome`, the ledger), otherwise by the watcher after the action, so a
/// message whose outcome was not recorded is read again after a restart. A `.deferred` outcome
/// applies no action now: the pipeline settles the message later through the `MailboxActionQueue`,
/// and the watcher applies the action at the start of each pass, after each batch and as soon as it
/// is queued. With a durable queue an action a crash interrupted is applied after the restart.
///
/// On the first start on a folder (no checkpoint, or one for another UIDVALIDITY) the watcher fixes
/// the boundary of `start_from` and saves it before handing over any message, so a crash in the
/// middle of that first pass cannot move it; messages below it are handed over `isBeforeStart`.
///
/// New mail is noticed through IDLE when the server offers it (re-issued at least every
/// `sweep_interval_seconds`, never longer than 25 minutes), otherwise by polling; every wake-up
/// runs `UID SEARCH UID n:*`, which also catches anything IDLE missed. After any connection failure
/// it reconnects with exponential backoff and jitter; after an error only a configuration change can
/// fix, the mailbox is parked and tried again after `configuration_retry_seconds`.
public struct MailboxWatcher: Sendable {
    public let mailbox: MailboxConfig
    public let key: MailboxKey
    private let checkpoints: any CheckpointStore
    private let actions: MailboxActionQueue?
    private let logger: Logger
    /// Delays between reconnections (tests shorten them).
    var backoff = ReconnectBackoff()
    /// Failed fetches of one message, passes in a row, after which it is handed over unreadable.
    public static let fetchAttemptLimit = 5
    /// Messages fetched per UID FETCH of structures, and handed over together (tests make it smaller).
    /// Each batch costs the pipeline two ledger transactions; 100 small messages are about 0.5 MB.
    var batchSize = 100
    /// Batches whose fetch started and whose settling did not, at most: the messages in memory (by default
    /// one batch finishing, one begun or beginning, one fetched and one being fetched; tests change it).
    var batchesInFlight = 4
    /// Called as the fetch of each batch starts, with its UIDs (tests observe the batches in flight).
    var fetchStarted: (@Sendable ([UInt32]) -> Void)?

    public init(mailbox: MailboxConfig, folder: String, checkpoints: any CheckpointStore, logger: Logger,
                actions: MailboxActionQueue? = nil) {
        self.mailbox = mailbox
        self.key = MailboxKey(account: mailbox.name, folder: folder)
        self.checkpoints = checkpoints
        self.actions = actions
        var logger = logger
        logger[metadataKey: "mailbox"] = "\(mailbox.name)"
        logger[metadataKey: "folder"] = "\(folder)"
        self.logger = logger
    }

    /// Runs until the task is cancelled (then logs out and throws `CancellationError`) or the handler
    /// throws. When the server refuses the configuration (`IMAPError.isRetryable` false) the mailbox
    /// is parked (`WatcherEvent.parked`) and tried again after `configuration_retry_seconds`. `events`
    /// is awaited for each `WatcherEvent`.
    ///
    /// `handle` gets each fetched batch at once, in UID order, and returns one outcome per message in
    /// the same order. The watcher applies the mailbox actions of those outcomes only after it
    /// returned (so a pipeline that records the whole batch in one transaction has committed it), then
    /// saves the checkpoint unless the store advances it with the outcome. When `handle` throws,
    /// no action of the batch is applied and its messages come again. Batches are fetched ahead while
    /// one is handled, and a batch is handled while the actions of the one before are applied: at most
    /// `batchesInFlight` batches are in memory, whatever the size of the folder.
    public func run(batches handle: @escaping @Sendable ([FetchedMessage]) async throws -> [MessageOutcome],
                    events: @escaping @Sendable (WatcherEvent) async -> Void = { _ in }) async throws {
        try await run(preparing: { messages in PreparedBatch(finish: { try await handle(messages) }) },
                      events: events)
    }

    /// `run(batches:events:)` in two steps: `prepare` gets each fetched batch, in UID order, and may run
    /// while the batch before it is finished (the gateway marks the batch in hand and parses it there);
    /// the `PreparedBatch`es are finished one at a time, in UID order, each once the one before it
    /// finished, and the actions of a batch are applied once its `finish` returned; after a batch prepared
    /// with `holdsLaterBatches`, the next is prepared only once it finished. When `prepare` or
    /// `finish` throws, the batches before it are finished and their actions applied, no action of it
    /// or of any later batch is applied, the later batches prepared are abandoned, and the watcher
    /// stops with the error.
    public func run(preparing prepare: @escaping @Sendable ([FetchedMessage]) async throws -> PreparedBatch,
                    events: @escaping @Sendable (WatcherEvent) async -> Void = { _ in }) async throws {
        let stages = BatchStages { messages in
            let prepared: PreparedBatch
            do {
                prepared = try await prepare(messages)
            } catch {
                return BegunBatch(finish: { HandledBatch(outcomes: [], failure: error) })
            }
            return BegunBatch(finish: {
                do {
                    let outcomes = try await prepared.finish()
                    guard outcomes.count == messages.count else {
                        return HandledBatch(outcomes: [], failure: OutcomeCountMismatch(messages: messages.count,
                                                                                        outcomes: outcomes.count))
                    }
                    return HandledBatch(outcomes: outcomes)
                } catch {
                    return HandledBatch(outcomes: [], failure: error)
                }
            }, abandon: prepared.abandon, holdsLaterBatches: prepared.holdsLaterBatches)
        }
        try await run(handling: stages, events: events)
    }

    /// `run(batches:events:)` one message at a time: `handle` is awaited for each message of a batch
    /// in UID order; when it throws, the actions of the messages it handled before are applied, then
    /// the watcher stops with the error.
    public func run(_ handle: @escaping @Sendable (FetchedMessage) async throws -> MessageOutcome,
                    events: @escaping @Sendable (WatcherEvent) async -> Void = { _ in }) async throws {
        let stages = BatchStages { messages in
            BegunBatch(finish: {
                var outcomes: [MessageOutcome] = []
                for message in messages {
                    do {
                        outcomes.append(try await handle(message))
                    } catch {
                        return HandledBatch(outcomes: outcomes, failure: error)
                    }
                }
                return HandledBatch(outcomes: outcomes)
            })
        }
        try await run(handling: stages, events: events)
    }

    private func run(handling handle: BatchStages,
                     events: @escaping @Sendable (WatcherEvent) async -> Void) async throws {
        var failures = 0
        var fetchFailures = FetchFailures(limit: Self.fetchAttemptLimit)
        while true {
            let connection = IMAPConnection(config: mailbox, logger: logger)
            do {
                try await connection.open()
                failures = 0
                await events(.connected)
                try await watch(connection, handle, events, &fetchFailures)
            } catch let error as IMAPError {
                await connection.close()
                guard error.isRetryable else {
                    let retryIn = Duration.seconds(mailbox.configurationRetrySeconds)
                    logger.error("mailbox parked: the server refused its configuration; the other mailboxes go on",
                                 metadata: ["error": "\(error)", "code": "\(error.code)", "retry_in": "\(retryIn)"])
                    await events(.parked(reason: error.message, retryIn: retryIn))
                    failures = 0
                    try await Task.sleep(for: retryIn)
                    continue
                }
                await events(.connectionFailed(reason: error.message))
                failures += 1
                let delay = backoff.delay(afterFailures: failures)
                logger.warning("IMAP connection failed; reconnecting", metadata: [
                    "error": "\(error)", "attempt": "\(failures)", "retry_in": "\(delay)",
                ])
                try await Task.sleep(for: delay)
            } catch {
                await connection.close()
                throw error
            }
        }
    }

    /// Reads the new messages once, changing nothing on the server and saving no checkpoint: what
    /// `notegate fetch` shows.
    public func peekNewMessages(limit: Int? = nil) async throws -> [FetchedMessage] {
        let connection = IMAPConnection(config: mailbox, logger: logger)
        do {
            try await connection.open()
            let (status, checkpoint, _) = try await selectFolder(connection)
            let uids = try await newUIDs(connection, status, checkpoint)
            let wanted = limit.map { Array(uids.prefix($0)) } ?? uids
            var messages: [FetchedMessage] = []
            for batch in wanted.chunked(batchSize) {
                messages += try await connection.messages(batch, in: key, under: checkpoint)
            }
            await connection.close()
            return messages
        } catch {
            await connection.close()
            throw error
        }
    }

    private func watch(_ connection: IMAPConnection,
                       _ handle: BatchStages,
                       _ events: @Sendable (WatcherEvent) async -> Void,
                       _ fetchFailures: inout FetchFailures) async throws {
        let idles = await connection.supportsIdle
        let waitSeconds = idles ? min(mailbox.sweepIntervalSeconds, 25 * 60) : mailbox.pollIntervalSeconds
        await actions?.onSettle { [wakePipe = connection.wakePipe] in wakePipe.wake() }
        while true {
            try await handleNewMessages(connection, handle, &fetchFailures)
            await events(.caughtUp)
            try Task.checkCancellation()
            try await withTaskCancellationHandler {
                try await connection.waitForChange(seconds: waitSeconds)
            } onCancel: {
                connection.interrupt()
            }
            try Task.checkCancellation()
        }
    }

    /// One pass: every message above the checkpoint, batch by batch, through a pipeline (`PassPipeline`):
    /// a batch is fetched (one fetch at a time, on the connection), begun once fetched and the batch before
    /// it began, finished once the batch before it finished, and settled (its actions applied, the
    /// checkpoint moved) once the batch before it settled; at most `batchesInFlight` batches are fetched or
    /// being fetched and not settling yet. A batch whose fetch failed, or a message
    /// with a `fetchProblem`, ends the pass after the messages before it were handed over and settled;
    /// so does a batch whose handling failed, after the actions of the outcomes it has were applied.
    private func handleNewMessages(_ connection: IMAPConnection, _ stages: BatchStages,
                                   _ fetchFailures: inout FetchFailures) async throws {
        let (status, start, isFirstStart) = try await selectFolder(connection)
        if isFirstStart {
            try await checkpoints.saveCheckpoint(start, for: key)
        }
        try await applySettled(connection, uidValidity: status.uidValidity)
        let size = fetchFailures.fetchesOneAtATime ? 1 : batchSize
        let batches = try await newUIDs(connection, status, start).chunked(size)
        var pass = PassPipeline(batchCount: batches.count, inFlight: batchesInFlight)
        await withTaskGroup(of: PassStep.self) { group in
            func startWhatCan() {
                // Stopping: batches begun and not yet being finished are abandoned (which releases their in-hand
                // marks, in a task of its own) rather than finished by a cancelled task, so a graceful stop counts
                // no death; the one being finished ends as its handler makes it end.
                if Task.isCancelled, pass.failure == nil { pass.stop(before: pass.nextFinish, CancellationError()) }
                if let index = pass.fetchToStart() {
                    let plan = BatchPlan(batches[index], of: key, under: start, fetchFailures, logger: logger)
                    group.addTask { .fetched(index, await fetch(plan, connection, under: start)) }
                }
                if let (index, batch) = pass.fetchedToBegin() {
                    let ready = pass.handOverPart(of: batch, at: index, &fetchFailures)
                    if index < pass.end {
                        pass.beginning = true
                        group.addTask {
                            let begun = ready.isEmpty ? BegunBatch(finish: { HandledBatch(outcomes: []) })
                                : await stages.begin(ready)
                            return .begun(index, ready, begun)
                        }
                    }
                }
                if let (index, ready, begun) = pass.begunToFinish() {
                    group.addTask { .finished(index, ready, await begun.finish()) }
                }
                if let (index, settled, failed) = pass.finishedToSettle() {
                    // Messages of later batches may be recorded already: their own settling applies their actions.
                    let later = batches.index(after: index) < batches.endIndex
                        ? batches[index + 1][0]...batches[batches.count - 1].last! : nil
                    group.addTask {
                        do {
                            try await settle(settled, connection, from: start, thenDue: !failed, sparing: later)
                            return .settled(index, settled, nil)
                        } catch {
                            return .settled(index, settled, error)
                        }
                    }
                }
            }
            startWhatCan()
            while let step = await group.next() {
                switch step {
                case .fetched(let index, let batch):
                    pass.fetched(batch, at: index)
                case .begun(let index, let ready, let begun):
                    if !pass.begun(begun, with: ready, at: index) { await Task { await begun.abandon() }.value }
                case .finished(let index, let ready, let handled):
                    pass.finished(handled, of: ready, at: index)
                case .settled(let index, let settled, let error):
                    pass.settled(at: index, error)
                    if error == nil {
                        for message in settled { fetchFailures.forget(message.uid, uidValidity: message.uidValidity) }
                    }
                }
                startWhatCan()
                // Cut short: what the batches it will not finish took is given back now (a task of its own, which
                // a cancellation of the watcher does not reach).
                let stranded = pass.takeStranded()
                if !stranded.isEmpty {
                    await Task { for begun in stranded { await begun.abandon() } }.value
                }
            }
        }
        // Begun and never to be finished: what beginning them took is given back, also when the pass ends
        // because the watcher is cancelled (a task of its own, which that cancellation does not reach).
        let leftOver = pass.leftOver()
        if !leftOver.isEmpty {
            await Task { for begun in leftOver { await begun.abandon() } }.value
        }
        if let (problem, uid, uidValidity) = pass.fetchProblemThatEnded {
            fetchFailures.record(problem, for: uid, uidValidity: uidValidity)
        }
        if let failure = pass.failure { throw failure }
        fetchFailures.fetchesOneAtATime = false
    }

    /// Applies the actions of a finished batch's outcomes (one command per distinct action) and moves the
    /// checkpoint past them; then, when `thenDue`, the actions settled meanwhile, except those of messages
    /// in `sparing` (later batches of the pass, whose own settling applies their actions).
    private func settle(_ settled: [SettledAction], _ connection: IMAPConnection, from start: Checkpoint,
                        thenDue: Bool, sparing: ClosedRange<UInt32>?) async throws {
        if !settled.isEmpty {
            let applied: [SettledAction]
            do {
                applied = try await apply(settled, connection)
            } catch let failure as AppliedInPart {
                try? await actions?.applied(failure.applied)
                throw failure.error
            }
            if !checkpoints.advancesWithOutcome, let last = settled.last {
                var checkpoint = start
                checkpoint.lastUID = last.uid
                try await checkpoints.saveCheckpoint(checkpoint, for: key)
            }
            if logger.logLevel <= .debug {
                for message in settled {
                    logger.debug("message handled", metadata: ["uid": "\(message.uid)", "outcome": "\(message.outcome)"])
                }
            }
            // A durable queue recorded these actions with their outcomes; applied, they are done.
            try await actions?.applied(applied)
        }
        if thenDue {
            try await applySettled(connection, uidValidity: start.uidValidity, sparing: sparing)
        }
    }

    /// Fetches the readable messages of `plan` (on the connection's thread) and puts the unreadable
    /// ones back among them, in UID order; the error of the UID FETCH is kept for the pass to record.
    private func fetch(_ plan: BatchPlan, _ connection: IMAPConnection,
                       under checkpoint: Checkpoint) async -> FetchedBatch {
        fetchStarted?(plan.readable + plan.unreadable.map(\.uid))
        guard !plan.readable.isEmpty else {
            return FetchedBatch(plan: plan, fetched: .success([]))
        }
        do {
            return FetchedBatch(plan: plan, fetched: .success(try await connection.messages(plan.readable, in: key,
                                                                                             under: checkpoint)))
        } catch {
            return FetchedBatch(plan: plan, fetched: .failure(error))
        }
    }

    /// Selects the folder and returns the checkpoint to read it from, and whether it is a new one
    /// that must be saved before any message is handed over. Without a stored checkpoint the
    /// boundary comes from `start_from`. A checkpoint taken under another UIDVALIDITY no longer
    /// means anything: the folder is read again from the start with no boundary, and the pipeline
    /// recognises messages it has seen by their Message-ID.
    private func selectFolder(_ connection: IMAPConnection) async throws -> (FolderStatus, Checkpoint, Bool) {
        let status = try await connection.select(key.folder)
        guard let stored = try await checkpoints.checkpoint(for: key) else {
            let startUID = try await firstStartUID(connection, status)
            logger.info("no checkpoint for this folder yet; start_from sets the first UID that counts", metadata: [
                "uidvalidity": "\(status.uidValidity)", "start_from": "\(mailbox.startFrom)",
                "start_uid": "\(startUID)",
            ])
            return (status, Checkpoint(uidValidity: status.uidValidity, lastUID: 0, startUID: startUID), true)
        }
        guard stored.uidValidity == status.uidValidity else {
            logger.warning("UIDVALIDITY changed; rescanning the folder", metadata: [
                "old_uidvalidity": "\(stored.uidValidity)", "uidvalidity": "\(status.uidValidity)",
            ])
            return (status, Checkpoint(uidValidity: status.uidValidity, lastUID: 0), true)
        }
        return (status, stored, false)
    }

    /// The lowest UID that counts as new on the first start, from `start_from`.
    private func firstStartUID(_ connection: IMAPConnection, _ status: FolderStatus) async throws -> UInt32 {
        switch mailbox.startFrom {
        case .all:
            return 0
        case .new:
            return try await connection.nextUID(status)
        case .since(let year, let month, let day):
            if let uid = try await connection.firstUID(sinceYear: year, month: month, day: day) {
                return uid
            }
            return try await connection.nextUID(status)
        }
    }

    /// The UIDs above the checkpoint, ascending.
    private func newUIDs(_ connection: IMAPConnection, _ status: FolderStatus,
                         _ checkpoint: Checkpoint) async throws -> [UInt32] {
        // UIDNEXT at or below the next expected UID proves there is nothing new: skip the search. After
        // the highest possible UID nothing can come under this UIDVALIDITY.
        guard let expected = checkpoint.lastUID.followingUID else { return [] }
        if status.uidNext != 0 && status.uidNext <= expected {
            return []
        }
        return try await connection.uids(above: checkpoint.lastUID)
    }

    /// Applies the actions settled and not applied yet (including, with a durable queue, those a crash
    /// interrupted), one command per distinct action, until none is left. Each stays queued until its
    /// action succeeded, so one that failed with the connection is applied after the reconnect.
    private func applySettled(_ connection: IMAPConnection, uidValidity: UInt32,
                              sparing: ClosedRange<UInt32>? = nil) async throws {
        guard let actions else { return }
        var rounds = 0
        while case let due = try await actions.pending().filter({ settled in
            !(settled.uidValidity == uidValidity && sparing?.contains(settled.uid) == true)
        }), !due.isEmpty, rounds < 100 {
            rounds += 1
            var stale: [SettledAction] = []
            for settled in due where settled.uidValidity != uidValidity {
                logger.notice("dropping the action for a message settled under another UIDVALIDITY", metadata: [
                    "uid": "\(settled.uid)", "settled_uidvalidity": "\(settled.uidValidity)",
                    "uidvalidity": "\(uidValidity)", "outcome": "\(settled.outcome)",
                ])
                stale.append(settled)
            }
            let current = due.filter { $0.uidValidity == uidValidity }
            do {
                let applied = try await apply(current, connection, unlessGone: true)
                try await actions.applied(stale + applied)
            } catch let failure as AppliedInPart {
                try? await actions.applied(stale + failure.applied)
                throw failure.error
            }
            for settled in current {
                logger.debug("settled message handled", metadata: ["uid": "\(settled.uid)", "outcome": "\(settled.outcome)"])
            }
        }
    }

    /// Applies the actions of `settled` (those not deferred), one command per distinct action, in the
    /// order each action first comes. Returns the ones with an action; when a command fails, throws
    /// `AppliedInPart` with those applied before.
    private func apply(_ settled: [SettledAction], _ connection: IMAPConnection,
                       unlessGone: Bool = false) async throws -> [SettledAction] {
        var groups: [(action: MailboxAction, members: [SettledAction])] = []
        for entry in settled {
            guard let action = action(for: entry.outcome) else { continue }
            if let index = groups.firstIndex(where: { $0.action == action }) {
                groups[index].members.append(entry)
            } else {
                groups.append((action, [entry]))
            }
        }
        var applied: [SettledAction] = []
        for group in groups {
            let uids = group.members.map(\.uid)
            // Keeping takes no command: no wait for the connection, which may be fetching the next batches.
            guard group.action != .keep else {
                applied += group.members
                continue
            }
            do {
                if unlessGone {
                    try await connection.applyUnlessGone(group.action, to: uids)
                } else {
                    try await connection.apply(group.action, to: uids)
                }
            } catch {
                throw AppliedInPart(applied: applied, error: error)
            }
            applied += group.members
        }
        return applied
    }

    /// The configured action for `outcome`; none while it is deferred.
    private func action(for outcome: MessageOutcome) -> MailboxAction? {
        switch outcome {
        case .posted: mailbox.actions.posted
        case .skipped: mailbox.actions.skipped
        case .failed: mailbox.actions.failed
        case .deferred: nil
        }
    }
}

/// A mailbox action failed after others were applied: the queue forgets those before `error` goes on.
private struct AppliedInPart: Error {
    let applied: [SettledAction]
    let error: any Error
}

extension Array {
    fileprivate func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}

/// Failed fetches of each message, passes in a row, kept while the watcher runs (a restart starts
/// the count again). Only messages that failed are in it; a message handed over leaves it.
struct FetchFailures: Sendable {
    let limit: Int
    /// After a batch's reply went over its budget: fetch one message at a time until a pass ends.
    var fetchesOneAtATime = false
    private var failures: [Place: (count: Int, last: String)] = [:]

    private struct Place: Hashable {
        var uidValidity: UInt32
        var uid: UInt32
    }

    init(limit: Int) {
        self.limit = limit
    }

    mutating func record(_ problem: String, for uid: UInt32, uidValidity: UInt32) {
        let place = Place(uidValidity: uidValidity, uid: uid)
        failures[place] = ((failures[place]?.count ?? 0) + 1, problem)
    }

    mutating func forget(_ uid: UInt32, uidValidity: UInt32) {
        failures[Place(uidValidity: uidValidity, uid: uid)] = nil
    }

    /// Why the message is unreadable, once its fetch failed `limit` times; nil before.
    func unreadableDetail(_ uid: UInt32, uidValidity: UInt32) -> String? {
        guard let failure = failures[Place(uidValidity: uidValidity, uid: uid)], failure.count >= limit else {
            return nil
        }
        // The last problem said the message would be fetched again; it will not be.
        let problem = failure.last.firstRange(of: "; the message is fetched again").map { failure.last[..<$0.lowerBound] }
            ?? Substring(failure.last)
        return "the server's answer for this message was incomplete or over budget \(failure.count) times: "
            + problem
    }
}
