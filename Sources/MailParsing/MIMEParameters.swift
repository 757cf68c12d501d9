import CEtPan

/// The parameters of a part's Content-Type and Content-Disposition, with RFC 2231 continuations and
/// charsets (`filename*0*=UTF-8''...`) and the common non-standard RFC 2047 values decoded.
struct MIMEParameters {
    var contentType: [String: String] = [:]
    var disposition: [String: String] = [:]

    init(_ content: UnsafeMutablePointer<mailmime_content>?,
         disposition dispositionField: UnsafeMutablePointer<mailmime_disposition>?) {
        var typePairs: [(String, String)] = []
        for parameter in EtPanList<mailmime_parameter>(content?.pointee.ct_parameters) {
            if let pair = Self.pair(parameter.pointee) { typePairs.append(pair) }
        }
        var dispositionPairs: [(String, String)] = []
        for parameter in EtPanList<mailmime_disposition_parm>(dispositionField?.pointee.dsp_parms) {
            let data = parameter.pointee.pa_data
            switch Int(parameter.pointee.pa_type) {
            case MAILMIME_DISPOSITION_PARM_FILENAME:
                if let name = data.pa_filename { dispositionPairs.append(("filename", String(cString: name))) }
            case MAILMIME_DISPOSITION_PARM_SIZE:
                dispositionPairs.append(("size", String(data.pa_size)))
            case MAILMIME_DISPOSITION_PARM_PARAMETER:
                if let raw = data.pa_parameter, let pair = Self.pair(raw.pointee) { dispositionPairs.append(pair) }
            default:
                continue
            }
        }
        contentType = Self.combine(typePairs)
        disposition = Self.combine(dispositionPairs)
    }

    private static func pair(_ parameter: mailmime_parameter) -> (String, String)? {
        guard let name = parameter.pa_name, let value = parameter.pa_value else { return nil }
        return (String(cString: name).lowercased(), String(cString: value))
    }

    /// Joins `name*0`, `name*1*`, … in order and decodes `charset'language'%XX` values.
    static func combine(_ pairs: [(String, String)]) -> [String: String] {
        var plain: [String: String] = [:]
        var segments: [String: [(index: Int, encoded: Bool, value: String)]] = [:]
        for (name, value) in pairs {
            guard let star = name.firstIndex(of: "*") else {
                if plain[name] == nil { plain[name] = Self.unquote(value) }
                continue
            }
            let base = String(name[..<star])
            var rest = name[name.index(after: star)...]
            let encoded = rest.hasSuffix("*") || rest.isEmpty
            if rest.hasSuffix("*") { rest = rest.dropLast() }
            segments[base, default: []].append((Int(rest) ?? 0, encoded, Self.unquote(value)))
        }
        var result: [String: String] = [:]
        for (name, value) in plain {
            result[name] = EncodedWords.decode(Array(value.utf8))
        }
        for (name, parts) in segments {
            var charset: String?
            var bytes: [UInt8] = []
            for (position, part) in parts.sorted(by: { $0.index < $1.index }).enumerated() {
                var value = Substring(part.value)
                if part.encoded && position == 0 {
                    let fields = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                    if fields.count == 3 {
                        charset = fields[0].isEmpty ? nil : String(fields[0])
                        value = fields[2]
                    }
                }
                bytes += part.encoded
                    ? QuotedPrintable.decode(value.utf8, underscoreIsSpace: false, escape: UInt8(ascii: "%"))
                    : Array(value.utf8)
            }
            result[name] = CharsetDecoder.decode(bytes, charset: charset)
        }
        return result
    }

    private static func unquote(_ value: String) -> String {
        guard value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") else { return value }
        return String(value.dropFirst().dropLast())
    }
}
