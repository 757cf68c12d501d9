import Testing
@testable import Gateway

/// The posters' group commit: whatever queues while a commit runs goes in the next one, and each caller
/// gets its own item's result, only once the commit holding it has returned.
@Suite struct GroupCommitTests {
    @Test func itemsQueuedWhileACommitRunsShareTheNextOneAndKeepTheirOwnResults() async throws {
        let commits = CommitLog()
        let group = GroupCommit<Int, String> { items in
            await commits.begin(items)
            if items == [0] { await commits.waitForRelease() }
            return items.map { $0 == 3 ? .failure(Refused(item: $0)) : .success("saved \($0)") }
        }

        let first = Task { try await group.submit(0) }
        try await waitUntil("the first commit has begun") { await commits.batches == [[0]] }
        let later = (1...5).map { item in Task { try await group.submit(item) } }
        try await waitUntil("five items wait behind the running commit") { await group.queuedCount == 5 }
        #expect(await commits.batches == [[0]], "nothing else commits while the first commit runs")
        await commits.release()

        #expect(try await first.value == "saved 0")
        for (item, task) in zip(1...5, later) where item != 3 {
            #expect(try await task.value == "saved \(item)")
        }
        await #expect(throws: Refused(item: 3), "one item's refusal is its own") { try await later[2].value }
        let batches = await commits.batches
        #expect(batches.count == 2, "\(batches)")
        #expect(Set(batches.last ?? []) == [1, 2, 3, 4, 5])
    }

    @Test func aFailedCommitFailsItsItemsAndTheNextItemCommitsAnew() async throws {
        let commits = CommitLog()
        let group = GroupCommit<Int, String> { items in
            await commits.begin(items)
            if items == [1] { throw Refused(item: 1) }
            return items.map { .success("saved \($0)") }
        }

        await #expect(throws: Refused(item: 1)) { try await group.submit(1) }
        #expect(try await group.submit(2) == "saved 2")
        #expect(await commits.batches == [[1], [2]])
    }

    @Test func groupCommitsSharingATurnNeverCommitAtTheSameTime() async throws {
        let turn = CommitTurn()
        let starts = CommitLog()
        let ends = CommitLog()
        let beginning = GroupCommit<Int, String>(turn: turn) { items in
            await starts.begin(items)
            await starts.waitForRelease()
            return items.map { .success("begun \($0)") }
        }
        let ending = GroupCommit<Int, String>(turn: turn) { items in
            await ends.begin(items)
            return items.map { .success("ended \($0)") }
        }

        let first = Task { try await beginning.submit(1) }
        var second: [Task<String, any Error>] = []
        do {
            try await waitUntil("the first commit holds the turn") { await starts.batches == [[1]] }
            second = (2...3).map { item in Task { try await ending.submit(item) } }
            try await waitUntil("the other group's items wait for the turn") { await ending.queuedCount == 2 }
        } catch {
            await starts.release() // the first commit's task must not wait forever
            throw error
        }
        #expect(await ends.batches.isEmpty, "no commit begins while another holds the turn")
        await starts.release()

        #expect(try await first.value == "begun 1")
        for (item, task) in zip(2...3, second) { #expect(try await task.value == "ended \(item)") }
        #expect(await ends.batches == [[2, 3]], "what waited for the turn commits together")
    }

    @Test func aCommitWithTooFewResultsFailsTheItemsLeftWithout() async throws {
        let group = GroupCommit<Int, String> { _ in [] }

        let error = await #expect(throws: GroupCommitResultMissing.self) { try await group.submit(1) }
        #expect(error?.description.contains("0 results for a batch of 1") == true)
    }
}

private struct Refused: Error, Equatable {
    let item: Int
}

/// The batches committed, in order, and a gate that holds a commit until the test releases it.
private actor CommitLog {
    private(set) var batches: [[Int]] = []
    private var released = false
    private var waiter: CheckedContinuation<Void, Never>?

    func begin(_ items: [Int]) {
        batches.append(items)
    }

    func waitForRelease() async {
        guard !released else { return }
        await withCheckedContinuation { waiter = $0 }
    }

    func release() {
        released = true
        waiter?.resume()
        waiter = nil
    }
}

/// Polls `condition` every 5 ms; fails after 30 seconds naming what never happened.
private func waitUntil(_ what: String, _ condition: () async -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(30)
    while await !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("Waited 30 seconds until \(what).")
            throw CancellationError()
        }
        try await Task.sleep(for: .milliseconds(5))
    }
}
