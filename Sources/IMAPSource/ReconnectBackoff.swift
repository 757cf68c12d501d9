/// Delays between reconnection attempts: doubling from one second up to five minutes, each with
/// up to 25 % random jitter so that several mailboxes do not retry in step.
struct ReconnectBackoff: Sendable {
    var initialSeconds = 1.0
    var maximumSeconds = 300.0

    func delay(afterFailures failures: Int) -> Duration {
        let base = min(maximumSeconds, initialSeconds * Double(1 << min(failures - 1, 20)))
        return .milliseconds(Int(base * Double.random(in: 1.0...1.25) * 1000))
    }
}
