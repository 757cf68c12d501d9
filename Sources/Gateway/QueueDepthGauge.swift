import Ledger
import Observability
import ServiceLifecycle

/// Keeps the queue-depth gauge (pending + retrying) current by counting the ledger every couple of
/// seconds, instead of on every message on the hot path.
struct QueueDepthGauge: Service {
    let metrics: GatewayMetrics
    let ledger: any LedgerStore
    var interval: Duration = .seconds(2)

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if let counts = try? await ledger.counts() {
                    metrics.setQueueDepth((counts[.pending] ?? 0) + (counts[.retrying] ?? 0))
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
