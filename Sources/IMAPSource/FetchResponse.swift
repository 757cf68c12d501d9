import CEtPan

/// One message's answer to a UID FETCH, copied out of libetpan's response list.
struct FetchResponse: Sendable {
    var uid: UInt32 = 0
    var size: Int = 0
    var flags: [String] = []
    var structure: MessagePart?
    /// Body sections by name as requested (`HEADER`, `1.2`, `2.HEADER`, and `` for the whole message).
    var sections: [String: [UInt8]] = [:]

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
            sections[SectionName.name(of: section.sec_section)] = bytes
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
