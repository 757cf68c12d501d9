import Foundation
import Hummingbird
import Logging
import NIOCore

/// A local stand-in for the LeadSquared Service CRM API on 127.0.0.1, for tests, the demo and benchmarks.
///
/// From a test: `let sandbox = try await SandboxServer.start(configuration)`, talk to `sandbox.baseURL`, read
/// `sandbox.account`, then `await sandbox.stop()`. From a terminal: ``run(_:logger:onListening:)`` until
/// SIGINT or SIGTERM.
public final class SandboxServer: Sendable {
    /// The account behind the server: its notes, stats and faults.
    public let account: SandboxAccount
    /// The port it listens on.
    public let port: Int
    private let running: Task<Void, any Error>

    /// `http://127.0.0.1:{port}`, the host to give the client.
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    private init(account: SandboxAccount, port: Int, running: Task<Void, any Error>) {
        self.account = account
        self.port = port
        self.running = running
    }

    /// Starts a server in the background and returns once it listens.
    public static func start(
        _ configuration: SandboxConfiguration = SandboxConfiguration(),
        logger: Logger = Logger(label: "notegate.sandbox", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws -> SandboxServer {
        let account = SandboxAccount(configuration: configuration)
        let (ports, listening) = AsyncStream.makeStream(of: Int.self)
        let application = makeApplication(account: account, logger: logger) { listening.yield($0) }
        let running = Task {
            defer { listening.finish() }
            try await application.runService(gracefulShutdownSignals: [])
        }
        var listened = ports.makeAsyncIterator()
        guard let port = await listened.next() else {
            // The server stopped before it listened: rethrow why (a port in use, say), or else it was cancelled.
            try await running.value
            throw CancellationError()
        }
        return SandboxServer(account: account, port: port, running: running)
    }

    /// Stops listening and drops every connection, held calls included.
    public func stop() async {
        running.cancel()
        _ = await running.result
    }

    /// Runs a server in the foreground until SIGINT or SIGTERM; `onListening` gets the port once it listens.
    public static func run(
        _ configuration: SandboxConfiguration, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void
    ) async throws {
        let account = SandboxAccount(configuration: configuration)
        try await makeApplication(account: account, logger: logger, onListening: onListening).runService()
    }

    private static func makeApplication(
        account: SandboxAccount, logger: Logger, onListening: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        Application(
            responder: SandboxResponder(account: account),
            configuration: ApplicationConfiguration(
                address: .hostname("127.0.0.1", port: account.configuration.port), serverName: nil
            ),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger
        )
    }
}
