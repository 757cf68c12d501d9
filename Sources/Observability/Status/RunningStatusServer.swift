/// A ``StatusServer`` serving in the background, from ``StatusServer/start()``.
public final class RunningStatusServer: Sendable {
    /// The port it listens on.
    public let port: Int
    private let running: Task<Void, any Error>

    init(port: Int, running: Task<Void, any Error>) {
        self.port = port
        self.running = running
    }

    /// Stops listening and drops every connection.
    public func stop() async {
        running.cancel()
        _ = await running.result
    }
}
