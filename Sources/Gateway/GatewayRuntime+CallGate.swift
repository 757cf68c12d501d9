import LeadSquared
import Ledger
import LedgerPostgres
import Observability

/// Which gate the client's calls wait on: with a PostgreSQL ledger the call slots in its database, so that every
/// instance on it stays under the account's limit together; with the SQLite file (one instance) a governor in
/// this process. Both report their waits as `notegate_rate_governor_wait_seconds_total`.
extension GatewayRuntime {
    static func callGate(ledger: any LedgerStore, client configuration: LeadSquaredClient.Configuration,
                         metrics: GatewayMetrics?) -> any CallGate {
        let onWait: @Sendable (Duration) -> Void = { metrics?.recordGovernorWait($0) }
        if let database = ledger as? PostgresLedger {
            return PostgresCallSlots(ledger: database, configuration: configuration, onWait: onWait)
        }
        return RateGovernor(limit: configuration.rateLimit, onWait: onWait)
    }

    /// At start-up, before any call: a shared gate sets up its slots and releases those this instance held
    /// before a restart. A governor in this process has nothing to do.
    func prepareCallGate() async throws {
        guard let slots = client.gate as? PostgresCallSlots else { return }
        try await slots.prepare()
        logger.info("the LeadSquared call limit is shared with every instance on the ledger database",
                    metadata: ["limit": "\(slots.limit)", "instance": "\(slots.owner)"])
    }
}
