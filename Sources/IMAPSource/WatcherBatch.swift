import Logging

/// A batch the pipeline has begun (`MailboxWatcher.run(preparing:events:)`): marked in hand and parsed, say,
/// while the batch before it is still being recorded. The watcher calls `finish` once every batch before
/// this one has finished, or `abandon` when it will not finish it (a batch before it failed, the pass ended).
public struct PreparedBatch: Sendable {
    let finish: @Sendable () async throws -> [MessageOutcome]
    let abandon: @Sendable () async -> Void
    let holdsLaterBatches: Bool

    /// `finish` completes the batch and returns one outcome per message, in order; once it returned, the
    /// batch must be durable (its mailbox actions are applied then). `abandon` gives back what preparing it
    /// took. With `holdsLaterBatches`, no later batch is prepared until this one has finished: its `finish`
    /// does the work that preparing does for the others (the gateway's batch that goes one message at a time,
    /// each marked in hand just before it is parsed, must be the only thing in hand while it is parsed).
    public init(finish: @escaping @Sendable () async throws -> [MessageOutcome],
                abandon: @escaping @Sendable () async -> Void = {}, holdsLaterBatches: Bool = false) {
        self.finish = finish
        self.abandon = abandon
        self.holdsLaterBatches = holdsLaterBatches
    }
}

/// How `MailboxWatcher` hands batches over: `begin` may run while the batch before is finished; what it
/// returns is finished in UID order, one batch at a time. An error of `begin` comes out of `finish`, in order.
struct BatchStages: Sendable {
    let begin: @Sendable ([FetchedMessage]) async -> BegunBatch
}

/// A batch past `BatchStages.begin`.
struct BegunBatch: Sendable {
    /// The outcomes of the messages handled, in order, and the error that stopped the handler, if any.
    let finish: @Sendable () async -> HandledBatch
    /// The batch will not be finished: gives back what beginning it took.
    let abandon: @Sendable () async -> Void
    /// No later batch is begun until this one has finished (`PreparedBatch.holdsLaterBatches`).
    let holdsLaterBatches: Bool

    init(finish: @escaping @Sendable () async -> HandledBatch, abandon: @escaping @Sendable () async -> Void = {},
         holdsLaterBatches: Bool = false) {
        self.finish = finish
        self.abandon = abandon
        self.holdsLaterBatches = holdsLaterBatches
    }
}

/// The outcomes of a batch's messages, in order, and the error that stopped the handler, if any (the
/// actions of the outcomes before it are still applied).
struct HandledBatch: Sendable {
    var outcomes: [MessageOutcome]
    var failure: (any Error)?
}

/// A batch handler returned a number of outcomes other than the number of messages it was given.
struct OutcomeCountMismatch: Error, CustomStringConvertible {
    let messages: Int
    let outcomes: Int

    var description: String {
        "the batch handler returned \(outcomes) outcomes for \(messages) messages; none of them was applied, "
            + "and the batch is handed over again after a restart (one outcome per message, in order, is the contract)"
    }
}

/// The UIDs of one batch split before its fetch: those to fetch, and those whose fetch failed
/// `MailboxWatcher.fetchAttemptLimit` times, handed over unreadable without being fetched again.
struct BatchPlan: Sendable {
    let uidValidity: UInt32
    var readable: [UInt32] = []
    var unreadable: [FetchedMessage] = []

    init(_ uids: [UInt32], of mailbox: MailboxKey, under checkpoint: Checkpoint, _ fetchFailures: FetchFailures,
         logger: Logger) {
        uidValidity = checkpoint.uidValidity
        for uid in uids {
            guard let detail = fetchFailures.unreadableDetail(uid, uidValidity: uidValidity) else {
                readable.append(uid)
                continue
            }
            logger.error("message handed over unreadable: its fetch failed too many times", metadata: [
                "uid": "\(uid)", "uidvalidity": "\(uidValidity)", "detail": "\(detail)",
            ])
            var message = FetchedMessage(mailbox: mailbox, uidValidity: uidValidity,
                                         uid: uid, size: 0, flags: [], raw: [], isTooLarge: false,
                                         isBeforeStart: uid < checkpoint.startUID)
            message.unreadableDetail = detail
            unreadable.append(message)
        }
    }
}

/// One batch as its fetch left it: the messages, or the error of its UID FETCH.
struct FetchedBatch: Sendable {
    let plan: BatchPlan
    let fetched: Result<[FetchedMessage], any Error>

    /// The batch's messages in UID order, the unreadable ones among them. A reply over its budget counts
    /// against the message when it was fetched alone; for a larger batch the next passes fetch one
    /// message at a time to find the one it belongs to.
    func messages(recordingFailuresIn fetchFailures: inout FetchFailures) throws -> [FetchedMessage] {
        switch fetched {
        case .success(let messages):
            return (messages + plan.unreadable).sorted { $0.uid < $1.uid }
        case .failure(let error as IMAPError) where error.code == .replyOverBudget:
            if plan.readable.count == 1 {
                fetchFailures.record(error.message, for: plan.readable[0], uidValidity: plan.uidValidity)
            } else {
                fetchFailures.fetchesOneAtATime = true
            }
            throw error
        case .failure(let error):
            throw error
        }
    }
}
