import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle

/// The HTTP endpoint an operator's tools read: `GET /metrics` (Prometheus text from the registry) and
/// `GET /healthz` (200 `{"status":"ok"}`, or 503 with each problem, from the `health` closure).
///
/// In the daemon, add it to the `ServiceGroup`: ``run()`` serves until graceful shutdown. From a test,
/// `let running = try await server.start()`, talk to `running.port`, then `await running.stop()`.
public struct StatusServer: Service {
    private let configuration: Configuration
    private let responder: RouterResponder<BasicRequestContext>
    private let logger: Logger
    private let onListening: @Sendable (Int) async -> Void

    /// - Parameters:
    ///   - registry: The registry `metrics` were made in (see ``GatewayMetrics/prometheusFactory(registry:)``).
    ///   - metrics: The gateway's metrics; their idle ages are brought up to date before each scrape.
    ///   - health: Asked on every `/healthz` request.
    ///   - onListening: Told the bound port once the server listens (useful with port 0).
    public init(
        configuration: Configuration = Configuration(),
        registry: PrometheusCollectorRegistry,
        metrics: GatewayMetrics,
        health: @escaping @Sendable () async -> HealthReport,
        logger: Logger = Logger(label: "notegate.status", factory: { _ in SwiftLogNoOpLogHandler() }),
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.configuration = configuration
        responder = StatusRouter.make(registry: registry, metrics: metrics, health: health).buildResponder()
        self.logger = logger
        self.onListening = onListening
    }

    /// Serves until the surrounding `ServiceGroup` shuts down gracefully (or the task is cancelled).
    ///
    /// - Throws: ``StatusServerError`` if it cannot listen on the configured address.
    public func run() async throws {
        try await explainingBindFailures {
            try await makeApplication(onListening: onListening).run()
        }
    }

    /// Starts serving in the background and returns once it listens.
    ///
    /// - Throws: ``StatusServerError`` if it cannot listen on the configured address.
    public func start() async throws -> RunningStatusServer {
        let (ports, listening) = AsyncStream.makeStream(of: Int.self)
        let application = makeApplication { listening.yield($0) }
        let running = Task {
            defer { listening.finish() }
            try await application.runService(gracefulShutdownSignals: [])
        }
        guard let port = await ports.first(where: { _ in true }) else {
            try await explainingBindFailures { try await running.value }
            throw CancellationError()
        }
        return RunningStatusServer(port: port, running: running)
    }

    private func explainingBindFailures(_ serve: () async throws -> Void) async throws {
        do {
            try await serve()
        } catch {
            throw StatusServerError.explaining(error, host: configuration.host, port: configuration.port) ?? error
        }
    }

    private func makeApplication(onListening: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let logger = logger
        let host = configuration.host
        return Application(
            responder: responder,
            configuration: ApplicationConfiguration(
                address: .hostname(host, port: configuration.port), serverName: nil
            ),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("Status server listening", metadata: ["host": "\(host)", "port": "\(port)"])
                await onListening(port)
            },
            logger: logger
        )
    }
}
