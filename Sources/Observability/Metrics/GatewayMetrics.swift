import Foundation
import Metrics

/// The gateway's metrics, named for Prometheus with the `notegate_` prefix, and one method per thing that happens.
///
/// Made from a swift-metrics `MetricsFactory` — in production ``GatewayMetrics/prometheusFactory(registry:)``,
/// whose registry ``StatusServer`` serves at `/metrics` — so it never touches the global `MetricsSystem` and
/// tests can each use a fresh registry. Safe to share between tasks.
public final class GatewayMetrics: Sendable {
    /// Metric names, as they appear in the exposition text.
    enum Name {
        static let messagesSeen = "notegate_messages_seen_total"
        static let messagesPosted = "notegate_messages_posted_total"
        static let messagesSkipped = "notegate_messages_skipped_total"
        static let messagesDead = "notegate_messages_dead_total"
        static let messagesUncertain = "notegate_messages_uncertain_total"
        static let apiCalls = "notegate_api_calls_total"
        static let apiRateLimited = "notegate_api_rate_limited_total"
        static let rateGovernorWait = "notegate_rate_governor_wait_seconds_total"
        static let imapReconnects = "notegate_imap_reconnects_total"
        static let imapIdleAge = "notegate_imap_idle_age_seconds"
        static let mailboxParked = "notegate_mailbox_parked"
        static let mailboxParkings = "notegate_mailbox_parked_total"
        static let queueDepth = "notegate_queue_depth"
        static let postLatency = "notegate_post_latency_seconds"
    }

    /// Upper bounds of the post latency histogram: from a quick answer to the client's longest timeout.
    static let postLatencyBuckets: [Duration] = [
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
    ]

    private let seen: LabeledCounters
    private let skipped: LabeledCounters
    private let reconnects: LabeledCounters
    private let parkings: LabeledCounters
    private let parked: LabeledGauges
    private let apiCalls: [APIOutcome: Counter]
    private let posted: Counter
    private let dead: Counter
    private let uncertain: Counter
    private let rateLimited: Counter
    private let governorWait: FloatingPointCounter
    private let idleAges: MailboxIdleAges
    private let queueDepth: Gauge
    private let postLatency: Metrics.Timer

    /// Registers every metric with `factory`. Series without a label, and one per API outcome, start at zero
    /// so a rate can be computed from the first scrape; labelled by mailbox or reason appear on first use.
    public init(factory: any MetricsFactory) {
        seen = LabeledCounters(name: Name.messagesSeen, labelName: "mailbox", factory: factory)
        skipped = LabeledCounters(name: Name.messagesSkipped, labelName: "reason", factory: factory)
        reconnects = LabeledCounters(name: Name.imapReconnects, labelName: "mailbox", factory: factory)
        parkings = LabeledCounters(name: Name.mailboxParkings, labelName: "mailbox", factory: factory)
        parked = LabeledGauges(name: Name.mailboxParked, labelName: "mailbox", factory: factory)
        apiCalls = Dictionary(uniqueKeysWithValues: APIOutcome.allCases.map { outcome in
            (outcome, Counter(label: Name.apiCalls, dimensions: [("outcome", outcome.rawValue)], factory: factory))
        })
        posted = Counter(label: Name.messagesPosted, factory: factory)
        dead = Counter(label: Name.messagesDead, factory: factory)
        uncertain = Counter(label: Name.messagesUncertain, factory: factory)
        rateLimited = Counter(label: Name.apiRateLimited, factory: factory)
        governorWait = FloatingPointCounter(label: Name.rateGovernorWait, factory: factory)
        idleAges = MailboxIdleAges(name: Name.imapIdleAge, factory: factory)
        queueDepth = Gauge(label: Name.queueDepth, factory: factory)
        postLatency = Metrics.Timer(label: Name.postLatency, factory: factory)
    }

    /// A message from `mailbox` was recorded in the ledger for the first time, posted or skipped. A message
    /// fetched again (after a restart, from another folder, a copy with the same Message-ID) is not counted again.
    public func recordSeen(mailbox: String) {
        seen.counter(mailbox).increment()
    }

    /// A message's note is on its ticket: the ledger moved it to posted.
    public func recordPosted() {
        posted.increment()
    }

    /// A message will not be posted; `reason` is the skip reason's stable name (`auto-reply`, `no-ticket`, …).
    public func recordSkip(reason: String) {
        skipped.counter(reason).increment()
    }

    /// A message was dead-lettered: a person has to look at it.
    public func recordDead() {
        dead.increment()
    }

    /// A post ended uncertain, the note may or may not exist: the request was sent and no answer came, or the
    /// process stopped during the call and the post was found interrupted at the next start.
    public func recordUncertain() {
        uncertain.increment()
    }

    /// One call to post a note returned `outcome` after `latency`. A 429 also counts in
    /// `notegate_api_rate_limited_total`, the series to alert on.
    public func recordPost(outcome: APIOutcome, latency: Duration) {
        apiCalls[outcome]?.increment()
        if outcome == .rateLimited { rateLimited.increment() }
        postLatency.record(duration: latency)
    }

    /// A call waited `duration` for the rate governor to grant it (time before the request is sent).
    public func recordGovernorWait(_ duration: Duration) {
        governorWait.increment(by: duration.inSeconds)
    }

    /// A session to `mailbox` was opened again after an earlier session of this process was lost or refused.
    /// Failed attempts in between, and the first connection, are not counted.
    public func recordReconnect(mailbox: String) {
        reconnects.counter(mailbox).increment()
    }

    /// The server refused the configuration of `mailbox` (a wrong password, an untrusted certificate, a folder
    /// that does not exist): a folder of it was parked until its next try. Counted at each refusal.
    public func recordParked(mailbox: String) {
        parkings.counter(mailbox).increment()
    }

    /// How many folders of `mailbox` are parked now (0 once a session opens again).
    public func setParkedFolders(mailbox: String, count: Int) {
        parked.gauge(mailbox).record(count)
    }

    /// `mailbox` woke at `moment`: an IDLE notification or a poll. Its idle age counts from here.
    public func recordWake(mailbox: String, at moment: Date = Date()) {
        idleAges.wokeUp(mailbox: mailbox, at: moment)
    }

    /// Brings every mailbox's idle age up to `now`. ``StatusServer`` calls it before each scrape.
    public func refreshIdleAges(now: Date = Date()) {
        idleAges.refresh(now: now)
    }

    /// The ledger entries waiting to be posted: pending plus retrying.
    public func setQueueDepth(_ count: Int) {
        queueDepth.record(count)
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
