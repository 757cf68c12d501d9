import CEtPan
#if canImport(Glibc)
import Glibc
#endif

extension MailAddress {
    /// The mailboxes named in these header fields (groups flattened), with display names decoded.
    /// Falls back to picking out `local@domain` tokens when libetpan cannot parse the value.
    static func list(_ fields: [HeaderField]) -> [MailAddress] {
        fields.flatMap { parse($0.rawValue) }
    }

    static func parse(_ raw: [UInt8]) -> [MailAddress] {
        var addresses: [MailAddress] = []
        var index = 0
        var list: UnsafeMutablePointer<mailimf_address_list>?
        let code = raw.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                mailimf_address_list_parse(chars.baseAddress, chars.count, &index, &list)
            }
        }
        if code == Int32(MAILIMF_NO_ERROR), let list {
            defer { mailimf_address_list_free(list) }
            for address in EtPanList<mailimf_address>(list.pointee.ad_list) {
                switch Int(address.pointee.ad_type) {
                case MAILIMF_ADDRESS_MAILBOX:
                    if let mailbox = address.pointee.ad_data.ad_mailbox { addresses.append(MailAddress(mailbox)) }
                case MAILIMF_ADDRESS_GROUP:
                    let members = address.pointee.ad_data.ad_group?.pointee.grp_mb_list?.pointee.mb_list
                    for mailbox in EtPanList<mailimf_mailbox>(members) { addresses.append(MailAddress(mailbox)) }
                default:
                    continue
                }
            }
        }
        return addresses.isEmpty ? scanForAddresses(raw) : addresses
    }

    private init(_ mailbox: UnsafeMutablePointer<mailimf_mailbox>) {
        let name = mailbox.pointee.mb_display_name.map { pointer in
            EncodedWords.decode(Array(UnsafeRawBufferPointer(start: pointer, count: strlen(pointer))))
                .trimmingWhitespace()
        }
        let address = mailbox.pointee.mb_addr_spec.map { String(cString: $0) } ?? ""
        self.init(name: name?.isEmpty == true ? nil : name, address: address)
    }

    private static func scanForAddresses(_ raw: [UInt8]) -> [MailAddress] {
        let text = EncodedWords.decode(raw)
        let separators: Set<Character> = [" ", "\t", "<", ">", ",", ";", "\"", "(", ")", "[", "]"]
        return text.split(whereSeparator: { separators.contains($0) })
            .filter { $0.contains("@") && $0.first != "@" && $0.last != "@" }
            .map { MailAddress(name: nil, address: String($0)) }
    }
}
