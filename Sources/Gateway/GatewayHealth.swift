import Foundation
import Observability

/// What `/healthz` reports: faults that need a person, each with the time it began.
public actor GatewayHealth {
    public struct Fault: Sendable, Equatable {
        public var reason: String
        public var since: Date
    }

    /// The API refused the host, tenant or keys (401/404): posting is paused.
    public private(set) var configurationFault: Fault?
    /// Mailboxes that cannot be reached, by name, since when.
    public private(set) var unreachableMailboxes: [String: Fault] = [:]
    /// OAuth tokens about to expire, by mailbox name, and when they do.
    public private(set) var expiringTokens: [String: Date] = [:]

    public init() {}

    public func configurationFailed(_ reason: String) {
        if configurationFault == nil { configurationFault = Fault(reason: reason, since: Date()) }
    }

    public func configurationWorks() {
        configurationFault = nil
    }

    public func mailboxUnreachable(_ name: String, reason: String) {
        if unreachableMailboxes[name] == nil { unreachableMailboxes[name] = Fault(reason: reason, since: Date()) }
    }

    public func mailboxReachable(_ name: String) {
        unreachableMailboxes[name] = nil
    }

    public func tokenExpiring(_ mailbox: String, at expiry: Date) {
        expiringTokens[mailbox] = expiry
    }

    public func tokenFresh(_ mailbox: String) {
        expiringTokens[mailbox] = nil
    }
}

extension GatewayHealth {
    /// The `/healthz` answer: unhealthy while the API refuses the configuration, or while a mailbox
    /// has been unreachable for longer than `unreachableAfter` seconds.
    public func report(unreachableAfter: TimeInterval, now: Date = Date()) -> HealthReport {
        var problems: [HealthReport.Problem] = []
        if let fault = configurationFault {
            problems.append(.init(component: "leadsquared", reason: fault.reason, since: fault.since))
        }
        for (mailbox, fault) in unreachableMailboxes.sorted(by: { $0.key < $1.key })
        where now.timeIntervalSince(fault.since) >= unreachableAfter {
            problems.append(.init(component: "mailbox \(mailbox)", reason: fault.reason, since: fault.since))
        }
        for (mailbox, expiry) in expiringTokens.sorted(by: { $0.key < $1.key }) {
            let when = expiry < now ? "expired" : "expires"
            problems.append(.init(component: "oauth \(mailbox)",
                                  reason: "the OAuth access token \(when) at \(expiry.ISO8601Format()); "
                                      + "check the command or file that refreshes it", since: expiry))
        }
        return HealthReport(problems: problems)
    }
}
