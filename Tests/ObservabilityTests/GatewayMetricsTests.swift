import Foundation
import Observability
import Prometheus
import Testing

@Suite struct GatewayMetricsTests {
    let registry = PrometheusCollectorRegistry()
    let metrics: GatewayMetrics

    init() {
        metrics = GatewayMetrics(factory: GatewayMetrics.prometheusFactory(registry: registry))
    }

    @Test func messageCountsCarryTheirMailboxAndReason() {
        metrics.recordSeen(mailbox: "support/INBOX")
        metrics.recordSeen(mailbox: "support/INBOX")
        metrics.recordSeen(mailbox: "billing/INBOX")
        metrics.recordSkip(reason: "auto-reply")
        metrics.recordSkip(reason: "auto-reply")
        metrics.recordSkip(reason: "no-ticket")
        metrics.recordPosted()
        metrics.recordDead()
        metrics.recordUncertain()
        metrics.recordUncertain()

        let exposition = Exposition(registry)
        #expect(exposition.value(#"notegate_messages_seen_total{mailbox="support/INBOX"}"#) == 2)
        #expect(exposition.value(#"notegate_messages_seen_total{mailbox="billing/INBOX"}"#) == 1)
        #expect(exposition.value(#"notegate_messages_skipped_total{reason="auto-reply"}"#) == 2)
        #expect(exposition.value(#"notegate_messages_skipped_total{reason="no-ticket"}"#) == 1)
        #expect(exposition.value("notegate_messages_posted_total") == 1)
        #expect(exposition.value("notegate_messages_dead_total") == 1)
        #expect(exposition.value("notegate_messages_uncertain_total") == 2)
    }

    @Test func everyAPIOutcomeAndUnlabelledSeriesStartsAtZero() {
        let exposition = Exposition(registry)
        for outcome in ["posted", "rate_limited", "transient", "uncertain", "rejected", "configuration"] {
            #expect(exposition.value(#"notegate_api_calls_total{outcome="\#(outcome)"}"#) == 0, "\(outcome)")
        }
        for series in ["notegate_messages_posted_total", "notegate_messages_dead_total",
                       "notegate_messages_uncertain_total", "notegate_api_rate_limited_total",
                       "notegate_rate_governor_wait_seconds_total", "notegate_queue_depth",
                       "notegate_post_latency_seconds_count"] {
            #expect(exposition.value(series) == 0, "\(series)")
        }
    }

    @Test func postCountsItsOutcomeAndLatency() {
        metrics.recordPost(outcome: .posted, latency: .milliseconds(80))
        metrics.recordPost(outcome: .posted, latency: .seconds(12))
        metrics.recordPost(outcome: .rejected, latency: .milliseconds(300))

        let exposition = Exposition(registry)
        #expect(exposition.value(#"notegate_api_calls_total{outcome="posted"}"#) == 2)
        #expect(exposition.value(#"notegate_api_calls_total{outcome="rejected"}"#) == 1)
        #expect(exposition.value(#"notegate_api_calls_total{outcome="transient"}"#) == 0)
        #expect(exposition.value(#"notegate_post_latency_seconds_bucket{le="0.05"}"#) == 0)
        #expect(exposition.value(#"notegate_post_latency_seconds_bucket{le="0.1"}"#) == 1)
        #expect(exposition.value(#"notegate_post_latency_seconds_bucket{le="0.5"}"#) == 2)
        #expect(exposition.value(#"notegate_post_latency_seconds_bucket{le="10.0"}"#) == 2)
        #expect(exposition.value(#"notegate_post_latency_seconds_bucket{le="30.0"}"#) == 3)
        #expect(exposition.value(#"notegate_post_latency_seconds_bucket{le="+Inf"}"#) == 3)
        #expect(exposition.value("notegate_post_latency_seconds_count") == 3)
        #expect(exposition.value("notegate_post_latency_seconds_sum") == 12.38)
    }

    @Test func rateLimitedPostCountsA429() {
        metrics.recordPost(outcome: .rateLimited, latency: .milliseconds(40))
        metrics.recordPost(outcome: .transient, latency: .milliseconds(40))

        let exposition = Exposition(registry)
        #expect(exposition.value("notegate_api_rate_limited_total") == 1)
        #expect(exposition.value(#"notegate_api_calls_total{outcome="rate_limited"}"#) == 1)
    }

    @Test func governorWaitAddsUpInSeconds() {
        metrics.recordGovernorWait(.milliseconds(1500))
        metrics.recordGovernorWait(.milliseconds(250))

        #expect(Exposition(registry).value("notegate_rate_governor_wait_seconds_total") == 1.75)
    }

    @Test func reconnectsAndQueueDepth() {
        metrics.recordReconnect(mailbox: "support/INBOX")
        metrics.setQueueDepth(12)
        metrics.setQueueDepth(7)

        let exposition = Exposition(registry)
        #expect(exposition.value(#"notegate_imap_reconnects_total{mailbox="support/INBOX"}"#) == 1)
        #expect(exposition.value("notegate_queue_depth") == 7)
    }

    @Test func parkingsCountAndTheGaugeSaysHowManyFoldersAreParkedNow() {
        metrics.recordParked(mailbox: "billing")
        metrics.setParkedFolders(mailbox: "billing", count: 1)
        metrics.recordParked(mailbox: "billing")
        #expect(Exposition(registry).value(#"notegate_mailbox_parked_total{mailbox="billing"}"#) == 2)
        #expect(Exposition(registry).value(#"notegate_mailbox_parked{mailbox="billing"}"#) == 1)
        metrics.setParkedFolders(mailbox: "billing", count: 0)
        #expect(Exposition(registry).value(#"notegate_mailbox_parked{mailbox="billing"}"#) == 0)
    }

    @Test func everyMetricSaysWhatItCountsInItsHelpLine() {
        metrics.recordSeen(mailbox: "support")
        metrics.recordSkip(reason: "no-ticket")
        metrics.recordReconnect(mailbox: "support")
        metrics.recordWake(mailbox: "support")
        metrics.refreshIdleAges()
        metrics.recordParked(mailbox: "billing")
        metrics.setParkedFolders(mailbox: "billing", count: 1)
        let lines = Exposition(registry).text.split(separator: "\n")
        let typed = lines.filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] }
        let helped = Set(lines.filter { $0.hasPrefix("# HELP ") }.map { $0.split(separator: " ")[2] })
        #expect(typed.count == 14)
        for name in typed {
            #expect(helped.contains(name), "\(name) has no # HELP line")
        }
        #expect(lines.contains("# HELP notegate_imap_reconnects_total Sessions to the mailbox opened again after an "
            + "earlier session was lost or refused; neither the first connection nor failed attempts are counted."))
    }

    @Test func idleAgeIsSecondsSinceTheMailboxLastWoke() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        metrics.recordWake(mailbox: "support/INBOX", at: start)
        metrics.recordWake(mailbox: "billing/INBOX", at: start)
        metrics.recordWake(mailbox: "billing/INBOX", at: start.addingTimeInterval(40))
        metrics.refreshIdleAges(now: start.addingTimeInterval(42))

        let exposition = Exposition(registry)
        #expect(exposition.value(#"notegate_imap_idle_age_seconds{mailbox="support/INBOX"}"#) == 42)
        #expect(exposition.value(#"notegate_imap_idle_age_seconds{mailbox="billing/INBOX"}"#) == 2)
    }
}
