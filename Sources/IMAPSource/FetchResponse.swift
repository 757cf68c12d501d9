import CEtPan

/// One FETCH response, copied out of libetpan's response list. A server may send FETCH responses
/// at any time (another client set a flag) and may split one message's answer over several, so
/// every field is optional until `FetchAnswers` has put the responses for a UID together.
struct FetchResponse: Sendable {
    var uid: UInt32?
    var size: Int?
    var flags: [String]?
    var structure: MessagePart?
    /// Body sections by name as requested (`HEADER`, `1.2`, `2.HEADER`, and `` for the whole message).
    var sections: [String: [UInt8]] = [:]
    /// The first octet of each section in `sections` (`BODY[1]<0>`); 0 when the answer gave none.
    var origins: [String: Int] = [:]

    init(uid: UInt32? = nil, size: Int? = nil, flags: [String]? = nil, structure: MessagePart? = nil,
         sections: [String: [UInt8]] = [:]) {
        self.uid = uid
        self.size = size
        self.flags = flags
        self.structure = structure
        self.sections = sections
        origins = sections.mapValues { _ in 0 }
    }

    init(_ attributes: UnsafeMutablePointer<mailimap_msg_att>) {
        for item in CList<mailimap_msg_att_item>(attributes.pointee.att_list) {
            switch Int(item.pointee.att_type) {
            case MAILIMAP_MSG_ATT_ITEM_DYNAMIC:
                flags = CList<mailimap_flag_fetch>(item.pointee.att_data.att_dyn?.pointee.att_list).compactMap(flagName)
            case MAILIMAP_MSG_ATT_ITEM_STATIC:
                if let value = item.pointee.att_data.att_static { read(value.pointee) }
            default:
                continue
            }
        }
    }

    /// Adds what `later`, another response for the same message, says: sections and the
    /// structure this one lacks, and the newer size and flags.
    mutating func merge(_ later: FetchResponse) {
        uid = uid ?? later.uid
        size = later.size ?? size
        flags = later.flags ?? flags
        structure = structure ?? later.structure
        for (name, bytes) in later.sections where sections[name] == nil {
            sections[name] = bytes
            origins[name] = later.origins[name] ?? 0
        }
    }

    private mutating func read(_ value: mailimap_msg_att_static) {
        switch Int(value.att_type) {
        case MAILIMAP_MSG_ATT_UID:
            uid = value.att_data.att_uid
        case MAILIMAP_MSG_ATT_RFC822_SIZE:
            size = Int(value.att_data.att_rfc822_size)
        case MAILIMAP_MSG_ATT_BODYSTRUCTURE:
            structure = value.att_data.att_bodystructure.map { MessagePart(body: $0) }
        case MAILIMAP_MSG_ATT_BODY_SECTION:
            guard let section = value.att_data.att_body_section?.pointee else { return }
            let bytes = section.sec_body_part.map {
                Array(UnsafeRawBufferPointer(start: $0, count: section.sec_length))
            } ?? []
            let name = SectionName.name(of: section.sec_section)
            sections[name] = bytes
            origins[name] = Int(section.sec_origin_octet)
        default:
            return
        }
    }
}

private func flagName(_ fetched: UnsafeMutablePointer<mailimap_flag_fetch>) -> String? {
    if Int(fetched.pointee.fl_type) == MAILIMAP_FLAG_FETCH_RECENT { return "\\Recent" }
    guard let flag = fetched.pointee.fl_flag?.pointee else { return nil }
    switch Int(flag.fl_type) {
    case MAILIMAP_FLAG_ANSWERED: return "\\Answered"
    case MAILIMAP_FLAG_FLAGGED: return "\\Flagged"
    case MAILIMAP_FLAG_DELETED: return "\\Deleted"
    case MAILIMAP_FLAG_SEEN: return "\\Seen"
    case MAILIMAP_FLAG_DRAFT: return "\\Draft"
    case MAILIMAP_FLAG_KEYWORD: return flag.fl_data.fl_keyword.map { String(cString: $0) }
    default: return flag.fl_data.fl_extension.map { "\\" + String(cString: $0) }
    }
}
