import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A local stand-in for the LeadSquared Service CRM API on 127.0.0.1, for tests, the demo and benchmarks.
///
/// From a test: `let sandbox = try await SandboxServer.start(configuration)`, talk to `sandbox.baseURL`, read
/// `sandbox.account`, then `await sandbox.stop()`. From a terminal: ``run(_:logger:onListening:)`` until
/// SIGINT or SIGTERM.
///
/// Both ways stop the same way, gracefully: held and delayed calls are cut short first (a held call's
/// connection is closed, a delayed call is answered), then the server stops accepting, answers what it has
/// read and closes every connection. The task running the server is never cancelled: cancelling it can drop a
/// connection accepted but not yet served, which traps in SwiftNIO ("Deinited NIOAsyncWriter without calling
/// finish()") and takes the whole process down.
public final class SandboxServer: Sendable {
    /// The account behind the server: its notes, stats and faults.
    public let account: SandboxAccount
    /// The port it listens on.
    public let port: Int
    private let services: ServiceGroup
    private let running: Task<Void, any Error>

    /// `http://127.0.0.1:{port}`, the host to give the client.
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    private init(account: SandboxAccount, port: Int, services: ServiceGroup, running: Task<Void, any Error>) {
        self.account = account
        self.port = port
        self.services = services
        self.running = running
    }

    /// Starts a server in the background and returns once it listens.
    public static func start(
        _ configuration: SandboxConfiguration = SandboxConfiguration(),
        logger: Logger = Logger(label: "notegate.sandbox", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws -> SandboxServer {
        let account = SandboxAccount(configuration: configuration)
        let (ports, listening) = AsyncStream.makeStream(of: Int.self)
        let services = makeServices(account: account, stopsOnSignals: false, logger: logger) { listening.yield($0) }
        let running = Task {
            defer { listening.finish() }
            try await services.run()
        }
        var listened = ports.makeAsyncIterator()
        guard let port = await listened.next() else {
            // The server stopped before it listened: rethrow why (a port in use, say), or else it was cancelled.
            try await running.value
            throw CancellationError()
        }
        return SandboxServer(account: account, port: port, services: services, running: running)
    }

    /// Stops listening, cuts held and delayed calls short, answers what was read and closes every connection;
    /// returns once the server has stopped.
    public func stop() async {
        await services.triggerGracefulShutdown()
        _ = await running.result
    }

    /// Runs a server in the foreground until SIGINT or SIGTERM; `onListening` gets the port once it listens.
    public static func run(
        _ configuration: SandboxConfiguration, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void
    ) async throws {
        let account = SandboxAccount(configuration: configuration)
        try await makeServices(account: account, stopsOnSignals: true, logger: logger, onListening: onListening).run()
    }

    /// The server and the release of held calls, in the order they start; they stop in reverse, so held calls
    /// are released before the server waits for its connections to finish. With `stopsOnSignals`, SIGINT and
    /// SIGTERM stop them.
    private static func makeServices(
        account: SandboxAccount, stopsOnSignals: Bool, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void
    ) -> ServiceGroup {
        let application = makeApplication(account: account, logger: logger, onListening: onListening)
        return ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [application, HeldCallRelease(account: account)],
                gracefulShutdownSignals: stopsOnSignals ? [.sigint, .sigterm] : [], logger: logger
            )
        )
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

/// Waits for the graceful shutdown, then cuts every held or delayed call short (and any later one).
private struct HeldCallRelease: Service {
    let account: SandboxAccount

    func run() async throws {
        try? await gracefulShutdown()
        await account.releaseHeldCalls()
    }
}
