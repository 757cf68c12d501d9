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
    /// Mailbox folders parked because the server refused their configuration, by mailbox name, then folder.
    public private(set) var parkedMailboxes: [String: [String: Fault]] = [:]

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

    /// A session to `name` was opened: it is reachable, and `folder` (every folder, if nil) is no longer parked.
    public func mailboxReachable(_ name: String, folder: String? = nil) {
        unreachableMailboxes[name] = nil
        if let folder {
            parkedMailboxes[name]?[folder] = nil
            if parkedMailboxes[name]?.isEmpty == true { parkedMailboxes[name] = nil }
        } else {
            parkedMailboxes[name] = nil
        }
    }

    /// The server refused the configuration of `name` (for `folder`): it waits for a person, or for its
    /// next try. Unhealthy at once, with no grace period: waiting does not fix a configuration.
    public func mailboxParked(_ name: String, folder: String, reason: String) {
        if parkedMailboxes[name]?[folder]?.reason != reason {
            parkedMailboxes[name, default: [:]][folder] = Fault(reason: reason, since: Date())
        }
    }

    /// How many folders of `name` are parked now.
    public func parkedFolderCount(_ name: String) -> Int {
        parkedMailboxes[name]?.count ?? 0
    }

    public func tokenExpiring(_ mailbox: String, at expiry: Date) {
        expiringTokens[mailbox] = expiry
    }

    public func tokenFresh(_ mailbox: String) {
        expiringTokens[mailbox] = nil
    }
}

extension GatewayHealth {
    /// The `/healthz` answer: unhealthy while the API refuses the configuration, while a mailbox is
    /// parked (its server refused its configuration), or while a mailbox has been unreachable for
    /// longer than `unreachableAfter` seconds.
    public func report(unreachableAfter: TimeInterval, now: Date = Date()) -> HealthReport {
        var problems: [HealthReport.Problem] = []
        if let fault = configurationFault {
            problems.append(.init(component: "leadsquared", reason: fault.reason, since: fault.since))
        }
        for (mailbox, folders) in parkedMailboxes.sorted(by: { $0.key < $1.key }) {
            for (folder, fault) in folders.sorted(by: { $0.key < $1.key }) {
                problems.append(.init(component: "mailbox \(mailbox)",
                                      reason: "parked (folder \(folder)): \(fault.reason)", since: fault.since))
            }
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
