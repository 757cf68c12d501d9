/// A JSON string literal written byte by byte, for the small fixed objects the client sends and the gateway keeps
/// (a note's body, a receipt in the ledger): Foundation's writers cost more than the rest of a local call.
public enum JSONString {
    /// `text` as a JSON string, quotes included: `"` and `\` escaped, the control characters below U+0020 as
    /// `\n`, `\r`, `\t`, `\b`, `\f` or `\u00XX`, every other character as its own UTF-8 (RFC 8259, section 7).
    public static func quoted(_ text: String) -> String {
        var json: [UInt8] = []
        json.reserveCapacity(text.utf8.count + 2)
        json.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): json += [UInt8(ascii: "\\"), byte]
            case 0x0A: json += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: json += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: json += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x08: json += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: json += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0..<0x20:
                json += Array("\\u00".utf8)
                json += [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
            default: json.append(byte)
            }
        }
        json.append(UInt8(ascii: "\""))
        // Only ASCII bytes were added or replaced, so the text stays valid UTF-8.
        return String(decoding: json, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
