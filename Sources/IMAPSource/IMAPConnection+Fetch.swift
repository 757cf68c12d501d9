import CEtPan
import Foundation

// The two-step fetch: structure first, then only the sections that carry text.
extension IMAPConnection {
    /// Below this size the whole message is fetched at once: cheaper than a second round trip.
    static let wholeMessageLimit = 64 * 1024

    /// Fetches the given messages of the selected folder without changing their flags; `checkpoint`
    /// gives their UIDVALIDITY and the first-start boundary.
    func messages(_ uids: [UInt32], in mailbox: MailboxKey, under checkpoint: Checkpoint) throws -> [FetchedMessage] {
        let summaries = try fetch(uids, sections: ["HEADER"], structure: true)
        return try summaries.map { summary in
            let isTooLarge = summary.size > config.maxMessageBytes
            let raw: [UInt8]
            if isTooLarge || summary.structure == nil {
                raw = skeleton(summary, sections: [:])
            } else if summary.size < Self.wholeMessageLimit {
                raw = try fetch([summary.uid], sections: [""], structure: false).first?.sections[""] ?? []
            } else {
                let wanted = summary.structure?.textSections ?? []
                let text = wanted.isEmpty ? [:] : try fetch([summary.uid], sections: wanted, structure: false).first?.sections
                raw = skeleton(summary, sections: text ?? [:])
            }
            return FetchedMessage(mailbox: mailbox, uidValidity: checkpoint.uidValidity, uid: summary.uid,
                                  size: summary.size, flags: summary.flags, raw: raw, isTooLarge: isTooLarge,
                                  isBeforeStart: summary.uid < checkpoint.startUID)
        }
    }

    private func skeleton(_ summary: FetchResponse, sections: [String: [UInt8]]) -> [UInt8] {
        guard let structure = summary.structure else { return summary.sections["HEADER"] ?? [] }
        let all = sections.merging(summary.sections) { fetched, _ in fetched }
        return SkeletonMessage(structure: structure, sections: all).bytes
    }

    /// UID FETCH of UID, RFC822.SIZE and FLAGS, plus BODY.PEEK of `sections` and, when asked,
    /// BODYSTRUCTURE. Answers are in UID order.
    private func fetch(_ uids: [UInt32], sections: [String], structure: Bool) throws -> [FetchResponse] {
        let session = try requireSession()
        let request = mailimap_fetch_type_new_fetch_att_list_empty()!
        defer { mailimap_fetch_type_free(request) }
        var attributes = [mailimap_fetch_att_new_uid(), mailimap_fetch_att_new_rfc822_size(), mailimap_fetch_att_new_flags()]
        if structure { attributes.append(mailimap_fetch_att_new_bodystructure()) }
        attributes += sections.map { mailimap_fetch_att_new_body_peek_section(SectionName.make($0)) }
        for attribute in attributes {
            mailimap_fetch_type_new_fetch_att_list_add(request, attribute)
        }
        var result: UnsafeMutablePointer<clist>?
        try check(withUIDSet(uids) { mailimap_uid_fetch(session, $0, request, &result) }, "UID FETCH")
        defer { mailimap_fetch_list_free(result) }
        return CList<mailimap_msg_att>(result).map(FetchResponse.init).sorted { $0.uid < $1.uid }
    }
}
