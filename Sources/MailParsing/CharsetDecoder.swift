#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Converts text in any charset mail uses to UTF-8 with iconv. Never fails: bytes that cannot be
/// decoded become U+FFFD. Linear in the input's length.
public enum CharsetDecoder {
    /// Decodes `bytes` declared as `charset` (nil or unknown: UTF-8 if valid, else windows-1252).
    public static func decode<Bytes: Collection<UInt8>>(_ bytes: Bytes, charset: String?) -> String {
        let name = effectiveCharset(for: bytes, declared: charset)
        if name == "UTF-8" { return String(decoding: bytes, as: UTF8.self) }
        if name == "US-ASCII" { return String(decoding: bytes, as: UTF8.self) }
        return convert(Array(bytes), from: name) ?? String(decoding: bytes, as: UTF8.self)
    }

    /// The iconv name to use for `bytes` declared as `declared`.
    static func effectiveCharset<Bytes: Collection<UInt8>>(for bytes: Bytes, declared: String?) -> String {
        let canonical = declared.map(canonicalName) ?? ""
        switch canonical {
        case "", "US-ASCII", "UNKNOWN-8BIT", "X-UNKNOWN", "DEFAULT":
            if bytes.allSatisfy({ $0 < 0x80 }) { return "US-ASCII" }
            return isValidUTF8(bytes) ? "UTF-8" : "WINDOWS-1252"
        case "ISO-8859-1":
            // Browsers read a declared Latin-1 as windows-1252: 0x80-0x9F are its curly quotes, dashes and euro sign.
            return bytes.contains(where: { $0 >= 0x80 && $0 <= 0x9F }) ? "WINDOWS-1252" : canonical
        default:
            return canonical
        }
    }

    /// Maps the charset names seen in real mail to names glibc's iconv knows, preferring supersets
    /// (GB18030 for GB2312/GBK, CP949 for EUC-KR, CP932 for Shift_JIS) as mail clients do.
    static func canonicalName(_ raw: String) -> String {
        var name = raw.trimmingWhitespace().uppercased()
        if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 { name = String(name.dropFirst().dropLast()) }
        switch name {
        case "UTF8", "UTF-8", "UNICODE-1-1-UTF-8", "X-UNICODE20UTF8": return "UTF-8"
        case "ASCII", "US-ASCII", "ANSI_X3.4-1968", "IBM367", "CP367", "646", "US": return "US-ASCII"
        case "LATIN1", "L1", "ISO8859-1", "ISO_8859-1", "ISO-8859-1", "ISO8859_1", "IBM819", "CP819": return "ISO-8859-1"
        case "GB2312", "GBK", "CP936", "X-GBK", "EUC-CN", "GB18030", "CSGB2312": return "GB18030"
        case "EUC-KR", "KS_C_5601-1987", "KS_C_5601", "KSC5601", "CP949", "UHC", "X-WINDOWS-949": return "CP949"
        case "SHIFT_JIS", "SHIFT-JIS", "SJIS", "X-SJIS", "MS_KANJI", "WINDOWS-31J", "CP932", "CSSHIFTJIS": return "CP932"
        case "BIG5", "BIG-5", "CN-BIG5", "X-X-BIG5", "CSBIG5": return "BIG5"
        case "ISO-8859-8-I": return "ISO-8859-8"
        case "UTF-7", "UNICODE-1-1-UTF-7", "X-UNICODE20UTF7": return "UTF-7"
        default:
            if name.hasPrefix("CP125"), name.count == 6 { return "WINDOWS-" + name.dropFirst(2) }
            if name.hasPrefix("X-MAC-") { return "MAC" + name.dropFirst(6) }
            return name
        }
    }

    static func isValidUTF8<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// Runs iconv over the whole input, replacing each undecodable byte with U+FFFD.
    /// Returns nil when iconv does not know the charset.
    static func convert(_ input: [UInt8], from charset: String) -> String? {
        IconvConverters.shared.withConverter(from: charset) { converter in
            input.isEmpty ? "" : convert(input, with: converter)
        }
    }

    /// Converts with `converter`, which is in its initial shift state.
    private static func convert(_ input: [UInt8], with converter: iconv_t) -> String {
        var output = [UInt8](repeating: 0, count: input.count * 3 + 16)
        var produced = 0
        var mutableInput = input
        mutableInput.withUnsafeMutableBufferPointer { inBuffer in
            var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress)?
                .assumingMemoryBound(to: CChar.self)
            var inLeft = inBuffer.count
            while inLeft > 0 {
                if output.count - produced < 16 { output.append(contentsOf: repeatElement(0, count: output.count)) }
                let result = output.withUnsafeMutableBufferPointer { outBuffer -> (Int, Int32) in
                    var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress! + produced)
                        .assumingMemoryBound(to: CChar.self)
                    var outLeft = outBuffer.count - produced
                    let status = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                    let written = outBuffer.count - produced - outLeft
                    return (written, status == -1 ? errno : 0)
                }
                produced += result.0
                switch result.1 {
                case 0:
                    continue
                case E2BIG:
                    output.append(contentsOf: repeatElement(0, count: output.count))
                case EILSEQ, EINVAL:
                    // Undecodable or truncated sequence: emit U+FFFD, skip one byte, reset the shift state.
                    if output.count - produced < 3 { output.append(contentsOf: repeatElement(0, count: 16)) }
                    output.replaceSubrange(produced..<produced + 3, with: [0xEF, 0xBF, 0xBD])
                    produced += 3
                    inPointer = inPointer.map { $0 + 1 }
                    inLeft -= 1
                    iconv(converter, nil, nil, nil, nil)
                default:
                    inLeft = 0
                }
            }
        }
        // Flush a stateful encoding (ISO-2022-JP) back to its initial state.
        output.withUnsafeMutableBufferPointer { outBuffer in
            var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress! + produced)
                .assumingMemoryBound(to: CChar.self)
            var outLeft = outBuffer.count - produced
            iconv(converter, nil, nil, &outPointer, &outLeft)
            produced = outBuffer.count - outLeft
        }
        return String(decoding: output[0..<produced], as: UTF8.self)
    }
}
