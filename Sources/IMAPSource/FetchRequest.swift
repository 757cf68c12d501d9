import CEtPan

/// What one UID FETCH asks for, besides the UID itself.
struct FetchRequest: Sendable, Equatable {
    var size = false
    var flags = false
    var structure = false
    var sections: [SectionRequest] = []
}

/// A body section asked for with BODY.PEEK, whole or from `origin` for at most `length` octets.
struct SectionRequest: Sendable, Equatable {
    /// `HEADER`, `1.2`, `2.HEADER`; empty for the whole message.
    var name: String
    var origin: Int = 0
    /// nil for the whole section.
    var length: Int?

    /// As IMAP writes it: `BODY[1.2]<0.4096>`.
    var imapName: String {
        "BODY[\(name)]" + (length.map { "<\(origin).\($0)>" } ?? "")
    }

    /// A libetpan fetch attribute for this section; the fetch type it is added to frees it.
    func attribute() -> UnsafeMutablePointer<mailimap_fetch_att> {
        let section = SectionName.make(name)
        guard let length else { return mailimap_fetch_att_new_body_peek_section(section) }
        return mailimap_fetch_att_new_body_peek_section_partial(section, UInt32(clamping: origin), UInt32(clamping: length))
    }
}

/// Puts the FETCH responses of one command together per message. RFC 3501 lets a server send a
/// FETCH response at any time (another client changed a flag: `* 4 FETCH (FLAGS (\Seen))`, with or
/// without the UID) and split one message's answer over several responses; EXISTS, EXPUNGE, RECENT
/// and FLAGS responses never reach this list.
enum FetchAnswers {
    /// The answers for `uids`, by UID. A response without a UID cannot be told apart from one for
    /// another message and is dropped, as is one for a UID not asked for; responses for the same UID
    /// are merged in the order they came.
    static func match(_ responses: [FetchResponse], to uids: [UInt32]) -> [UInt32: FetchResponse] {
        let wanted = Set(uids)
        var answers: [UInt32: FetchResponse] = [:]
        for response in responses {
            guard let uid = response.uid, wanted.contains(uid) else { continue }
            if answers[uid] == nil {
                answers[uid] = response
            } else {
                answers[uid]?.merge(response)
            }
        }
        return answers
    }

    /// What `request` asked for and `answer` does not hold, named as IMAP names it.
    static func missing(_ request: FetchRequest, in answer: FetchResponse) -> [String] {
        var missing: [String] = []
        if request.size && answer.size == nil { missing.append("RFC822.SIZE") }
        if request.flags && answer.flags == nil { missing.append("FLAGS") }
        if request.structure && answer.structure == nil { missing.append("BODYSTRUCTURE") }
        for section in request.sections {
            if answer.sections[section.name] == nil || (answer.origins[section.name] ?? 0) != section.origin {
                missing.append(section.imapName)
            }
        }
        return missing
    }
}
