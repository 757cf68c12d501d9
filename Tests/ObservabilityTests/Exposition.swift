import Prometheus

/// The samples of a Prometheus text exposition, by series (`name{labels}`), for asserting on one value.
struct Exposition {
    let text: String

    init(_ registry: PrometheusCollectorRegistry) {
        text = registry.emitToString()
    }

    init(text: String) {
        self.text = text
    }

    /// The value of `series`, written exactly as in the exposition, or nil if it is absent.
    func value(_ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }
}
