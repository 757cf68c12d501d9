/// Gathers the posters' ledger transitions so that those made at about the same time commit in one
/// transaction: the first starts a commit at once, and whatever queues while it runs goes in the next.
/// With many posters the writer then sees one transaction per burst, not one per call, and intake gets
/// its turns.
///
/// Each caller gets its own entry's result once the transaction holding it has committed, so waiting for
/// `submit` is as durable as a single call; one entry's refused transition is its own error only. A
/// submitted transition is committed even if the submitting task is cancelled meanwhile.
///
/// Group commits that share a ``CommitTurn`` take turns: while one commits, the others gather, so they
/// keep at most one transaction waiting for the writer between them, and intake's transactions wait
/// behind one of theirs at most.
actor GroupCommit<Item: Sendable, Saved: Sendable> {
    typealias Results = [Result<Saved, any Error>]
    private typealias Waiter = CheckedContinuation<Result<Saved, any Error>, Never>

    private let commit: @Sendable ([Item]) async throws -> Results
    private let turn: CommitTurn?
    private var queued: [(item: Item, waiter: Waiter)] = []
    private var committing = false

    /// `commit` records a batch in one transaction, one result per item in order; with `turn`, only while
    /// holding it.
    init(turn: CommitTurn? = nil, commit: @escaping @Sendable ([Item]) async throws -> Results) {
        self.turn = turn
        self.commit = commit
    }

    /// How many items wait for the next commit.
    var queuedCount: Int { queued.count }

    /// Queues `item` for the next commit and returns it as saved once that commit is durable.
    func submit(_ item: Item) async throws -> Saved {
        let result = await withCheckedContinuation { (waiter: Waiter) in
            queued.append((item, waiter))
            if !committing {
                committing = true
                Task { await self.commitQueued() }
            }
        }
        return try result.get()
    }

    /// Commits batch after batch until nothing is queued; the actor takes new items while each commit runs.
    private func commitQueued() async {
        while !queued.isEmpty {
            // What queues while the turn is elsewhere goes in this batch too.
            await turn?.take()
            let batch = queued
            queued = []
            let results: Results
            do {
                results = try await commit(batch.map(\.item))
            } catch {
                results = Array(repeating: .failure(error), count: batch.count)
            }
            await turn?.pass()
            for (index, entry) in batch.enumerated() {
                entry.waiter.resume(returning: index < results.count ? results[index]
                                        : .failure(GroupCommitResultMissing(batchSize: batch.count,
                                                                            results: results.count)))
            }
        }
        committing = false
    }
}

/// The right to commit, shared by group commits that should not wait for the writer at the same time:
/// taken in the order asked for, one holder at a time.
actor CommitTurn {
    private var held = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init() {}

    /// Returns once the turn is this caller's.
    func take() async {
        guard held else {
            held = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Hands the turn to the next caller waiting, if any.
    func pass() {
        if waiting.isEmpty {
            held = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}

/// The ledger returned fewer results than the batch had items: a backend's batch call broke its contract.
struct GroupCommitResultMissing: Error, CustomStringConvertible {
    let batchSize: Int
    let results: Int

    var description: String {
        "the ledger returned \(results) results for a batch of \(batchSize) posting transitions; "
            + "the transitions without a result may or may not be recorded (check `notegate ledger list`)"
    }
}
