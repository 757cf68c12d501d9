/// Removes quoted reply history, signatures and app footers from a message body, keeping forwarded
/// content, and says what it cut and why.
///
/// What is cut, from the first place it appears (each rule is a `TrimRule`):
/// - an attribution ("On <date>, <name> wrote:" and its forms in other languages, see `Attribution`)
///   followed by unquoted history (as Yahoo and Zoho write it) or by the quoted block that ends the text;
/// - an "Original Message" line or a `___` rule with a header block (From:/Sent:/To:/Subject: and
///   translations, see `HistoryHeaderField`), or such a header block alone, when it introduces a reply;
/// - a block of `>`- or `|`-quoted lines at the end, even without attribution;
/// - the signature after a "-- " or "--" line, or after a drawn line near the end ("—", "___", "* * *");
/// - app footers at the end of the sender's text ("Sent from my iPhone", see `ClientFooter`).
///
/// Quoted lines above the sender's text: one quoted block under an attribution is a bottom-posted
/// reply's history and is cut. Quoted lines without an attribution that the sender answers below, or
/// quoted blocks and answers that alternate, are an inline reply and are kept, because the answers mean
/// little without the questions they follow; only quoted lines after the last answer are cut.
///
/// Forwarded content is kept: from a "Forwarded message" line, Apple's "Begin forwarded message:", or a
/// header block whose subject starts with "FW:"/"Fwd:"/"WG:"/"TR:"/"RV:"/"Doorst:" (or Thunderbird's
/// "Original Message" block that starts with the subject), everything stays except a final signature.
/// A header block with any other subject is taken for a reply.
///
/// Works line by line, each line looked at a bounded number of times, so it takes time linear in the
/// length of the text.
public struct QuoteTrimmer: Sendable {
    public init() {}

    /// The text the sender actually wrote. Returns the input unchanged when nothing is recognised.
    public func trim(_ text: String) -> String {
        trimming(text).text
    }

    /// The text the sender actually wrote and what was cut to get it. The text is the input unchanged,
    /// with no cuts, when nothing is recognised or when trimming would leave nothing.
    public func trimming(_ text: String) -> TrimmedText {
        // Split on the byte: a line feed is never part of a longer UTF-8 sequence, and this is much
        // faster than splitting on characters.
        let lines = Self.lines(of: text)
        var cuts: [(lines: Range<Int>, rule: TrimRule)] = []
        let markers = HistoryMarkers(lines)
        let historyStart = markers.history?.line ?? lines.count
        var ownEnd = historyStart
        if let signature = markers.signature, signature < historyStart {
            cuts.append((signature..<historyStart, .signature))
            ownEnd = signature
        }
        var forwarded: [Int] = []
        if let history = markers.history {
            if history.kind == .forward {
                let signature = finalSignature(lines, from: history.line)
                forwarded = withoutBlankEnds(Array(history.line..<(signature ?? lines.count)), lines)
                if let signature {
                    cuts.append((signature..<lines.count, .forwardSignature))
                }
            } else {
                cuts.append((history.line..<lines.count, history.rule))
            }
        }
        // A mailing list's or app's footer can follow the quoted history: taken off first, the history
        // is at the end, where it is cut.
        if let last = lines[..<ownEnd].lastIndex(where: { !$0.isBlank }), !lines[last].isQuoted {
            var own = Array(0...last)
            cuts += cutFooterAndSignatureRule(from: &own, lines)
            ownEnd = own.last.map { $0 + 1 } ?? 0
        }
        if let quoteStart = trailingQuoteStart(lines, before: ownEnd) {
            let attribution = attributionStart(lines, endingBefore: quoteStart, from: 0)
            cuts.append(((attribution ?? quoteStart)..<ownEnd, attribution == nil ? .trailingQuote : .attribution))
            ownEnd = attribution ?? quoteStart
        }
        var own = Array(0..<ownEnd)
        if let block = bottomPostedQuote(lines, before: ownEnd) {
            cuts.append((block, .quoteAboveReply))
            own = withoutBlankEnds(Array(0..<block.lowerBound), lines) + [Self.blankLine]
                + Array(block.upperBound..<ownEnd)
        }
        own = withoutBlankEnds(own, lines)
        cuts += cutFooterAndSignatureRule(from: &own, lines)
        guard !cuts.isEmpty else { return TrimmedText(text: text, cuts: []) }

        let kept = [own, forwarded]
            .map { joined($0, lines) }
            .filter { !$0.isEmpty }
            .joined(separator: "\n\n")
        // A note is never empty: when the sender wrote nothing of their own, the whole body stays.
        guard kept.contains(where: { !$0.isWhitespace }) else { return TrimmedText(text: text, cuts: []) }
        let described = cuts.sorted { $0.lines.lowerBound < $1.lines.lowerBound }.compactMap { cut in
            let text = joined(withoutBlankEnds(Array(cut.lines), lines), lines)
            return text.isEmpty ? nil : TrimCut(rule: cut.rule.rawValue, text: text)
        }
        return TrimmedText(text: kept, cuts: described)
    }

    /// The lines of the text, without their line feeds.
    private static func lines(of text: String) -> [ReplyLine] {
        let bytes = text.utf8
        // Read in the text's contiguous UTF-8 (a native string's is): each line's flags come from its bytes there.
        if let lines = bytes.withContiguousStorageIfAvailable({ buffer -> [ReplyLine] in
            var lines: [ReplyLine] = []
            var start = 0
            var startIndex = bytes.startIndex
            while start <= buffer.count {
                let end = nextLineFeed(in: buffer, from: start)
                let endIndex = bytes.index(startIndex, offsetBy: end - start)
                lines.append(ReplyLine(text: text[startIndex..<endIndex], bytes: buffer[start..<end]))
                guard end < buffer.count else { break }
                start = end + 1
                startIndex = bytes.index(after: endIndex)
            }
            return lines
        }) {
            return lines
        }
        var lines: [ReplyLine] = []
        var start = bytes.startIndex
        while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
            lines.append(ReplyLine(text: text[start..<newline]))
            start = bytes.index(after: newline)
        }
        lines.append(ReplyLine(text: text[start...]))
        return lines
    }

    /// The offset of the first line feed at or after `start`, or the buffer's count when there is none.
    /// Eight bytes are looked at a time: a word holds a line feed when, XORed with line feeds, it holds a
    /// zero byte, which `(w - 0x01…01) & ~w & 0x80…80` tells exactly (only which byte it is can be off).
    private static func nextLineFeed(in buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        if let base = buffer.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index + 8 <= buffer.count {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) ^ 0x0A0A_0A0A_0A0A_0A0A
                if (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0 { break }
                index += 8
            }
        }
        while index < buffer.count, buffer[index] != UInt8(ascii: "\n") {
            index += 1
        }
        return index
    }

    /// Stands for the blank line put where a quoted block was taken out.
    private static let blankLine = -1

    /// The first quoted line of the run of quoted and blank lines that ends at `end`, if the run quotes anything.
    private func trailingQuoteStart(_ lines: [ReplyLine], before end: Int) -> Int? {
        var start: Int?
        var index = end
        while index > 0, lines[index - 1].isBlank || lines[index - 1].isQuoted {
            index -= 1
            if lines[index].isQuoted {
                start = index
            }
        }
        return start
    }

    /// The first line of the attribution right above `quoteStart` (blank lines between allowed), on one
    /// line or wrapped over two or three, if any.
    private func attributionStart(_ lines: [ReplyLine], endingBefore quoteStart: Int, from lowest: Int) -> Int? {
        guard let last = lines[lowest..<quoteStart].lastIndex(where: { !$0.isBlank }) else { return nil }
        let single = Attribution.matches(lines[last], aboveQuote: true)
        if single, Attribution.startsLikeOne(lines[last]) {
            return last
        }
        // The end of a wrapped attribution can match by itself ("bob@example.com> wrote:"), and so can
        // its last two lines ("<bob@example.com>\nwrote:"): the longest wrap that opens like one wins.
        for count in [3, 2] where last - count + 1 >= lowest {
            let first = last - count + 1
            let wrapped = lines[first...last]
            guard !wrapped.contains(where: { $0.isBlank || $0.isQuoted }),
                  count == 2 || Attribution.startsLikeOne(lines[first])
            else { continue }
            if Attribution.matches(wrapped: wrapped, aboveQuote: true) {
                return first
            }
        }
        return single ? last : nil
    }

    /// The lines of the one quoted block under an attribution in the sender's text, when there is exactly
    /// one quoted block and the sender wrote below it: a bottom-posted reply.
    private func bottomPostedQuote(_ lines: [ReplyLine], before end: Int) -> Range<Int>? {
        var block: Range<Int>?
        var index = 0
        while let start = lines[index..<end].firstIndex(where: \.isQuoted) {
            guard block == nil else { return nil }
            let blockEnd = lines[start..<end].firstIndex { !$0.isQuoted && !$0.isBlank } ?? end
            guard let attribution = attributionStart(lines, endingBefore: start, from: index) else { return nil }
            block = attribution..<blockEnd
            index = blockEnd
        }
        return block
    }

    /// App footers at the end of the sender's text, and a signature set apart by a drawn line near the end.
    private func cutFooterAndSignatureRule(from own: inout [Int], _ lines: [ReplyLine]) -> [(lines: Range<Int>, rule: TrimRule)] {
        var cuts: [(lines: Range<Int>, rule: TrimRule)] = []
        dropTrailingBlanks(&own, lines)
        while let last = own.last, last != Self.blankLine, ClientFooter.matches(lines[last]) {
            own.removeLast()
            dropTrailingBlanks(&own, lines)
            // A footer is often set apart by a dash of its own ("—\nSent with Spark").
            if let rule = own.last, rule != Self.blankLine, lines[rule].isSignatureRule || lines[rule].isSignatureDelimiter {
                own.removeLast()
                dropTrailingBlanks(&own, lines)
                cuts.append((rule..<(last + 1), .clientFooter))
            } else {
                cuts.append((last..<(last + 1), .clientFooter))
            }
        }
        if let rule = signatureRule(in: own, lines) {
            cuts.append((own[rule]..<(own.last! + 1), .signatureRule))
            own.removeSubrange(rule...)
            dropTrailingBlanks(&own, lines)
        }
        return cuts
    }

    private func dropTrailingBlanks(_ own: inout [Int], _ lines: [ReplyLine]) {
        while let last = own.last, last == Self.blankLine || lines[last].isBlank {
            own.removeLast()
        }
    }

    /// The position in `own` of the highest drawn line in the last lines that sets a signature apart: what
    /// follows it is a few short lines, the first not a sentence's continuation or a question.
    private func signatureRule(in own: [Int], _ lines: [ReplyLine]) -> Int? {
        var found: Int?
        var linesBelow = 0
        var position = own.count - 1
        while position > 0, linesBelow <= Self.signatureLines {
            defer { position -= 1 }
            let index = own[position]
            guard index != Self.blankLine, !lines[index].isBlank else { continue }
            if lines[index].isSignatureRule, isSignature(own[(position + 1)...], lines) {
                found = position
            }
            linesBelow += 1
        }
        return found
    }

    private static let signatureLines = 10

    /// Whether the lines below a drawn line read like a signature: short lines, the first a name or a
    /// title (a few words, not starting in lower case, not a question or an introduction), not a paragraph.
    private func isSignature(_ below: ArraySlice<Int>, _ lines: [ReplyLine]) -> Bool {
        let text = below.filter { $0 != Self.blankLine && !lines[$0].isBlank }.map { lines[$0].trimmed }
        guard let first = text.first else { return true }
        // A mailing list's footer starts in lower case ("riak-users mailing list") but gives an address.
        // Searched for as characters only in lines whose bytes hold an "@" or a ":" (a character search is slow).
        let givesContact = text.contains { line in
            (line.utf8.contains(UInt8(ascii: "@")) && line.contains("@"))
                || (line.utf8.contains(UInt8(ascii: ":")) && line.contains("://"))
        }
        return text.allSatisfy { $0.utf8.count <= 160 } && (givesContact || !(first.first?.isLowercase ?? false))
            && !first.hasSuffix(":") && !first.hasSuffix("?")
            && !Self.hasMoreWords(than: Self.signatureFirstLineWords, first)
            && !isListItem(first)
    }

    /// Whether the line has more than `limit` words (runs of characters that are not white space). ASCII
    /// text is read by its bytes (its characters are single bytes, its white space tab to carriage return
    /// and space); the count stops once it is over the limit.
    private static func hasMoreWords(than limit: Int, _ line: Substring) -> Bool {
        if line.utf8.allSatisfy({ $0 < 0x80 }) {
            return hasMoreWords(than: limit, line.utf8) { $0 == UInt8(ascii: " ") || (0x09...0x0D).contains($0) }
        }
        return hasMoreWords(than: limit, line) { $0.isWhitespace }
    }

    /// The word count of `hasMoreWords(than:_:)` over characters or bytes, `isSpace` telling what parts words.
    private static func hasMoreWords<Units: Sequence>(than limit: Int, _ units: Units,
                                                      isSpace: (Units.Element) -> Bool) -> Bool {
        var words = 0
        var inWord = false
        for unit in units {
            if isSpace(unit) {
                inWord = false
            } else if !inWord {
                inWord = true
                words += 1
                if words > limit { return true }
            }
        }
        return false
    }

    /// "1. Check the cable", "2) …", "- item", "* item": the content of a message, not a name.
    private func isListItem(_ line: Substring) -> Bool {
        if line.hasPrefix("- ") || line.hasPrefix("* ") || line.hasPrefix("• ") { return true }
        let afterNumber = line.drop(while: \.isNumber)
        return afterNumber.count < line.count && (afterNumber.hasPrefix(". ") || afterNumber.hasPrefix(") "))
    }

    /// "Dr. Maria Fernanda Lopez García, Head of Logistics" still counts; a sentence does not.
    private static let signatureFirstLineWords = 7

    /// Where the signature that ends forwarded content starts: one after the last forward's start.
    private func finalSignature(_ lines: [ReplyLine], from start: Int) -> Int? {
        var signature: Int?
        for index in start..<lines.count {
            if HistorySeparator(lines[index]) != nil {
                signature = nil
            } else if signature == nil, lines[index].isSignatureDelimiter {
                signature = index
            }
        }
        return signature
    }

    /// The lines at `indices`, one per line: runs of consecutive lines are copied from the body in one piece.
    private func joined(_ indices: [Int], _ lines: [ReplyLine]) -> String {
        var text = ""
        var position = indices.startIndex
        while position < indices.endIndex {
            if position > indices.startIndex { text += "\n" }
            let first = indices[position]
            guard first != Self.blankLine else {
                position += 1
                continue
            }
            var last = first
            while position + 1 < indices.endIndex, indices[position + 1] == last + 1 {
                position += 1
                last += 1
            }
            text += lines[first].text.base[lines[first].text.startIndex..<lines[last].text.endIndex]
            position += 1
        }
        return text
    }

    private func withoutBlankEnds(_ indices: [Int], _ lines: [ReplyLine]) -> [Int] {
        let isBlank = { (index: Int) in index == Self.blankLine || lines[index].isBlank }
        guard let first = indices.firstIndex(where: { !isBlank($0) }),
              let last = indices.lastIndex(where: { !isBlank($0) })
        else { return [] }
        return Array(indices[first...last])
    }
}
