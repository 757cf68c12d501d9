/// One line of a message body, with the questions the quote trimmer asks of every line.
struct ReplyLine {
    /// The line as written, without its line feed.
    let text: Substring
    /// Whether the last character that is not a space is a colon (or the full-width colon of Chinese and
    /// Japanese); every attribution ends so, which rules most lines out early.
    let endsWithColon: Bool
    /// Empty or whitespace only.
    let isBlank: Bool
    /// A line of quoted history: starts with ">" (after indentation), or with "|" as some clients quote;
    /// a line that also ends with "|" is a table row, not a quote.
    let isQuoted: Bool

    /// The first byte that is not a space or tab (0 for a blank line).
    let firstByte: UInt8
    /// The header field name the line starts with and where its value starts in the line's UTF-8, when
    /// it is a history header field line (`HistoryHeaderField`): read once from the bytes, as header
    /// blocks look at a line up to twice. Only lines with a colon within the first bytes are read for it.
    let headerField: (name: HistoryHeaderField.Name, valueStart: UInt16)?
    /// Set in dashes at both ends, as Zoho writes attributions (`---- On … wrote ----`): asked of every
    /// line's next three lines, so answered once from the bytes.
    let isDashed: Bool

    /// The questions asked of every line are answered once, from the bytes at either end.
    init(text: Substring) {
        self.init(text: text, flags: text.utf8.withContiguousStorageIfAvailable(Self.flags) ?? Self.flags(Array(text.utf8)))
    }

    /// The answers read from a line's bytes.
    private typealias Flags = (first: UInt8, isQuoted: Bool, endsWithColon: Bool, headerField: (name: HistoryHeaderField.Name, valueStart: UInt16)?, isDashed: Bool)

    /// A line whose UTF-8 is `bytes` (a slice of the text's contiguous UTF-8, read by `QuoteTrimmer.lines`).
    init(text: Substring, bytes: Slice<UnsafeBufferPointer<UInt8>>) {
        self.init(text: text, flags: Self.flags(bytes))
    }

    private init(text: Substring, flags: Flags) {
        self.text = text
        firstByte = flags.first
        isQuoted = flags.isQuoted
        endsWithColon = flags.endsWithColon
        headerField = flags.headerField
        isDashed = flags.isDashed
        // A line of no-break or other Unicode spaces is blank too. Every Unicode space outside ASCII starts
        // with C2, E1, E2 or E3 in UTF-8: a line that starts with another byte above 7F is not blank (with
        // a space before it, the byte could be a mark that joins the space's character, so it is read).
        let opensWithNonSpace = text.utf8.first == flags.first && ![0xC2, 0xE1, 0xE2, 0xE3].contains(flags.first)
        isBlank = flags.first == 0 || (flags.first >= 0x80 && !opensWithNonSpace && text.allSatisfy(\.isWhitespace))
    }

    /// How far into a line a header field's colon may stand: the longest name in bytes, padding and `**`.
    static let earlyColonBytes = 48

    private static func flags(_ bytes: UnsafeBufferPointer<UInt8>) -> Flags {
        flags(bytes[...])
    }

    private static func flags(_ bytes: [UInt8]) -> Flags {
        bytes.withUnsafeBufferPointer { flags($0[...]) }
    }

    private static func flags(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Flags {
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return (0, false, false, nil, false) }
        let isQuoted = switch bytes[first] {
        case UInt8(ascii: ">"): true
        case UInt8(ascii: "|"): first == last || bytes[last] != UInt8(ascii: "|")
        default: false
        }
        // U+FF1A FULLWIDTH COLON is EF BC 9A in UTF-8.
        let endsWithColon = bytes[last] == UInt8(ascii: ":")
            || (bytes[last] == 0x9A && last - bytes.startIndex >= 2 && bytes[last - 1] == 0xBC && bytes[last - 2] == 0xEF)
        let hasEarlyColon = bytes[first..<min(first + earlyColonBytes, bytes.endIndex)]
            .contains { $0 == UInt8(ascii: ":") || $0 == 0xEF }
        // "--" at both ends, three bytes apart or more, and something other than dashes and spaces between.
        let dash = UInt8(ascii: "-")
        let isDashed = bytes[first] == dash && bytes[last] == dash && last - first >= 3
            && bytes[first + 1] == dash && bytes[last - 1] == dash
            && bytes[first...last].contains { $0 != dash && !isSpace($0) }
        // A header field's name is short: a line without a colon in its first bytes is ruled out unread.
        let headerField = hasEarlyColon ? HistoryHeaderField.nameAndValueStart(UnsafeBufferPointer(rebasing: bytes)) : nil
        return (bytes[first], isQuoted, endsWithColon, headerField, isDashed)
    }

    /// The line without leading and trailing whitespace (no-break spaces included).
    var trimmed: Substring {
        // ASCII whitespace is dropped by its bytes when the bytes kept at either end are ASCII: then both cuts
        // are character boundaries (no ASCII character joins a space, and no space joins one), and the
        // characters dropped are whitespace. Other lines are read character by character.
        let bytes = text.utf8
        var byteStart = bytes.startIndex
        var byteEnd = bytes.endIndex
        while byteStart < byteEnd, Self.isASCIIWhitespace(bytes[byteStart]) { byteStart = bytes.index(after: byteStart) }
        while byteEnd > byteStart, Self.isASCIIWhitespace(bytes[bytes.index(before: byteEnd)]) { byteEnd = bytes.index(before: byteEnd) }
        if byteStart == byteEnd || (bytes[byteStart] < 0x80 && bytes[bytes.index(before: byteEnd)] < 0x80) {
            return text[byteStart..<byteEnd]
        }
        let start = text.drop { $0.isWhitespace }
        var end = start.endIndex
        while end > start.startIndex, start[start.index(before: end)].isWhitespace {
            end = start.index(before: end)
        }
        return start[..<end]
    }

    /// Tab, line feed, vertical tab, form feed, carriage return, space: the ASCII scalars that are
    /// Unicode white space (what `Character.isWhitespace` says of them).
    private static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || (byte >= 0x09 && byte <= 0x0D)
    }

    /// Indented, not blank: continues the header field above it.
    var isContinuation: Bool { (text.first == " " || text.first == "\t") && !isBlank }

    /// The signature delimiter: "-- " by convention (RFC 3676), "--" as often written.
    var isSignatureDelimiter: Bool {
        text.utf8.starts(with: [UInt8(ascii: "-"), UInt8(ascii: "-")]) && trimmed == "--"
    }

    /// A line drawn to set a signature apart: an em or en dash alone, or at least two of `_ * = ~ # + - — –`
    /// and nothing else but spaces ("* * *", "=====", "___", "—————"). Only a delimiter near the end of the text.
    var isSignatureRule: Bool {
        // "_ * = ~ # + -" or the first byte of "—" and "–" (E2 80 94, E2 80 93).
        guard [0x5F, 0x2A, 0x3D, 0x7E, 0x23, 0x2B, 0x2D, 0xE2].contains(firstByte), text.utf8.count <= 120 else { return false }
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
