import Foundation
import Hummingbird
import Logging

/// A local identity provider on 127.0.0.1 that issues and checks OAuth2 tokens the way Microsoft Entra ID and
/// Google do, for tests and `notegate idp-sandbox`. From a test: `try await IdentitySandboxServer.start(...)`,
/// steer `server.directory`, then `await server.stop()`.
public final class IdentitySandboxServer: Sendable {
    public let directory: IdentityDirectory
    public let port: Int
    private let running: Task<Void, any Error>

    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }
    /// The token endpoint (also the `aud` a JWT assertion must carry).
    public var tokenURL: URL { baseURL.appendingPathComponent("token") }
    public var deviceAuthorizationURL: URL { baseURL.appendingPathComponent("devicecode") }
    /// Where Dovecot's oauth2 passdb checks tokens (`introspection_url`, `introspection_mode = post`).
    public var introspectionURL: URL { baseURL.appendingPathComponent("introspect") }

    private init(directory: IdentityDirectory, port: Int, running: Task<Void, any Error>) {
        self.directory = directory
        self.port = port
        self.running = running
    }

    /// Starts a server in the background and returns once it listens.
    public static func start(
        _ configuration: IdentitySandboxConfiguration,
        logger: Logger = Logger(label: "notegate.idp-sandbox", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws -> IdentitySandboxServer {
        let directory = IdentityDirectory(configuration: configuration)
        let (ports, listening) = AsyncStream.makeStream(of: Int.self)
        let application = makeApplication(directory: directory, logger: logger) { listening.yield($0) }
        let running = Task {
            defer { listening.finish() }
            try await application.runService(gracefulShutdownSignals: [])
        }
        var listened = ports.makeAsyncIterator()
        guard let port = await listened.next() else {
            try await running.value
            throw CancellationError()
        }
        return IdentitySandboxServer(directory: directory, port: port, running: running)
    }

    public func stop() async {
        running.cancel()
        _ = await running.result
    }

    /// Runs a server in the foreground until SIGINT or SIGTERM; `onListening` gets the port once it listens.
    public static func run(
        _ configuration: IdentitySandboxConfiguration, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void
    ) async throws {
        let directory = IdentityDirectory(configuration: configuration)
        try await makeApplication(directory: directory, logger: logger, onListening: onListening).runService()
    }

    private static func makeApplication(
        directory: IdentityDirectory, logger: Logger, onListening: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        Application(
            responder: IdentityResponder(directory: directory),
            configuration: ApplicationConfiguration(
                address: .hostname("127.0.0.1", port: directory.configuration.port), serverName: nil
            ),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger
        )
    }
}
