import Ledger

/// What a run did, for the `once` command's exit status and the demo's closing lines.
public struct RunSummary: Sendable, Equatable {
    public var posted = 0
    public var skipped: [String: Int] = [:]
    public var alreadySeen = 0
    public var dead = 0
    public var uncertain = 0
    public var retried = 0
    /// Mailbox folders (`name folder`) the server refused the configuration of, with the reason: none of
    /// their mail was read.
    public var parked: [String: String] = [:]
    /// Mailbox folders (`name folder`) another instance sharing the ledger watches, with its name: this pass
    /// left them, and their mailbox actions, to it.
    public var ownedElsewhere: [String: String] = [:]

    public init() {}

    /// Nothing ended dead or uncertain, and no mailbox was parked.
    public var isClean: Bool { dead == 0 && uncertain == 0 && parked.isEmpty }

    mutating func add(_ intake: IntakeResult) {
        switch intake {
        case .queued: break
        case .skipped(_, let reason): skipped[reason, default: 0] += 1
        case .alreadySeen: alreadySeen += 1
        case .deadLettered: dead += 1
        }
    }

    mutating func add(_ post: PostResult) {
        switch post.kind {
        case .posted: posted += 1
        case .dead: dead += 1
        case .uncertain: uncertain += 1
        case .retrying, .reposting, .waiting: retried += 1
        }
    }

    /// `posted 9, skipped 4 (auto-reply 1, no-ticket 3), dead 0, uncertain 0`, then a line for each parked mailbox
    /// and for each folder another instance watches.
    public var description: String {
        let skips = skipped.values.reduce(0, +)
        let reasons = skipped.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        var parts = ["posted \(posted)", "skipped \(skips)" + (reasons.isEmpty ? "" : " (\(reasons))")]
        if alreadySeen > 0 { parts.append("already seen \(alreadySeen)") }
        parts += ["dead \(dead)", "uncertain \(uncertain)"]
        let parkedText = parked.sorted { $0.key < $1.key }.map { "\nmailbox \($0.key) parked: \($0.value)" }
        let elsewhereText = ownedElsewhere.sorted { $0.key < $1.key }
            .map { "\nmailbox \($0.key) skipped: watched by instance \($0.value)" }
        return parts.joined(separator: ", ") + parkedText.joined() + elsewhereText.joined()
    }
}
