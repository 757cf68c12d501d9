import Foundation
import IMAPSource
import Ledger
import Logging
import ServiceLifecycle

extension GatewayRuntime {
    /// The daemon: watches every mailbox and posts until SIGTERM or SIGINT, then stops taking new
    /// work, lets the calls in flight finish and be recorded, and returns.
    public func run(extraServices: [any Service] = []) async throws {
        try await recoverInterruptedPosts()
        // Services stop in reverse order, each once the one told before it has finished: the mailboxes first
        // (no new mail taken; the batch in hand is finished), then posting (the calls in flight finish and are
        // recorded), then whatever else (the status endpoint). Posting starts no new call from the moment
        // shutdown begins, though (`stop`), not from when the mailboxes have finished.
        let stop = StopTakingWork()
        let tokens = OAuthTokenWatch(mailboxes: configuration.mailboxes, health: health,
                                     warning: TimeInterval(configuration.observability.tokenExpiryWarningSeconds),
                                     interval: .seconds(300))
        let gauges: [any Service] = metrics.map { [QueueDepthGauge(metrics: $0, ledger: ledger)] } ?? []
        let services: [any Service] = extraServices + gauges
            + [TokenWatchService(watch: tokens), PostingService(posting: posting, stop: stop, logger: logger),
               MailboxService(runtime: self)]
        let group = ServiceGroup(configuration: .init(
            services: Self.serviceConfigurations(services, turningOn: stop),
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }

    /// One pass: reads every mailbox up to its newest message, posts everything queued (retries
    /// included) and applies the mailbox actions, then returns what happened. `progress` is called
    /// after every post with (done, total).
    public func runOnce(progress: @escaping @Sendable (Int, Int) async -> Void = { _, _ in }) async throws -> RunSummary {
        try await recoverInterruptedPosts()
        let backlog = try await ledger.counts()
        let alreadyQueued = (backlog[.pending] ?? 0) + (backlog[.retrying] ?? 0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for watcher in watchers {
                group.addTask {
                    try await self.watchOnceIfOwned(watcher.key) {
                        try await watcher.run(preparing: self.prepareBatch) { await self.watcherEvent(watcher.key, $0) }
                    }
                }
            }
            if !PostingPause.isOn {
                group.addTask {
                    try await self.posting.run()
                }
            }
            group.addTask {
                try await self.waitUntilPassIsDone(alreadyQueued: alreadyQueued, progress: progress)
                throw PassFinished()
            }
            do {
                // A folder another instance watches ends its task at once; the pass goes on.
                while try await group.next() != nil {}
            } catch is PassFinished {
                group.cancelAll()
                return
            }
        }
        return await tally.summary
    }

    private struct PassFinished: Error {}

    /// What a watcher's batch becomes, in two steps for `MailboxWatcher.run(preparing:)`: the batch is marked in
    /// hand and parsed (`MessageIntake.prepare(_:)`) while the batch before it is recorded; the watcher finishes
    /// it, recorded in one transaction, once that batch has finished, and gets one outcome per message, in order.
    /// It applies their mailbox actions after that, so no action runs before its message's record committed.
    @Sendable func prepareBatch(_ messages: [FetchedMessage]) async throws -> PreparedBatch {
        let prepared = try await intake.prepare(messages.map(Self.incoming))
        return PreparedBatch(finish: {
            let results = try await prepared.finish()
            var outcomes: [MessageOutcome] = []
            outcomes.reserveCapacity(results.count)
            for (result, message) in zip(results, messages) {
                outcomes.append(await self.outcome(of: result, for: message))
            }
            return outcomes
        }, abandon: {
            await prepared.abandon()
        }, holdsLaterBatches: prepared.holdsLaterBatches)
    }

    /// Done when every watcher has caught up, nothing is pending or retrying, and every mailbox
    /// action has been applied. A configuration fault (401/404) ends the pass as a failure.
    private func waitUntilPassIsDone(alreadyQueued: Int,
                                     progress: @Sendable (Int, Int) async -> Void) async throws {
        let keys = Set(watchers.map(\.key))
        var lastDone = -1
        var lastLedgerCheck: ContinuousClock.Instant?
        while true {
            if let fault = await health.configurationFault {
                throw GatewaySetupError("LeadSquared refused the configuration: \(fault.reason)")
            }
            let summary = await tally.summary
            let done = summary.posted + summary.dead + summary.uncertain
            let total = max(done, await tally.queued + alreadyQueued)
            if done != lastDone {
                await progress(done, total)
                lastDone = done
            }
            // The ledger is asked once every watcher has caught up: at every turn (10 ms) while the pass's posts
            // look done, otherwise every 100 ms (retries, and entries an operator changed, end there too).
            if await tally.caughtUp.isSuperset(of: keys), PostingPause.isOn || done >= total
                || lastLedgerCheck.map({ $0.duration(to: .now) >= .milliseconds(100) }) ?? true {
                lastLedgerCheck = .now
                let counts = try await ledger.counts()
                var actionsPending = 0
                let ownedElsewhere = await tally.ownedElsewhere
                for (key, queue) in actionQueues where !ownedElsewhere.contains(key) {
                    actionsPending += try await queue.pendingCount
                }
                if PostingPause.isOn || (counts[.pending] ?? 0) + (counts[.retrying] ?? 0) + (counts[.posting] ?? 0) == 0,
                   actionsPending == 0 {
                    return
                }
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// Every configured mailbox folder, watched until graceful shutdown.
struct MailboxService: Service {
    let runtime: GatewayRuntime

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for watcher in runtime.watchers {
                        group.addTask {
                            try await runtime.watchWhileOwned(watcher.key) {
                                try await watcher.run(preparing: runtime.prepareBatch) { await runtime.watcherEvent(watcher.key, $0) }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
        } catch is CancellationError where Task.isShuttingDownGracefully {
            // The watchers logged out because the gateway is stopping: a clean end.
        }
    }
}

/// Checks OAuth tokens for `/healthz` until the gateway stops.
struct TokenWatchService: Service {
    let watch: OAuthTokenWatch

    func run() async throws {
        try? await cancelWhenGracefulShutdown { try await watch.run() }
    }
}

/// The posting loop, stopped gracefully: no new call starts once the group's graceful shutdown has begun
/// (`stop`), even while the services told to stop before this one are still stopping; the calls in flight
/// finish and are recorded, and the notes not started stay due in the ledger for the next start.
struct PostingService: Service {
    let posting: PostingLoop
    let stop: StopTakingWork
    let logger: Logger

    /// Logged once posting has stopped for the shutdown, its calls in flight recorded.
    static let stoppedMessage: Logger.Message = "posting stopped: no new calls; the calls in flight were recorded"

    func run() async throws {
        let stop = self.stop
        try await posting.run { stop.isOn || Task.isShuttingDownGracefully }
        guard stop.isOn || Task.isShuttingDownGracefully else { return } // cancelled
        logger.info(Self.stoppedMessage)
        // The group takes a service that ends before it is told to stop for a failure: wait for its turn.
        try? await gracefulShutdown()
    }
}
