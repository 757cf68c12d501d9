import Foundation

/// What became of one attempt to post a note: the one value the pipeline switches over to record success,
/// wait, retry, dead-letter, or stop and alert. Reasons say what happened and what to do; they never carry a key.
public enum PostOutcome: Sendable, Hashable {
    /// 200 (or any 2xx): the note is on the ticket. Record it as posted.
    case posted(NoteReceipt)
    /// 429: the account's call limit was hit and nothing was posted. Post the same note again after
    /// `retryAfter`; never skip it. The client's rate governor has already paused every poster sharing it.
    case rateLimited(retryAfter: Duration)
    /// Nothing was posted and a later try may work: 5xx, or the request never fully left this host (connection
    /// refused or reset, a timeout before it was sent). Retry with `RetryPolicy`, then dead-letter.
    case transient(reason: String)
    /// The request was fully sent but no answer came (connection dropped, timeout): the note may or may not
    /// exist, and the API offers no way to list notes to find out. Posting again risks a duplicate.
    case uncertain(reason: String)
    /// 400 and the other 4xx that concern this note alone: permanent. Dead-letter it with the server's message.
    case rejected(reason: String)
    /// 401, 403, 404, 405 or a redirect: the host, tenant or keys are wrong, and nothing will succeed until a
    /// person fixes the configuration. Keep every note pending and report unhealthy.
    case configuration(reason: String)
}

extension PostOutcome {
    /// Classifies the server's answer to a call.
    ///
    /// Beyond the documented codes: any 2xx counts as posted (if its body is not the documented receipt, the
    /// receipt is rebuilt from the request, because posting again would duplicate the note); 408 is transient
    /// (the server had not read the whole request); every 5xx is transient; 403 (IP allowlist), 405 and 3xx
    /// (redirects are not followed) are configuration faults; any other 4xx rejects the note.
    init(answer: ServerAnswer, note: NoteRequest, call: String, window: Duration) {
        // The server's words end each reason's first sentence, which supplies its own full stop.
        let said = answer.serverMessage.map { ": " + $0.trimmingCharacters(in: CharacterSet(charactersIn: ". ")) }
            ?? ""
        switch answer.status {
        case 200..<300:
            self = .posted(
                answer.decoded(NoteReceipt.self)
                    ?? NoteReceipt(message: answer.serverMessage ?? "", ticketID: note.ticketID, organizationID: nil)
            )
        case 429:
            self = .rateLimited(retryAfter: answer.retryAfter.map { max($0, window) } ?? window)
        case 408, 500..<600:
            self = .transient(reason: "LeadSquared failed to handle \(call) (\(answer.status))\(said). Retry later.")
        case 400..<500 where Self.configurationStatuses.contains(answer.status):
            self = .configuration(reason: Self.configurationAdvice(status: answer.status, call: call, said: said))
        case 400..<500:
            self = .rejected(
                reason: "LeadSquared rejected the note for ticket \(note.ticketID) (\(answer.status))\(said)."
            )
        default:
            self = .configuration(
                reason: "LeadSquared answered \(call) with \(answer.status)\(said); redirects are not followed. "
                    + "Set host to the account's API host."
            )
        }
    }

    /// Classifies a call that got no answer, by whether the request had been completely written.
    init(failure: TransportFailure, call: String) {
        if failure.requestSent {
            self = .uncertain(
                reason: "\(call) was sent but no answer came (\(failure.summary)); the note may or may not have "
                    + "been posted."
            )
        } else {
            self = .transient(
                reason: "\(call) could not be sent (\(failure.summary)); nothing was posted. Retry later."
            )
        }
    }

    static let configurationStatuses: Set<Int> = [401, 403, 404, 405]

    private static func configurationAdvice(status: Int, call: String, said: String) -> String {
        let advice =
            switch status {
            case 401: "Check accessKey and secretKey."
            case 403: "The account may allow only listed IPs: add this host's address, or check the keys."
            default: "Check host (the account's API host) and tenantID."
            }
        return "LeadSquared refused \(call) (\(status))\(said). \(advice)"
    }
}
