import Foundation
import GatewayConfig
import Ledger
import LedgerPostgres
import Logging
import Observability

/// Picks the ledger backend from the config: the PostgreSQL ledger of `ledger.url` when set, otherwise the
/// SQLite file at `ledger.path` (the default, unchanged).
extension GatewayRuntime {
    /// Connects to the ledger the config names (migrating a PostgreSQL ledger), then builds the runtime.
    public static func open(configuration: GatewayConfiguration, logger: Logger, metrics: GatewayMetrics? = nil,
                            observer: @escaping @Sendable (GatewayEvent) async -> Void = { _ in }) async throws
        -> GatewayRuntime {
        guard let url = configuration.ledger.url else {
            return try GatewayRuntime(configuration: configuration, logger: logger, metrics: metrics, observer: observer)
        }
        let location = try PostgresLedgerLocation(url: url, poolSize: configuration.ledger.poolSize)
        let ledger = try await PostgresLedger.open(location, owner: configuration.ledger.instance,
                                                   logger: logger.child("notegate.ledger"))
        logger.info("ledger on PostgreSQL", metadata: ["ledger": "\(location)", "instance": "\(ledger.owner)"])
        return try GatewayRuntime(configuration: configuration, logger: logger, metrics: metrics, ledger: ledger,
                                  observer: observer)
    }

    /// Closes a PostgreSQL ledger; nothing for a SQLite file.
    func closeSharedLedger() async {
        await (ledger as? PostgresLedger)?.close()
    }

    /// `/healthz`: a PostgreSQL ledger that does not answer within 2 s is a problem; the SQLite file has none.
    public func ledgerProblem(now: Date = Date()) async -> HealthReport.Problem? {
        guard let database = ledger as? PostgresLedger, !(await database.ping()) else { return nil }
        return HealthReport.Problem(component: "ledger",
                                    reason: "the ledger database \(database.location) does not answer; "
                                        + "check that PostgreSQL is running and reachable", since: now)
    }
}
