import Prometheus

extension GatewayMetrics {
    /// The factory to make these metrics with in production: Prometheus over `registry`, with the post latency
    /// histogram's buckets (50 ms to 30 s) instead of the library's defaults, which stop at 10 s.
    public static func prometheusFactory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[Name.postLatency] = postLatencyBuckets
        return factory
    }
}
