/// Runs `work`, giving up after `limit`: then `work` is cancelled and the answer is nil. For the calls that must
/// not wait on a database that does not answer (the pool waits up to a minute for a connection): `/healthz`, the
/// posting loop's look for due posts, and closing.
func withinDeadline<T: Sendable>(_ limit: Duration, _ work: @escaping @Sendable () async throws -> T) async throws
    -> T? {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await work() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        return try await group.next() ?? nil
    }
}
