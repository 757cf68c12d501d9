import Synchronization

/// Which messages may be in hand at once in this process, for the poison-message guard. A death counts
/// against every message in hand, so a message handled alone (after a crash: one that was in hand when the
/// process died, or a neighbour of it) must be the only thing in hand while it is parsed, in every folder and
/// mailbox of the process; otherwise a poison message elsewhere would count a second death against it, and an
/// innocent message would be dead-lettered. Batches may be in hand together, and a message handled alone
/// waits until none is; batches asking meanwhile wait behind it (it is never starved), then go together.
///
/// No wait forms a cycle: a batch in hand waits only for the batches of its folder before it, which are in
/// hand already or finishing; a watcher begins no batch while a batch of its folder that goes one message
/// at a time is unfinished (`PreparedBatch.holdsLaterBatches`); and a pass cut short abandons the batches it
/// will not finish at once, not after a batch still being begun (perhaps waiting here) has returned. Parsing
/// is bounded (the hostile-input budgets), so a message alone holds the others for one bounded parse.
actor InHandGate {
    private var batchesInHand = 0
    private var aloneInHand = false
    private var waitingAlone: [CheckedContinuation<Void, Never>] = []
    private var waitingBatches: [CheckedContinuation<Void, Never>] = []

    /// Returns once a batch may be marked in hand; `BatchPass.release()` ends it.
    func enterBatch() async -> BatchPass {
        if aloneInHand || !waitingAlone.isEmpty {
            await withCheckedContinuation { waitingBatches.append($0) } // counted by `leaveAlone`
        } else {
            batchesInHand += 1
        }
        return BatchPass(self)
    }

    fileprivate func leaveBatch() {
        batchesInHand -= 1
        admitAlone()
    }

    /// Runs `body` with nothing else in hand in this process.
    func alone<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await enterAlone()
        do {
            let result = try await body()
            leaveAlone()
            return result
        } catch {
            leaveAlone()
            throw error
        }
    }

    private func enterAlone() async {
        if aloneInHand || batchesInHand > 0 {
            await withCheckedContinuation { waitingAlone.append($0) } // admitted by `admitAlone`
        } else {
            aloneInHand = true
        }
    }

    private func leaveAlone() {
        aloneInHand = false
        admitAlone()
        guard !aloneInHand else { return }
        batchesInHand += waitingBatches.count
        let admitted = waitingBatches
        waitingBatches = []
        for batch in admitted { batch.resume() }
    }

    private func admitAlone() {
        guard !aloneInHand, batchesInHand == 0, !waitingAlone.isEmpty else { return }
        aloneInHand = true
        waitingAlone.removeFirst().resume()
    }

    /// For tests: batches in hand, whether a message is in hand alone, and how many wait for each.
    var state: (batches: Int, alone: Bool, waitingBatches: Int, waitingAlone: Int) {
        (batchesInHand, aloneInHand, waitingBatches.count, waitingAlone.count)
    }
}

/// A batch's leave to be in hand (`InHandGate.enterBatch()`), given back once by `release()`; a pass dropped
/// without it is given back all the same, so that a path that forgets it cannot stall every later message
/// handled alone.
final class BatchPass: Sendable {
    private let gate: InHandGate
    private let released = Mutex(false)

    fileprivate init(_ gate: InHandGate) {
        self.gate = gate
    }

    /// Gives the leave back; only the first call does anything.
    func release() async {
        guard takeRelease() else { return }
        await gate.leaveBatch()
    }

    private func takeRelease() -> Bool {
        released.withLock { wasReleased in
            defer { wasReleased = true }
            return !wasReleased
        }
    }

    deinit {
        guard takeRelease() else { return }
        let gate = gate
        Task { await gate.leaveBatch() }
    }
}
