import CEtPan
import Foundation

// The two-step fetch: structure and header first, then only the sections that carry text, each cut
// to what is left of the message's byte budget (`max_message_bytes`).
//
// The budget bounds what notegate fetches for one message: its header, the text parts it reads and
// the headers of forwarded messages. Attachments and the HTML twin of a plain-text part are never
// fetched and never count. The header is fetched first; a message whose header alone fills the
// budget is too large. The text sections share what is left, in order, each fetched partially
// (`BODY.PEEK[1.1]<0.N>`), so that bytes past the budget never cross the network; a text part cut
// short ends in a visible marker.
extension IMAPConnection {
    /// Below this size the whole message is fetched at once: cheaper than a second round trip.
    static let wholeMessageLimit = 64 * 1024
    /// The part of the header fetched with the structure, and the most fetched of the header of a
    /// forwarded message. A top-level header longer than this is fetched on, up to the budget.
    static let headerProbeBytes = 64 * 1024
    /// Allowed per message for UID, RFC822.SIZE, FLAGS and BODYSTRUCTURE in the first step's reply.
    static let structureAllowance = 2 * 1024 * 1024

    /// Fetches the given messages of the selected folder without changing their flags; `checkpoint`
    /// gives their UIDVALIDITY and the first-start boundary. A message the server no longer has is
    /// left out; one whose answer lacks something asked for carries a `fetchProblem`.
    func messages(_ uids: [UInt32], in mailbox: MailboxKey, under checkpoint: Checkpoint) throws -> [FetchedMessage] {
        let probe = min(config.maxMessageBytes, Self.headerProbeBytes)
        let request = FetchRequest(size: true, flags: true, structure: true,
                                   sections: [SectionRequest(name: "HEADER", length: probe)])
        let budget = ReplyBudget(bytes: uids.count * (probe + Self.structureAllowance) + ReplyBudget.overhead)
        let summaries = try fetch(uids, request, budget: budget)
        return try uids.compactMap { uid in
            guard let summary = summaries[uid] else { return nil }
            var message = FetchedMessage(mailbox: mailbox, uidValidity: checkpoint.uidValidity, uid: uid,
                                         size: summary.size ?? 0, flags: summary.flags ?? [], raw: [],
                                         isTooLarge: false, isBeforeStart: uid < checkpoint.startUID)
            do {
                try read(summary, probe: probe, into: &message)
            } catch let problem as MissingAnswer {
                message.fetchProblem = problem.description
            }
            return message
        }
    }

    /// Fills `message.raw` from the first step's `summary` and whatever else the budget allows.
    private func read(_ summary: FetchResponse, probe: Int, into message: inout FetchedMessage) throws {
        let uid = message.uid
        let missing = FetchAnswers.missing(FetchRequest(size: true, flags: true, structure: true,
                                                        sections: [SectionRequest(name: "HEADER", length: probe)]),
                                           in: summary)
        guard missing.isEmpty, let structure = summary.structure else {
            throw MissingAnswer(uid: uid, host: config.host, missing: missing)
        }
        let limit = config.maxMessageBytes
        var header = summary.sections["HEADER"] ?? []
        message.fetchedBytes = header.count
        if !isComplete(header, asked: probe) && probe < limit {
            let rest = SectionRequest(name: "HEADER", origin: probe, length: limit - probe)
            let more = try fetch(uid, [rest]).sections["HEADER"] ?? []
            header += more
            message.fetchedBytes += more.count
        }
        if !isComplete(header, asked: limit) {
            message.isTooLarge = true
            message.tooLargeDetail = "its header alone is over \(limit) bytes (max_message_bytes)"
            message.raw = Array(completeLines(header.prefix(Self.headerProbeBytes))) + crlf
            return
        }
        var left = limit - message.fetchedBytes
        if message.size + header.count <= limit && message.size < Self.wholeMessageLimit {
            let cap = min(left, Self.wholeMessageLimit)
            let whole = try fetch(uid, [SectionRequest(name: "", length: cap)]).sections[""] ?? []
            message.fetchedBytes += whole.count
            if whole.count < cap {
                message.raw = whole
                return
            }
            left -= whole.count // the server said the message was smaller: read it part by part
        }
        let plan = TextFetchPlan(structure: structure, budget: left, headerLimit: Self.headerProbeBytes)
        var sections = plan.sections.isEmpty ? [:] : try fetch(uid, plan.sections).sections
        message.fetchedBytes += sections.values.reduce(0) { $0 + $1.count }
        for name in plan.empty { sections[name] = [] }
        sections["HEADER"] = header
        message.raw = SkeletonMessage(structure: structure, sections: sections, truncated: plan.truncated).bytes
    }

    /// One message's answer to `sections`, or `MissingAnswer` when the server left any of them out.
    private func fetch(_ uid: UInt32, _ sections: [SectionRequest]) throws -> FetchResponse {
        let request = FetchRequest(sections: sections)
        let asked = sections.reduce(0) { $0 + ($1.length ?? config.maxMessageBytes) }
        let answer = try fetch([uid], request, budget: ReplyBudget(bytes: asked + ReplyBudget.overhead))[uid]
            ?? FetchResponse()
        let missing = FetchAnswers.missing(request, in: answer)
        guard missing.isEmpty else { throw MissingAnswer(uid: uid, host: config.host, missing: missing) }
        return answer
    }

    /// UID FETCH of the UID and what `request` asks for, under `budget`; the answers by UID.
    private func fetch(_ uids: [UInt32], _ request: FetchRequest, budget: ReplyBudget) throws -> [UInt32: FetchResponse] {
        let session = try requireSession()
        let fetchType = mailimap_fetch_type_new_fetch_att_list_empty()!
        defer { mailimap_fetch_type_free(fetchType) }
        var attributes = [mailimap_fetch_att_new_uid()]
        if request.size { attributes.append(mailimap_fetch_att_new_rfc822_size()) }
        if request.flags { attributes.append(mailimap_fetch_att_new_flags()) }
        if request.structure { attributes.append(mailimap_fetch_att_new_bodystructure()) }
        attributes += request.sections.map { $0.attribute() }
        for attribute in attributes {
            mailimap_fetch_type_new_fetch_att_list_add(fetchType, attribute)
        }
        var result: UnsafeMutablePointer<clist>?
        defer { if let result { mailimap_fetch_list_free(result) } }
        try withReplyBudget(budget, "UID FETCH") {
            withUIDSet(uids) { mailimap_uid_fetch(session, $0, fetchType, &result) }
        }
        return FetchAnswers.match(CList<mailimap_msg_att>(result).map(FetchResponse.init), to: uids)
    }

    /// Whether `header`, fetched with a partial request of `asked` octets, is the whole header: the
    /// server sent less than asked, or it ends with the blank line.
    private func isComplete(_ header: [UInt8], asked: Int) -> Bool {
        header.count < asked || header.suffix(4).elementsEqual(crlf + crlf) || header.suffix(2).elementsEqual([10, 10])
    }
}

/// The sections of a message's text to fetch within a byte budget, in the order of
/// `MessagePart.textParts`: each text part gets what is left, up to its size; the header of a
/// forwarded message gets at most `headerLimit`. Parts that did not fit whole are `truncated`.
struct TextFetchPlan: Equatable {
    private(set) var sections: [SectionRequest] = []
    /// Text parts fetched short or not at all, by section, with their size on the server.
    private(set) var truncated: [String: Int] = [:]
    /// Text parts the structure says are empty: nothing to fetch.
    private(set) var empty: [String] = []

    init(structure: MessagePart, budget: Int, headerLimit: Int) {
        var left = max(0, budget)
        for part in structure.textParts {
            guard let body = part.body else {
                let length = min(left, headerLimit)
                if length > 0 { sections.append(SectionRequest(name: part.section, length: length)) }
                left -= length
                continue
            }
            let length = min(left, body.size)
            if length < body.size { truncated[part.section] = body.size }
            if length > 0 { sections.append(SectionRequest(name: part.section, length: length)) }
            if body.size == 0 { empty.append(part.section) }
            left -= length
        }
    }
}

/// The server's answer to a UID FETCH lacks something that was asked for: the message is not
/// handed over as it is (it would look empty), and the next pass fetches it again.
struct MissingAnswer: Error, CustomStringConvertible {
    let uid: UInt32
    let host: String
    let missing: [String]

    var description: String {
        "\(host) answered UID FETCH for UID \(uid) without \(missing.joined(separator: ", ")); "
            + "the message is fetched again on the next pass"
    }
}

/// The bytes up to and including the last line break; all of them when there is none.
func completeLines(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    guard let last = bytes.lastIndex(of: 10) else { return bytes }
    return bytes[...last]
}

private let crlf: [UInt8] = [13, 10]
