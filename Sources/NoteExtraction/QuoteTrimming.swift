/// Removes quoted reply history and signatures from a message body, keeping forwarded content.
///
/// What is cut, from the first place it appears:
/// - an attribution ("On <date>, <name> wrote:" and its translations, also wrapped over two lines)
///   followed by unquoted history (as Yahoo writes it) or by the `>`-quoted block that ends the text;
/// - an "Original Message" line or an `___` rule with a header block (From:/Sent:/To:/Subject: and
///   translations), or such a header block alone, when it introduces a reply;
/// - a block of `>`-quoted lines at the end, even without attribution;
/// - the signature after a "-- " or "--" line, and a last "Sent from my iPhone"-style line.
///
/// Quoted lines above the sender's text: when they form a single block (with its attribution), the
/// sender bottom-posted and the block is cut like any history. When quoted blocks and the sender's
/// answers alternate, it is an inline reply and is kept whole, attribution included, because the answers
/// mean little without the questions they follow; only quoted lines after the last answer are cut.
///
/// Forwarded content is kept: from a "Forwarded message" line, Apple's "Begin forwarded message:", or a
/// header block whose subject starts with "FW:"/"Fwd:"/"WG:"/"TR:"/"RV:"/"Doorst:" (or Thunderbird's
/// "Original Message" block that starts with the subject), everything stays except a final signature.
/// A header block with any other subject is taken for a reply.
///
/// Works line by line, so it takes time linear in the length of the text.
public struct QuoteTrimmer: Sendable {
    public init() {}

    /// The text the sender actually wrote. Returns the input unchanged when nothing is recognised.
    public func trim(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(ReplyLine.init)
        let markers = HistoryMarkers(lines)
        var ownEnd = min(markers.signature ?? lines.count, markers.history?.line ?? lines.count)
        if let quoteStart = trailingQuoteStart(lines, before: ownEnd) {
            ownEnd = attributionStart(lines[...], endingBefore: quoteStart) ?? quoteStart
        }
        var own = lines[..<ownEnd]
        let bottomPostedQuote = singleQuoteBlock(in: own)
        if let bottomPostedQuote {
            own = withoutBlankEnds(own[..<bottomPostedQuote.lowerBound]) + [ReplyLine(text: "")]
                + own[bottomPostedQuote.upperBound...]
        }
        own = withoutBlankEnds(own)
        let endsWithMobileSignature = own.last?.isMobileSignature ?? false
        if endsWithMobileSignature {
            own = withoutBlankEnds(own.dropLast())
        }
        guard ownEnd < lines.count || bottomPostedQuote != nil || endsWithMobileSignature else { return text }

        var forwarded: ArraySlice<ReplyLine> = []
        if let history = markers.history, history.kind == .forward {
            forwarded = withoutBlankEnds(withoutFinalSignature(lines[history.line...]))
        }
        return [own, forwarded]
            .map { $0.map(\.text).joined(separator: "\n") }
            .filter { !$0.isEmpty }
            .joined(separator: "\n\n")
    }

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

    /// The first line of the attribution right above `quoteStart` (blank lines between allowed), if any.
    private func attributionStart(_ lines: ArraySlice<ReplyLine>, endingBefore quoteStart: Int) -> Int? {
        guard let last = lines[..<quoteStart].lastIndex(where: { !$0.isBlank }) else { return nil }
        if Attribution.matches(lines[last], aboveQuote: true) {
            return last
        }
        if last > lines.startIndex, Attribution.matches(wrapped: lines[last - 1], lines[last]) {
            return last - 1
        }
        return nil
    }

    /// The lines of the one quoted block (with its attribution) in the sender's text, if there is exactly one.
    private func singleQuoteBlock(in lines: ArraySlice<ReplyLine>) -> Range<Int>? {
        var block: Range<Int>?
        var index = lines.startIndex
        while let start = lines[index...].firstIndex(where: \.isQuoted) {
            guard block == nil else { return nil }
            let end = lines[start...].firstIndex { !$0.isQuoted && !$0.isBlank } ?? lines.endIndex
            block = (attributionStart(lines, endingBefore: start) ?? start)..<end
            index = end
        }
        return block
    }

    /// Forwarded content without the signature that ends it: one after the last forward's start.
    private func withoutFinalSignature(_ lines: ArraySlice<ReplyLine>) -> ArraySlice<ReplyLine> {
        var signature: Int?
        for index in lines.indices {
            if HistorySeparator(lines[index]) != nil {
                signature = nil
            } else if signature == nil, lines[index].isSignatureDelimiter {
                signature = index
            }
        }
        return signature.map { lines[..<$0] } ?? lines
    }

    private func withoutBlankEnds(_ lines: ArraySlice<ReplyLine>) -> ArraySlice<ReplyLine> {
        guard let first = lines.firstIndex(where: { !$0.isBlank }),
              let last = lines.lastIndex(where: { !$0.isBlank })
        else { return [] }
        return lines[first...last]
    }
}
