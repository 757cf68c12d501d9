import Foundation
import NIOHTTP1

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
    /// 401, 403, 404, 405, a redirect or a failed TLS handshake: the host, tenant or keys are wrong, and
    /// nothing will succeed until a person fixes the configuration. Keep every note pending and report unhealthy.
    case configuration(reason: String)
}

extension PostOutcome {
    /// Classifies what became of a call.
    init(_ exchange: Exchange, call: CallDescription, window: Duration) {
        switch exchange {
        case .answered(let answer):
            self.init(answer: answer, call: call, window: window)
        case .failed(let failure):
            self.init(failure: failure, call: call)
        case .cancelled:
            self = .transient(reason: "Cancelled while waiting for the rate limit to \(call.action); nothing was sent.")
        }
    }

    /// Classifies the server's answer to a call.
    ///
    /// Beyond the documented codes: any 2xx counts as posted (if its body is not the documented receipt, the
    /// receipt is rebuilt from the request, because posting again would duplicate the note); 408 is transient
    /// (the server had not read the whole request); every 5xx is transient; 403 (IP allowlist), 405 and 3xx
    /// (redirects are not followed) are configuration faults; any other 4xx rejects the note.
    init(answer: ServerAnswer, call: CallDescription, window: Duration) {
        // The server's words end each reason's first sentence, which supplies its own full stop. Read only for
        // the answers that give a reason: a receipt's body is read once, as the receipt.
        var said: String {
            answer.serverMessage.map { ": " + $0.trimmingCharacters(in: CharacterSet(charactersIn: ". ")) } ?? ""
        }
        let status = answer.status
        switch status {
        case 200..<300:
            self = .posted(
                answer.decoded(NoteReceipt.self)
                    ?? NoteReceipt(message: answer.serverMessage ?? "", ticketID: call.ticketID, organizationID: nil)
            )
        case 429:
            self = .rateLimited(retryAfter: answer.retryAfter(atLeast: window))
        case 408, 500..<600:
            self = .transient(reason: "LeadSquared failed to \(call.action) (\(status))\(said). Retry later.")
        case 400..<500 where Self.configurationStatuses.contains(status):
            self = .configuration(
                reason: "LeadSquared refused \(call.request) (\(status))\(said). \(Self.advice(status))"
            )
        case 400..<500:
            self = .rejected(reason: "LeadSquared refused to \(call.action) (\(status))\(said).")
        default:
            self = .configuration(
                reason: "LeadSquared answered \(call.request) with \(status)\(said); redirects are not followed. "
                    + "Set host to the account's API host."
            )
        }
    }

    /// Classifies a call that got no answer, by whether the request had been completely written; a TLS
    /// handshake that failed is a configuration fault.
    init(failure: TransportFailure, call: CallDescription) {
        if failure.isTLSVersionRefusal {
            self = .configuration(
                reason: "\(call.request) could not set up TLS: the host offers only a TLS protocol version that is "
                    + "too old (\(failure.summary)); notegate requires TLS 1.2 or later. Check host, or enable TLS 1.2 "
                    + "or 1.3 on the server."
            )
        } else if failure.isTLSRefusal {
            self = .configuration(
                reason: "\(call.request) could not set up TLS (\(failure.summary)): the host's certificate is not "
                    + "trusted for its name, or the host does not speak TLS. Check host."
            )
        } else if failure.requestSent {
            self = .uncertain(
                reason: "\(call.request) was sent to \(call.action) but no answer came (\(failure.summary)); "
                    + "it may or may not have taken effect."
            )
        } else {
            self = .transient(
                reason: "\(call.request) to \(call.action) could not be sent (\(failure.summary)); nothing "
                    + "reached LeadSquared. Retry later."
            )
        }
    }

    static let configurationStatuses: Set<Int> = [401, 403, 404, 405]

    private static func advice(_ status: Int) -> String {
        switch status {
        case 401: "Check accessKey and secretKey."
        case 403: "The account may allow only listed IPs: add this host's address, or check the keys."
        default: "Check host (the account's API host) and tenantID."
        }
    }
}

/// A call in words, for the reasons of outcomes: what it was to do ("post the note on ticket 143") and the
/// request it was sent as.
struct CallDescription: Sendable {
    let action: String
    let ticketID: Int
    let method: HTTPMethod
    let url: URL

    /// The request line, e.g. `POST https://host/api/tenants/t/internalnote/upload`.
    var request: String { "\(method) \(url.absoluteString)" }
}
