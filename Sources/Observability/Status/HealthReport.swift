import Foundation

/// What `/healthz` answers: healthy when there is no problem, otherwise each problem that needs a person.
public struct HealthReport: Sendable, Equatable {
    /// One part of the gateway that is not working, why, and since when.
    public struct Problem: Sendable, Equatable, Encodable {
        /// The part at fault: `leadsquared`, a mailbox's name, `oauth`, ….
        public var component: String
        /// What is wrong and, where it helps, what to do about it.
        public var reason: String
        /// When the problem began (not when it was last seen).
        public var since: Date

        public init(component: String, reason: String, since: Date) {
            self.component = component
            self.reason = reason
            self.since = since
        }
    }

    /// Everything wrong now; empty when healthy.
    public var problems: [Problem]

    /// Whether nothing is wrong.
    public var isHealthy: Bool { problems.isEmpty }

    public init(problems: [Problem] = []) {
        self.problems = problems
    }

    /// A report with no problems.
    public static let healthy = HealthReport()
}
