import CEtPan
import CEtPanTLS

/// The most a command's reply may take: libetpan believes the literal sizes a server announces and
/// reads a reply until it ends, so every FETCH runs under a budget in bytes and in nesting depth.
struct ReplyBudget: Sendable, Equatable {
    /// The most bytes the server may send in answer to the command, untagged responses included.
    var bytes: Int
    /// The deepest nesting of parentheses allowed; libetpan's parser recurses on each level.
    var depth: Int = ReplyBudget.maximumDepth

    /// Far above what any real BODYSTRUCTURE needs (two levels per MIME level), far below what
    /// would exhaust the connection thread's stack.
    static let maximumDepth = 256
    /// Allowed in every reply besides what was asked for: the tagged status line, untagged
    /// EXISTS, EXPUNGE, RECENT and FLAGS, and FETCH responses the server volunteers.
    static let overhead = 1024 * 1024
}

extension IMAPConnection {
    /// Runs `command` (a libetpan call on the live session) with `budget` on what it reads. A reply
    /// over the budget ends the command with `IMAPError.replyOverBudget`, and the session reads and
    /// writes nothing more: the caller must close it.
    func withReplyBudget(_ budget: ReplyBudget, _ name: String, _ command: () -> Int32) throws {
        let session = try requireSession()
        guard let stream = session.pointee.imap_stream else {
            throw IMAPError(.connectionLost, "the connection to \(config.host) is closed")
        }
        guard notegate_reply_budget_begin(stream, UInt64(max(0, budget.bytes)), Int32(budget.depth)) == 0 else {
            throw IMAPError(.replyOverBudget, "the connection to \(config.host) is unusable after an earlier reply "
                + "over its budget; reconnect")
        }
        let result = command()
        var report = notegate_budget_report()
        notegate_reply_budget_end(stream, &report)
        if let error = overBudgetError(report, name) { throw error }
        try check(result, name)
    }

    private func overBudgetError(_ report: notegate_budget_report, _ command: String) -> IMAPError? {
        let what: String
        switch report.status {
        case NOTEGATE_BUDGET_OK:
            return nil
        case NOTEGATE_BUDGET_LITERAL:
            what = "announced a literal of \(report.announced) bytes, more than the \(report.budget)-byte budget "
                + "of the reply allows"
        case NOTEGATE_BUDGET_NESTING:
            what = "nested its reply deeper than \(ReplyBudget.maximumDepth) levels of parentheses"
        case NOTEGATE_BUDGET_BYTES:
            what = "sent more than the \(report.budget)-byte budget of the reply"
        default:
            what = "could not be read under a budget (out of memory)"
        }
        return IMAPError(.replyOverBudget, "IMAP \(command) on \(config.host): the server \(what); the reply was cut "
            + "off and the connection closed. A server that does this again is broken or hostile; "
            + "check `max_message_bytes` if the message is legitimately large")
    }
}
