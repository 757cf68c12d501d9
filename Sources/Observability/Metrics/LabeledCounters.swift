import Metrics
import NIOConcurrencyHelpers

/// The counters of one metric split by one label (skips by reason, reconnects by mailbox): each label value's
/// counter is made on first use and kept, so a hot path costs one dictionary look-up.
final class LabeledCounters: Sendable {
    private let name: String
    private let labelName: String
    private let factory: any MetricsFactory
    private let counters = NIOLockedValueBox<[String: Counter]>([:])

    init(name: String, labelName: String, factory: any MetricsFactory) {
        self.name = name
        self.labelName = labelName
        self.factory = factory
    }

    /// The counter for `value`, made now if it is the first time.
    func counter(_ value: String) -> Counter {
        counters.withLockedValue { counters in
            if let counter = counters[value] { return counter }
            let counter = Counter(label: name, dimensions: [(labelName, value)], factory: factory)
            counters[value] = counter
            return counter
        }
    }
}

/// The gauges of one metric split by one label (parked folders by mailbox), made on first use and kept.
final class LabeledGauges: Sendable {
    private let name: String
    private let labelName: String
    private let factory: any MetricsFactory
    private let gauges = NIOLockedValueBox<[String: Gauge]>([:])

    init(name: String, labelName: String, factory: any MetricsFactory) {
        self.name = name
        self.labelName = labelName
        self.factory = factory
    }

    /// The gauge for `value`, made now if it is the first time.
    func gauge(_ value: String) -> Gauge {
        gauges.withLockedValue { gauges in
            if let gauge = gauges[value] { return gauge }
            let gauge = Gauge(label: name, dimensions: [(labelName, value)], factory: factory)
            gauges[value] = gauge
            return gauge
        }
    }
}
