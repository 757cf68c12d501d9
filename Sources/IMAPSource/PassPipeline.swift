/// What a task of a pass reports when its stage of a batch is done (`MailboxWatcher`'s pass pipeline).
enum PassStep: Sendable {
    case fetched(Int, FetchedBatch)
    case begun(Int, [FetchedMessage], BegunBatch)
    case finished(Int, [FetchedMessage], HandledBatch)
    case settled(Int, [SettledAction], (any Error)?)
}

/// The bookkeeping of one pass of a `MailboxWatcher`: which batch is in which stage, which stage may take
/// the next batch, and what ends the pass. Batches are numbered from 0 in UID order. Each stage (fetch,
/// begin, finish, settle) takes them in that order, one at a time, so a batch is finished only after the
/// batch before it finished, and settled (its actions applied) only after it finished and the batch before
/// it settled. At most `inFlight` batches are fetched or being fetched and not settling yet. No batch is begun
/// while a batch begun before it that holds later batches has not finished.
struct PassPipeline {
    let inFlight: Int
    private(set) var nextFetch = 0
    private(set) var nextBegin = 0
    private(set) var nextFinish = 0
    private(set) var nextSettle = 0
    private var fetching = false
    /// A batch is being begun; set by the pass once it started the task.
    var beginning = false
    /// A begun batch that holds later batches (`BegunBatch.holdsLaterBatches`) until it has finished.
    private var heldBy: Int?
    private var finishing = false
    private var settling = false
    private var fetched: [Int: FetchedBatch] = [:]
    private var begun: [Int: (ready: [FetchedMessage], batch: BegunBatch)] = [:]
    private var finished: [Int: (settled: [SettledAction], failed: Bool)] = [:]
    /// Batches from `end` on are not handed over in this pass.
    private(set) var end: Int
    /// What ends the pass, once every batch before `end` is settled.
    private(set) var failure: (any Error)?
    /// The problem of the message whose partial answer ended the pass, to count against it.
    private(set) var fetchProblemThatEnded: (problem: String, uid: UInt32, uidValidity: UInt32)?

    init(batchCount: Int, inFlight: Int) {
        end = batchCount
        self.inFlight = max(1, inFlight)
    }

    /// Ends the pass before batch `index` with `error`, unless it already ends before an earlier batch. At
    /// the same batch the later error wins: a batch's handling fails after its fetch problem was seen, and
    /// applying its actions after its handling failed; the fetch problem is still counted against its message
    /// then (a handling that fails every pass must not keep it from reaching its limit).
    mutating func stop(before index: Int, _ error: any Error) {
        guard index <= end else { return }
        if index < end { fetchProblemThatEnded = nil }
        end = index
        failure = error
    }

    /// The batch whose fetch starts now, if one may.
    mutating func fetchToStart() -> Int? {
        guard !fetching, nextFetch < end, nextFetch - nextSettle < inFlight else { return nil }
        fetching = true
        defer { nextFetch += 1 }
        return nextFetch
    }

    mutating func fetched(_ batch: FetchedBatch, at index: Int) {
        fetching = false
        if index < end { fetched[index] = batch }
    }

    /// The fetched batch to begin now, if one may.
    mutating func fetchedToBegin() -> (Int, FetchedBatch)? {
        guard !beginning, heldBy == nil, nextBegin < end,
              let batch = fetched.removeValue(forKey: nextBegin) else { return nil }
        defer { nextBegin += 1 }
        return (nextBegin, batch)
    }

    /// The messages of a fetched batch to hand over: never one the server answered for only in part, nor
    /// any after it. A failed fetch ends the pass before the batch; a partial answer ends it after the
    /// messages before that message.
    mutating func handOverPart(of batch: FetchedBatch, at index: Int,
                               _ fetchFailures: inout FetchFailures) -> [FetchedMessage] {
        let messages: [FetchedMessage]
        do {
            messages = try batch.messages(recordingFailuresIn: &fetchFailures)
        } catch {
            stop(before: index, error)
            return []
        }
        let ready = Array(messages.prefix { $0.fetchProblem == nil })
        if ready.count < messages.count, let problem = messages[ready.count].fetchProblem {
            let message = messages[ready.count]
            stop(before: ready.isEmpty ? index : index + 1, IMAPError(.commandFailed, problem))
            fetchProblemThatEnded = (problem, message.uid, message.uidValidity)
        }
        return ready
    }

    /// Keeps a begun batch until it may be finished; false when the pass ends before it (abandon it).
    mutating func begun(_ batch: BegunBatch, with ready: [FetchedMessage], at index: Int) -> Bool {
        beginning = false
        guard index < end else { return false }
        begun[index] = (ready, batch)
        if batch.holdsLaterBatches { heldBy = index }
        return true
    }

    /// The begun batch to finish now, if one may.
    mutating func begunToFinish() -> (Int, [FetchedMessage], BegunBatch)? {
        guard !finishing, nextFinish < end, let entry = begun.removeValue(forKey: nextFinish) else { return nil }
        finishing = true
        defer { nextFinish += 1 }
        return (nextFinish, entry.ready, entry.batch)
    }

    /// A batch's outcomes, to settle; a failure ends the pass after it (the outcomes it has are settled).
    mutating func finished(_ handled: HandledBatch, of ready: [FetchedMessage], at index: Int) {
        finishing = false
        if heldBy == index { heldBy = nil }
        let settled = zip(ready, handled.outcomes).map { message, outcome in
            SettledAction(uid: message.uid, uidValidity: message.uidValidity, outcome: outcome)
        }
        finished[index] = (settled, handled.failure != nil)
        if let failure = handled.failure { stop(before: index + 1, failure) }
    }

    /// The finished batch to settle now, if one may, and whether its handling failed.
    mutating func finishedToSettle() -> (Int, [SettledAction], Bool)? {
        guard !settling, nextSettle < end, let entry = finished.removeValue(forKey: nextSettle) else { return nil }
        settling = true
        defer { nextSettle += 1 }
        return (nextSettle, entry.settled, entry.failed)
    }

    mutating func settled(at index: Int, _ error: (any Error)?) {
        settling = false
        if let error { stop(before: index, error) }
    }

    /// The batches begun that the pass, cut short, will not finish, in UID order: abandoned at once, not once the
    /// pass's other tasks are done, because one of those may wait for what beginning them took (the gateway's
    /// leave to be in hand, which a message handled alone in another folder waits for, and a batch being begun
    /// waits behind that message).
    mutating func takeStranded() -> [BegunBatch] {
        let stranded = begun.filter { $0.key >= end }
        guard !stranded.isEmpty else { return [] }
        begun = begun.filter { $0.key < end }
        return stranded.sorted { $0.key < $1.key }.map(\.value.batch)
    }

    /// The batches begun that will not be finished, in UID order; once the pass's tasks are done.
    mutating func leftOver() -> [BegunBatch] {
        defer { begun = [:] }
        return begun.sorted { $0.key < $1.key }.map(\.value.batch)
    }
}
