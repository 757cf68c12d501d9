/// One line of a message body, with the questions the quote trimmer asks of every line.
struct ReplyLine {
    /// The line as written, without its line feed.
    let text: Substring

    /// The line without leading and trailing whitespace (no-break spaces included).
    var trimmed: Substring {
        let start = text.drop { $0.isWhitespace }
        var end = start.endIndex
        while end > start.startIndex, start[start.index(before: end)].isWhitespace {
            end = start.index(before: end)
        }
        return start[..<end]
    }

    /// Whether the last character that is not a space is a colon (or the full-width colon of Chinese and
    /// Japanese); cheap, to rule lines out early.
    var endsWithColon: Bool {
        let bytes = text.utf8
        guard let last = bytes.lastIndex(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") && $0 != UInt8(ascii: "\r") })
        else { return false }
        if bytes[last] == UInt8(ascii: ":") { return true }
        // U+FF1A FULLWIDTH COLON is EF BC 9A in UTF-8.
        return bytes[last] == 0x9A && bytes.distance(from: bytes.startIndex, to: last) >= 2
            && bytes[bytes.index(last, offsetBy: -1)] == 0xBC && bytes[bytes.index(last, offsetBy: -2)] == 0xEF
    }

    /// Empty or whitespace only.
    var isBlank: Bool { text.allSatisfy(\.isWhitespace) }

    /// A line of quoted history: starts with ">" (after indentation), or with "|" as some clients quote;
    /// a line that also ends with "|" is a table row, not a quote.
    var isQuoted: Bool {
        let start = text.drop { $0 == " " || $0 == "\t" }
        switch start.first {
        case ">": return true
        case "|": return start.count == 1 || trimmed.last != "|"
        default: return false
        }
    }

    /// Indented, not blank: continues the header field above it.
    var isContinuation: Bool { (text.first == " " || text.first == "\t") && !isBlank }

    /// The signature delimiter: "-- " by convention (RFC 3676), "--" as often written.
    var isSignatureDelimiter: Bool { text.hasPrefix("--") && trimmed == "--" }

    /// A line drawn to set a signature apart: an em or en dash alone, or at least two of `_ * = ~ # + - — –`
    /// and nothing else but spaces ("* * *", "=====", "___", "—————"). Only a delimiter near the end of the text.
    var isSignatureRule: Bool {
        guard text.utf8.count <= 120 else { return false }
        let line = trimmed
        if line == "—" || line == "–" { return true }
        var marks = 0
        for scalar in line.unicodeScalars {
            switch scalar {
            case "_", "*", "=", "~", "#", "+", "-", "—", "–": marks += 1
            case " ", "\t": continue
            default: return false
            }
        }
        return marks >= 2
    }
}
