import HTMLText
import MailParsing

extension MessageContent {
    /// The sender's own text of the body, whether any of it was cut by the text budget, and what trimming
    /// left out. An HTML-only body loses the history its markup marks as quoted before it becomes text;
    /// then the text rules trim what is left. When that leaves nothing, the whole body is the text.
    func ownText(limits: HTMLText.Limits, trimmer: QuoteTrimmer) -> (text: String, isTruncated: Bool, cuts: [TrimCut]) {
        // The same choice as `bodyText`: the HTML twin when no text/plain part holds any text.
        let usesHTML = !htmlParts.isEmpty && !plainParts.contains { $0.text.contains { !$0.isWhitespace } }
        guard usesHTML else {
            let (body, isTruncated) = bodyText(limits: limits)
            let trimmed = trimmer.trimming(body.trimmingBlankLines())
            return (trimmed.text.trimmingBlankLines(), isTruncated, trimmed.cuts)
        }
        let renderings = htmlParts.map {
            HTMLText.render(fromUTF8HTML: Array($0.text.utf8), limits: limits, cuttingQuotedHistory: true)
        }
        let isTruncated = htmlParts.contains(where: \.isTruncated) || renderings.contains(where: \.isTruncated)
        let structureCuts = renderings.compactMap(\.quotedHistory).map {
            TrimCut(rule: $0.rule, text: $0.text.trimmingBlankLines())
        }
        let trimmed = trimmer.trimming(renderings.map(\.text).joined(separator: "\n\n").trimmingBlankLines())
        let own = trimmed.text.trimmingBlankLines()
        guard own.isEmpty, !structureCuts.isEmpty else {
            return (own, isTruncated, structureCuts + trimmed.cuts)
        }
        let (body, bodyIsTruncated) = bodyText(limits: limits)
        return (body.trimmingBlankLines(), bodyIsTruncated, [])
    }
}

extension NoteExtractor {
    /// The sender's own text of the message's body and what trimming left out of it, by rule: what
    /// `notegate explain --trimmed` shows. Messages forwarded as attachments are not included.
    public func trimmedBody(of message: ParsedMessage) -> TrimmedText {
        let own = MessageContent(message).ownText(limits: htmlLimits, trimmer: QuoteTrimmer())
        return TrimmedText(text: own.text, cuts: own.cuts)
    }
}

extension NoteExtractor {
    /// The body text reply trimming starts from, HTML converted whole: for measuring trimming on its own.
    public func untrimmedBody(of message: ParsedMessage) -> String {
        MessageContent(message).bodyText(limits: htmlLimits).text.trimmingBlankLines()
    }
}
