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
    /// Below this size the whole message is fetched at once (its header from the first step, the rest
    /// as `TEXT`): cheaper than a round trip for its sections.
    static let wholeMessageLimit = 64 * 1024
    /// The part of the header fetched with the structure, and the most fetched of the header of a
    /// forwarded message. A top-level header longer than this is fetched on, up to the budget.
    static let headerProbeBytes = 64 * 1024
    /// Allowed per message for UID, RFC822.SIZE, FLAGS and BODYSTRUCTURE in the first step's reply.
    static let structureAllowance = 2 * 1024 * 1024
    /// The first step's reply is budgeted for at most this many messages, whatever the batch size: a
    /// hostile server can make notegate hold no more than 20 x (64 KiB + 2 MiB) for it. A batch whose
    /// honest reply needs more (huge structures) goes over budget and is fetched one message at a time.
    static let structureReplyMessages = 20
    /// The most asked for in one UID FETCH of text sections shared by several messages; a larger
    /// group is fetched in several commands.
    static let sectionGroupReplyLimit = 4 * 1024 * 1024

    /// Fetches the given messages of the selected folder without changing their flags; `checkpoint`
    /// gives their UIDVALIDITY and the first-start boundary. A message the server no longer has is
    /// left out; one whose answer lacks something asked for carries a `fetchProblem`.
    ///
    /// Round trips per batch, not per message: one UID FETCH for the structure and headers of all, one
    /// for the rest (`TEXT`) of every small message (per distinct length asked for; usually one), then
    /// one per distinct set of text sections of the larger messages (most share `1` or `1.1`). No byte
    /// of a header is fetched twice.
    func messages(_ uids: [UInt32], in mailbox: MailboxKey, under checkpoint: Checkpoint) throws -> [FetchedMessage] {
        let probe = min(config.maxMessageBytes, Self.headerProbeBytes)
        let request = FetchRequest(size: true, flags: true, structure: true,
                                   sections: [SectionRequest(name: "HEADER", length: probe)])
        let budget = ReplyBudget(bytes: min(uids.count, Self.structureReplyMessages) * (probe + Self.structureAllowance)
                                     + ReplyBudget.overhead)
        let summaries = try fetch(uids, request, budget: budget)
        var reads: [MessageRead] = []
        for uid in uids {
            guard let summary = summaries[uid] else { continue }
            let message = FetchedMessage(mailbox: mailbox, uidValidity: checkpoint.uidValidity, uid: uid,
                                         size: summary.size ?? 0, flags: summary.flags ?? [], raw: [],
                                         isTooLarge: false, isBeforeStart: uid < checkpoint.startUID)
            var read = MessageRead(message: message)
            do {
                try readHeader(summary, probe: probe, into: &read)
            } catch let problem as MissingAnswer {
                read.fail(problem)
            }
            reads.append(read)
        }
        try readSmallMessages(&reads)
        try readTextSections(&reads)
        return reads.map(\.message)
    }

    /// From the first step's `summary`: the whole header (fetched on when the probe cut it), and what
    /// comes next for the message.
    private func readHeader(_ summary: FetchResponse, probe: Int, into read: inout MessageRead) throws {
        let uid = read.message.uid
        let missing = FetchAnswers.missing(FetchRequest(size: true, flags: true, structure: true,
                                                        sections: [SectionRequest(name: "HEADER", length: probe)]),
                                           in: summary)
        guard missing.isEmpty, let structure = summary.structure else {
            throw MissingAnswer(uid: uid, host: config.host, missing: missing)
        }
        let limit = config.maxMessageBytes
        var header = summary.sections["HEADER"] ?? []
        read.message.fetchedBytes = header.count
        if !isComplete(header, asked: probe) && probe < limit {
            let rest = SectionRequest(name: "HEADER", origin: probe, length: limit - probe)
            let more = try fetch(uid, [rest]).sections["HEADER"] ?? []
            header += more
            read.message.fetchedBytes += more.count
        }
        if !isComplete(header, asked: limit) {
            read.message.isTooLarge = true
            read.message.tooLargeDetail = "its header alone is over \(limit) bytes (max_message_bytes)"
            read.message.raw = Array(completeLines(header.prefix(Self.headerProbeBytes))) + crlf
            read.stage = .done
            return
        }
        read.header = header
        read.structure = structure
        read.left = limit - read.message.fetchedBytes
        let message = read.message
        if message.size + header.count <= limit && message.size < Self.wholeMessageLimit {
            read.stage = .whole(cap: min(read.left, Self.wholeMessageLimit))
        } else {
            read.stage = .parts
        }
    }

    /// The small messages of the batch whole: their header came with the first step, the rest is
    /// fetched as `TEXT`, one UID FETCH per distinct length asked for. A message the server says is
    /// larger than asked is read part by part instead.
    private func readSmallMessages(_ reads: inout [MessageRead]) throws {
        var byCap: [Int: [Int]] = [:]
        for (index, read) in reads.enumerated() {
            if case .whole(let cap) = read.stage { byCap[cap, default: []].append(index) }
        }
        for (cap, indices) in byCap.sorted(by: { $0.key < $1.key }) {
            let uids = indices.map { reads[$0].message.uid }
            let request = FetchRequest(sections: [SectionRequest(name: "TEXT", length: cap)])
            let answers = try fetch(uids, request, budget: ReplyBudget(bytes: uids.count * cap + ReplyBudget.overhead))
            for index in indices {
                let answer = answers[reads[index].message.uid] ?? FetchResponse()
                let missing = FetchAnswers.missing(request, in: answer)
                guard missing.isEmpty else {
                    reads[index].fail(MissingAnswer(uid: reads[index].message.uid, host: config.host, missing: missing))
                    continue
                }
                let text = answer.sections["TEXT"] ?? []
                reads[index].message.fetchedBytes += text.count
                if text.count < cap {
                    reads[index].message.raw = reads[index].header + text
                    reads[index].stage = .done
                } else {
                    reads[index].left -= text.count // the server said the message was smaller: read it part by part
                    reads[index].stage = .parts
                }
            }
        }
    }

    /// The text sections of the larger messages within what is left of each one's budget, put
    /// together as skeletons: one UID FETCH for each group of messages that ask for the same sections.
    /// A section asked for whole is asked with the longest length of its group (the server sends no
    /// more than there is); one asked for in part (past the budget, a forwarded message's header) only
    /// shares a command with the same length. What comes back is cut to what each message asked for.
    private func readTextSections(_ reads: inout [MessageRead]) throws {
        var groups: [SectionGroup] = []
        var groupOf: [[String]: Int] = [:]
        for index in reads.indices where reads[index].stage == .parts {
            guard let structure = reads[index].structure else { continue }
            let plan = TextFetchPlan(structure: structure, budget: min(reads[index].left, config.maxTextFetchBytes),
                                     headerLimit: Self.headerProbeBytes)
            reads[index].plan = plan
            guard !plan.sections.isEmpty else {
                reads[index].finishSkeleton(with: [:])
                continue
            }
            let key = plan.groupKey
            if let group = groupOf[key], groups[group].admits(plan, within: Self.sectionGroupReplyLimit) {
                groups[group].add(index, plan)
            } else {
                groupOf[key] = groups.count
                groups.append(SectionGroup(index, plan))
            }
        }
        for group in groups {
            let uids = group.members.map { reads[$0].message.uid }
            let request = FetchRequest(sections: group.sections)
            let answers = try fetch(uids, request, budget: ReplyBudget(bytes: group.asked + ReplyBudget.overhead))
            for index in group.members {
                let uid = reads[index].message.uid
                let answer = answers[uid] ?? FetchResponse()
                let missing = FetchAnswers.missing(request, in: answer)
                guard missing.isEmpty else {
                    reads[index].fail(MissingAnswer(uid: uid, host: config.host, missing: missing))
                    continue
                }
                var sections: [String: [UInt8]] = [:]
                for section in reads[index].plan?.sections ?? [] {
                    let bytes = answer.sections[section.name] ?? []
                    sections[section.name] = section.length.map { Array(bytes.prefix($0)) } ?? bytes
                }
                reads[index].finishSkeleton(with: sections)
            }
        }
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

/// One message on its way through `messages(_:in:under:)`: what is known of it and what comes next.
private struct MessageRead {
    enum Stage: Equatable {
        /// Nothing more to fetch: `message` is complete, too large or carries a `fetchProblem`.
        case done
        /// Small: the whole message, at most `cap` bytes, in the batch's whole-message fetch.
        case whole(cap: Int)
        /// Its text sections, within `left`.
        case parts
    }

    var message: FetchedMessage
    var stage = Stage.done
    var header: [UInt8] = []
    var structure: MessagePart?
    /// What is left of `max_message_bytes` after what was fetched.
    var left = 0
    /// The text sections to fetch, once the message is read part by part.
    var plan: TextFetchPlan?

    mutating func fail(_ problem: MissingAnswer) {
        message.fetchProblem = problem.description
        stage = .done
    }

    /// Puts the message together from its header, its structure and the text `sections` fetched.
    mutating func finishSkeleton(with fetched: [String: [UInt8]]) {
        guard let structure, let plan else { return }
        var sections = fetched
        message.fetchedBytes += fetched.values.reduce(0) { $0 + $1.count }
        for name in plan.empty { sections[name] = [] }
        sections["HEADER"] = header
        message.raw = SkeletonMessage(structure: structure, sections: sections, truncated: plan.truncated).bytes
        stage = .done
    }
}

/// Messages of one batch that ask for the same text sections, fetched in one UID FETCH: each section
/// with the longest length any of them asks for.
private struct SectionGroup {
    private(set) var members: [Int]
    private(set) var sections: [SectionRequest]

    init(_ index: Int, _ plan: TextFetchPlan) {
        members = [index]
        sections = plan.sections
    }

    /// The most the server may send for the group.
    var asked: Int {
        members.count * sections.reduce(0) { $0 + ($1.length ?? 0) }
    }

    /// Whether `plan` (of the same group key) can join without the group asking for more than `limit`.
    func admits(_ plan: TextFetchPlan, within limit: Int) -> Bool {
        let widened = zip(sections, plan.sections).reduce(0) { $0 + max($1.0.length ?? 0, $1.1.length ?? 0) }
        return (members.count + 1) * widened <= limit
    }

    mutating func add(_ index: Int, _ plan: TextFetchPlan) {
        members.append(index)
        for (position, section) in plan.sections.enumerated() {
            sections[position].length = max(sections[position].length ?? 0, section.length ?? 0)
        }
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
    /// Sections asked for whole (their length is their size on the server).
    private(set) var whole: Set<String> = []

    /// What messages must share to be fetched in one command: the names of their sections, and the
    /// length of each one not asked for whole.
    var groupKey: [String] {
        sections.map { whole.contains($0.name) ? $0.name : "\($0.name)<\($0.length ?? 0)>" }
    }

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
            if length > 0 && length == body.size { whole.insert(part.section) }
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
