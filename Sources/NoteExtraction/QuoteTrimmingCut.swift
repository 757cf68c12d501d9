/// Why the quote trimmer left a stretch of a message body out of the note.
public enum TrimRule: String, Sendable, CaseIterable {
    /// "On <date>, <name> wrote:" (or a translation) and the history after it.
    case attribution
    /// An Outlook-style header block (From:/Sent:/To:/Subject: or a translation) and the history after it.
    case headerBlock = "header-block"
    /// An "-----Original Message-----" line (or a translation) and the history after it.
    case originalMessage = "original-message"
    /// Quoted (`>` or `|`) lines after the sender's last words.
    case trailingQuote = "trailing-quote"
    /// One quoted block with its attribution above the sender's words: a bottom-posted reply.
    case quoteAboveReply = "quote-above-reply"
    /// The signature after a "-- " or "--" line.
    case signature
    /// The signature after a drawn line ("—", "___", "* * *", "=====") near the end.
    case signatureRule = "signature-rule"
    /// An app's footer: "Sent from my iPhone", "Get Outlook for iOS", …
    case clientFooter = "client-footer"
    /// The signature at the end of forwarded content.
    case forwardSignature = "forward-signature"
}

/// A stretch of text the trimmer left out, and the rule that did it.
public struct TrimCut: Sendable, Equatable {
    /// The rule's name: a `TrimRule` raw value, or `html:<structure>` for a part of an HTML body left
    /// out before it was converted to text.
    public var rule: String
    /// The lines that were cut, blank lines at either end left out.
    public var text: String

    public init(rule: String, text: String) {
        self.rule = rule
        self.text = text
    }
}

/// The sender's own text and what was cut from the body to get it.
public struct TrimmedText: Sendable, Equatable {
    public var text: String
    /// In the order the cut text appeared in the body.
    public var cuts: [TrimCut]

    public init(text: String, cuts: [TrimCut]) {
        self.text = text
        self.cuts = cuts
    }
}
