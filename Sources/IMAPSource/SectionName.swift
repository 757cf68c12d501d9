import CEtPan
import Glibc

/// Converts between IMAP section names as notegate writes them (`HEADER`, `TEXT`, `1.2`, `2.HEADER`, and
/// the empty name for the whole message) and libetpan's section structures.
enum SectionName {
    /// A newly allocated libetpan section for `name`; the fetch attribute that takes it frees it.
    static func make(_ name: String) -> UnsafeMutablePointer<mailimap_section> {
        if name.isEmpty { return mailimap_section_new(nil) }
        if name == "HEADER" { return mailimap_section_new_header() }
        if name == "TEXT" { return mailimap_section_new_text() }
        var numbers = name.split(separator: ".")
        let wantsHeader = numbers.last == "HEADER"
        if wantsHeader { numbers.removeLast() }
        let identifiers = clist_new()!
        for number in numbers {
            let identifier = malloc(MemoryLayout<UInt32>.size)!.assumingMemoryBound(to: UInt32.self)
            identifier.pointee = UInt32(number) ?? 0
            _ = cetpan_clist_append(identifiers, identifier)
        }
        let part = mailimap_section_part_new(identifiers)
        return wantsHeader ? mailimap_section_new_part_header(part) : mailimap_section_new_part(part)
    }

    /// The name of a section the server answered with.
    static func name(of section: UnsafeMutablePointer<mailimap_section>?) -> String {
        guard let spec = section?.pointee.sec_spec?.pointee else { return "" }
        if Int(spec.sec_type) == MAILIMAP_SECTION_SPEC_SECTION_MSGTEXT {
            return textName(spec.sec_data.sec_msgtext)
        }
        let numbers = CList<UInt32>(spec.sec_data.sec_part?.pointee.sec_id).map { String($0.pointee) }
        var name = numbers.joined(separator: ".")
        if let text = spec.sec_text?.pointee {
            let suffix = Int(text.sec_type) == MAILIMAP_SECTION_TEXT_MIME ? "MIME" : textName(text.sec_msgtext)
            name += "." + suffix
        }
        return name
    }

    private static func textName(_ text: UnsafeMutablePointer<mailimap_section_msgtext>?) -> String {
        Int(text?.pointee.sec_type ?? -1) == MAILIMAP_SECTION_MSGTEXT_HEADER ? "HEADER" : "TEXT"
    }
}
