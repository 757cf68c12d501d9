/// Wakes the posting loop when the intake has queued something, so new notes go out at once
/// instead of at the next poll.
public actor Doorbell {
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var rung = false

    public init() {}

    public func ring() {
        rung = true
        let waiting = waiters
        waiters.removeAll()
        waiting.forEach { $0.resume() }
    }

    /// Returns when rung (or at once if it rang since the last wait), or after `timeout`.
    public func wait(upTo timeout: Duration) async {
        if rung {
            rung = false
            return
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.suspendUntilRung() }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
            releaseWaiters()
        }
        rung = false
    }

    private func suspendUntilRung() async {
        await withCheckedContinuation { waiters.append($0) }
    }

    private func releaseWaiters() {
        let waiting = waiters
        waiters.removeAll()
        waiting.forEach { $0.resume() }
    }
}
