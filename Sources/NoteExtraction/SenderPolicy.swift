import MailParsing

/// Which senders' mail may become notes: an allowlist and a denylist of `SenderPattern`s matched
/// against the From addresses, and optionally a DMARC pass recorded by the receiving server. The
/// default allows everyone and checks nothing.
public struct SenderPolicy: Sendable, Hashable {
    /// When not empty, only mail whose every From address matches an entry is posted.
    public var allowlist: [SenderPattern]
    /// Mail with any From address matching an entry is never posted, even if the allowlist allows it.
    public var denylist: [SenderPattern]
    /// When set, mail is posted only if the receiving server recorded `dmarc=pass` for it.
    public var requireDMARCPass: DMARCRequirement?

    public init(allowlist: [SenderPattern] = [], denylist: [SenderPattern] = [],
                requireDMARCPass: DMARCRequirement? = nil) {
        self.allowlist = allowlist
        self.denylist = denylist
        self.requireDMARCPass = requireDMARCPass
    }

    /// Why `message` must be skipped, with a detail for a person; nil when its sender may post.
    func refusal(for message: ParsedMessage) -> (reason: SkipReason, detail: String)? {
        let senders = message.from.map(\.address)
        for sender in senders {
            if let entry = denylist.first(where: { $0.matches(sender) }) {
                return (.senderNotAllowed, "sender \(sender) matches denylist entry \(entry)")
            }
        }
        if !allowlist.isEmpty {
            guard !senders.isEmpty else { return (.senderNotAllowed, "the message has no From address") }
            if let sender = senders.first(where: { sender in !allowlist.contains { $0.matches(sender) } }) {
                return (.senderNotAllowed, "sender \(sender) is not on the allowlist")
            }
        }
        if let failure = requireDMARCPass?.failure(in: message.headers) {
            return (.unauthenticated, failure)
        }
        return nil
    }
}

/// Requires a `dmarc=pass` in the `Authentication-Results` header written by the receiving server,
/// known by its authserv-id (`mx.support.example`): the only such header a sender cannot forge.
public struct DMARCRequirement: Sendable, Hashable {
    /// The authserv-id the receiving server writes; headers naming any other are ignored.
    public var trustedAuthservID: String

    public init(trustedAuthservID: String) {
        self.trustedAuthservID = trustedAuthservID
    }
}
