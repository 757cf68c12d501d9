import Synchronization

/// Runs `work`, giving up after `limit`: then `work` is cancelled and the answer is nil. For the calls that must
/// not wait on a database that does not answer (the pool waits up to a minute for a connection): `/healthz`, the
/// posting loop's look for due posts, and closing.
///
/// The answer comes at the deadline even when `work` ignores its cancellation (a request waiting in the
/// connection pool does): `work` is left to end in its own time, and its late result is dropped. A task group
/// would wait for it.
func withinDeadline<T: Sendable>(_ limit: Duration, _ work: @escaping @Sendable () async throws -> T) async throws
    -> T? {
    let race = DeadlineRace<T>()
    return try await withCheckedThrowingContinuation { continuation in
        race.start(continuation)
        let worker = Task {
            do {
                race.finish(.success(try await work()))
            } catch {
                race.finish(.failure(error))
            }
        }
        Task {
            try? await Task.sleep(for: limit)
            if race.finish(.success(nil)) { worker.cancel() }
        }
    }
}

/// Whichever of the work and the deadline ends first answers; the other is dropped.
private final class DeadlineRace<T: Sendable>: Sendable {
    private let waiting = Mutex<CheckedContinuation<T?, any Error>?>(nil)

    func start(_ continuation: CheckedContinuation<T?, any Error>) {
        waiting.withLock { $0 = continuation }
    }

    /// Answers with `result` unless an answer was given already; returns whether this one was.
    @discardableResult
    func finish(_ result: Result<T?, any Error>) -> Bool {
        guard let continuation = waiting.withLock({ value -> CheckedContinuation<T?, any Error>? in
            defer { value = nil }
            return value
        }) else { return false }
        continuation.resume(with: result)
        return true
    }
}
