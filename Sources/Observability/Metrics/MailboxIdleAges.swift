import Foundation
import Metrics
import NIOConcurrencyHelpers

/// Seconds since each mailbox last woke (an IDLE notification or a poll), as one gauge per mailbox.
///
/// A gauge only holds what was last set, so the ages are brought up to date just before each scrape
/// (``refresh(now:)``) rather than on a timer.
final class MailboxIdleAges: Sendable {
    private struct Watch {
        var lastWake: Date
        let gauge: Gauge
    }

    private let name: String
    private let factory: any MetricsFactory
    private let watches = NIOLockedValueBox<[String: Watch]>([:])

    init(name: String, factory: any MetricsFactory) {
        self.name = name
        self.factory = factory
    }

    func wokeUp(mailbox: String, at moment: Date) {
        watches.withLockedValue { watches in
            let gauge = watches[mailbox]?.gauge
                ?? Gauge(label: name, dimensions: [("mailbox", mailbox)], factory: factory)
            watches[mailbox] = Watch(lastWake: moment, gauge: gauge)
        }
    }

    func refresh(now: Date) {
        watches.withLockedValue { watches in
            for watch in watches.values {
                watch.gauge.record(max(0, now.timeIntervalSince(watch.lastWake)))
            }
        }
    }
}
