import Metrics
import Prometheus

extension GatewayMetrics {
    /// The factory to make these metrics with in production: Prometheus over `registry`, every metric with its
    /// `# HELP` line (``help``), and the post latency histogram's buckets (50 ms to 30 s) instead of the
    /// library's defaults, which stop at 10 s.
    public static func prometheusFactory(registry: PrometheusCollectorRegistry) -> PrometheusFactoryWithHelp {
        PrometheusFactoryWithHelp(registry: registry, help: help,
                                  durationBuckets: [Name.postLatency: postLatencyBuckets])
    }

    /// What each metric counts, as its `# HELP` line says it to whoever reads `/metrics`.
    static let help: [String: String] = [
        Name.messagesSeen: "Messages recorded in the ledger for the first time, by mailbox; a message fetched again "
            + "(after a restart, from another folder, a copy with the same Message-ID) is not counted again.",
        Name.messagesPosted: "Notes on their ticket: ledger entries that became posted.",
        Name.messagesSkipped: "Messages that will not be posted, by skip reason (no-ticket, auto-reply, ...).",
        Name.messagesDead: "Messages dead-lettered: posting failed for good or the message could not be handled; "
            + "a person has to look (notegate ledger list --state dead).",
        Name.messagesUncertain: "Posts that may or may not be on the ticket: the request was sent and no answer came, "
            + "or the process stopped during the call (counted when the next start finds it).",
        Name.apiCalls: "Calls made to post a note, by how the call ended.",
        Name.apiRateLimited: "Calls the API answered 429 (call limit reached).",
        Name.rateGovernorWait: "Seconds calls waited for the rate governor before they were sent.",
        Name.imapReconnects: "Sessions to the mailbox opened again after an earlier session was lost or refused; "
            + "neither the first connection nor failed attempts are counted.",
        Name.imapIdleAge: "Seconds since the mailbox last woke up (an IDLE notification or a poll).",
        Name.mailboxParked: "Folders of the mailbox parked now because the server refused their configuration.",
        Name.mailboxParkings: "Times the server refused the mailbox's configuration (a wrong password, an untrusted "
            + "certificate, STARTTLS refused, a folder that does not exist) and a folder was parked.",
        Name.queueDepth: "Ledger entries waiting to be posted (pending or retrying), sampled every 2 seconds.",
        Name.postLatency: "Seconds from sending a post call to its answer or failure (governor wait not included).",
    ]
}

/// A swift-metrics factory over a Prometheus registry, like `PrometheusMetricsFactory`, that also gives each metric
/// its help text, so `/metrics` says what every series counts.
public struct PrometheusFactoryWithHelp: MetricsFactory {
    let registry: PrometheusCollectorRegistry
    let help: [String: String]
    let durationBuckets: [String: [Duration]]
    let defaultDurationBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]
    let defaultValueBuckets: [Double] = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]

    private func descriptor(_ label: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: label, unitName: "", helpText: help[label] ?? "")
    }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard aggregate else { return registry.makeGauge(descriptor: descriptor(label), labels: dimensions) }
        return registry.makeValueHistogram(descriptor: descriptor(label), labels: dimensions, buckets: defaultValueBuckets)
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        registry.makeDurationHistogram(descriptor: descriptor(label), labels: dimensions,
                                       buckets: durationBuckets[label] ?? defaultDurationBuckets)
    }

    public func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    public func destroyRecorder(_ handler: any RecorderHandler) {
        switch handler {
        case let gauge as Prometheus.Gauge: registry.unregisterGauge(gauge)
        case let histogram as ValueHistogram: registry.unregisterValueHistogram(histogram)
        default: break
        }
    }

    public func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    public func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? DurationHistogram { registry.unregisterDurationHistogram(histogram) }
    }
}
