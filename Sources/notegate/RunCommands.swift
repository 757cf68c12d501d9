import ArgumentParser
import Foundation
import Gateway
import GatewayConfig
import LedgerPostgres
import Logging
import Observability
import Prometheus
import ServiceLifecycle

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the gateway: watch every mailbox and post each eligible message once as an internal note.",
        discussion: """
            Runs until SIGTERM or SIGINT; then it stops taking new mail, lets the calls in flight
            finish and be recorded, and exits 0. Only one process may use a ledger at a time.
            """
    )

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try options.load()
        let logger = LogSetup.bootstrapped(configuration)
        let registry = PrometheusCollectorRegistry()
        let metrics = GatewayMetrics(factory: GatewayMetrics.prometheusFactory(registry: registry))
        let runtime = try await GatewayRuntime.open(configuration: configuration, logger: logger, metrics: metrics)
        var services: [any Service] = []
        if let listen = configuration.observability.listen {
            let (host, port) = try LogSetup.hostAndPort(listen)
            let unreachableAfter = TimeInterval(configuration.observability.mailboxUnreachableSeconds)
            let health = runtime.health
            services.append(StatusServer(configuration: .init(host: host, port: port), registry: registry,
                                         metrics: metrics, health: {
                                             var report = await health.report(unreachableAfter: unreachableAfter)
                                             if let problem = await runtime.ledgerProblem() { report.problems.append(problem) }
                                             return report
                                         },
                                         logger: logger))
        }
        logger.info("notegate started", metadata: [
            "mailboxes": "\(configuration.mailboxes.map(\.name).joined(separator: ","))",
            "ledger": "\(configuration.ledger.url.flatMap { try? PostgresLedgerLocation(url: $0).description } ?? configuration.ledger.path)",
        ])
        if let risk = configuration.senders.openGatewayRisk {
            logger.warning("every sender is accepted: \(risk)")
        }
        do {
            try await runtime.run(extraServices: services)
        } catch {
            await runtime.shutdown()
            throw error
        }
        await runtime.shutdown()
        logger.info("notegate stopped")
    }
}

struct OnceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "once",
        abstract: "One pass over every mailbox: record and post everything new, apply mailbox actions, exit.",
        discussion: """
            Exit status 0 when everything ended posted or skipped; 1 when anything ended dead or
            uncertain in this pass (see `notegate ledger list --state dead`), a mailbox was parked (its
            server refused its configuration; the reason is printed), or the configuration failed.
            """
    )

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try options.load()
        let logger = LogSetup.bootstrapped(configuration)
        let runtime = try await GatewayRuntime.open(configuration: configuration, logger: logger)
        let terminal = isatty(STDERR_FILENO) == 1
        let started = ContinuousClock.now
        let summary: RunSummary
        do {
            summary = try await runtime.runOnce { done, total in
                guard terminal, total > 0 else { return }
                FileHandle.standardError.write(Data(ProgressLine.render(done: done, total: total,
                                                                        elapsed: ContinuousClock.now - started).utf8))
            }
        } catch {
            await runtime.shutdown()
            throw error
        }
        await runtime.shutdown()
        if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
        print(TerminalText.sanitized("notegate once: \(summary.description)"))
        if !summary.isClean { throw ExitCode(1) }
    }
}

/// `\r312 / 1000 notes, 4.9/s, ETA 2m20s` for a backlog on a terminal.
enum ProgressLine {
    static func render(done: Int, total: Int, elapsed: Duration) -> String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(done) / seconds : 0
        let eta = rate > 0 ? Int(Double(total - done) / rate) : nil
        let etaText = eta.map { " ETA \($0 / 60)m\(String(format: "%02d", $0 % 60))s" } ?? ""
        // The carriage return is the line's own, to redraw it; the rest goes through the one sanitiser.
        return "\r" + TerminalText.sanitized("\(done) / \(total) notes, \(String(format: "%.1f", rate))/s\(etaText)   ")
    }
}

enum LogSetup {
    /// Sets up swift-log once for the process from the config's observability settings.
    static func bootstrapped(_ configuration: GatewayConfiguration) -> Logger {
        let level = Logger.Level(rawValue: configuration.observability.logLevel) ?? .info
        LoggingSetup.bootstrap(format: configuration.observability.logFormat == .json ? .json : .text, level: level)
        var logger = Logger(label: "notegate")
        logger.logLevel = level
        return logger
    }

    /// `127.0.0.1:9464` → ("127.0.0.1", 9464).
    static func hostAndPort(_ listen: String) throws -> (String, Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
            throw ValidationError("`observability.listen` \(listen) is not host:port")
        }
        return (String(listen[..<colon]), port)
    }
}
