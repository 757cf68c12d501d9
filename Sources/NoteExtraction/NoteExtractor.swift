import HTMLText
import MailParsing

/// Turns a message into a `NoteDecision`: which ticket, what note text, or why not.
/// Pure: no I/O, safe to call from any thread.
public struct NoteExtractor: Sendable {
    /// How notes are found and written.
    public struct Configuration: Sendable {
        /// Finds the ticket tag in the subject. Default: `[#143]`.
        public var ticketPattern: TicketPattern
        /// The largest note, in UTF-8 bytes, before its text is truncated with a marker. Default: 64 KiB.
        public var maximumNoteBytes: Int
        /// The gateway's own addresses (`notes@support.example`). Mail sent to `notes+143@support.example`
        /// goes to ticket 143. Empty: plus-addressing is off.
        public var gatewayAddresses: [String]
        /// Whose mail may become notes. Default: everyone's, without a DMARC check.
        public var senderPolicy: SenderPolicy

        public init(ticketPattern: TicketPattern = .standard, maximumNoteBytes: Int = 64 * 1024,
                    gatewayAddresses: [String] = [], senderPolicy: SenderPolicy = .init()) {
            self.ticketPattern = ticketPattern
            self.maximumNoteBytes = maximumNoteBytes
            self.gatewayAddresses = gatewayAddresses
            self.senderPolicy = senderPolicy
        }
    }

    public var configuration: Configuration
    private let trimmer = QuoteTrimmer()

    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// How many times the note limit of text is read from a message: enough for quote trimming to
    /// find the sender's own words, while text past it is never decoded.
    public static let textBudgetPerNoteByte = 4
    /// The text budget is at least this, so that small notes still see the sender's words past a long quote.
    public static let minimumTextBytes = 64 << 10
    /// ... and at most this (or the note limit, if larger): reading and trimming text costs time in
    /// proportion, and a message must be decided in well under a second.
    public static let maximumTextBytes = 1 << 20
    /// The most HTML that is parsed: libxml2's document tree takes up to about 70 times its size.
    public static let maximumHTMLBytes = 512 << 10

    /// The budget every message is held to: the `MessageBudget` defaults, with the text cut at
    /// `textBudgetPerNoteByte` times the note limit, between `minimumTextBytes` and `maximumTextBytes`
    /// (or the note limit, if larger).
    public var messageBudget: MessageBudget {
        let noteBytes = min(max(configuration.maximumNoteBytes, 0), 1 << 30)
        let textBytes = max(noteBytes, min(noteBytes * Self.textBudgetPerNoteByte, Self.maximumTextBytes))
        return MessageBudget(maximumTextBytes: max(textBytes, Self.minimumTextBytes))
    }

    /// How HTML bodies are rendered: at most `maximumHTMLBytes` of markup, and the text budget of text.
    var htmlLimits: HTMLText.Limits {
        HTMLText.Limits(maximumOutputBytes: messageBudget.maximumTextBytes, maximumInputBytes: Self.maximumHTMLBytes)
    }

    /// Parses raw RFC 5322 bytes within `messageBudget`.
    public func parse(_ rawMessage: [UInt8]) throws(MessageParseError) -> ParsedMessage {
        try MessageParser(budget: messageBudget).parse(rawMessage)
    }

    /// Decides what to do with raw RFC 5322 bytes. Never throws: bytes that cannot be parsed
    /// become a `malformed` skip that says what is wrong, and a message over its budget a
    /// `too-complex` skip that says which budget.
    public func decide(rawMessage: [UInt8]) -> NoteDecision {
        do {
            return decide(try parse(rawMessage))
        } catch {
            return NoteDecision(action: .skip(error.isBudgetExceeded ? .tooComplex : .malformed, detail: error.description),
                                ticketID: nil, messageID: nil, text: nil)
        }
    }

    /// Decides for a parsed message. `threadTicket` is the ticket an earlier message of the same
    /// thread was posted to (found by the caller from In-Reply-To/References); it is used only when
    /// neither the subject nor the recipient address names a ticket.
    public func decide(_ message: ParsedMessage, threadTicket: Int? = nil) -> NoteDecision {
        let tagged = Set(configuration.ticketPattern.ticketIDs(in: message.subject ?? ""))
        let addressed = Set(PlusAddressing(gatewayAddresses: configuration.gatewayAddresses).ticketIDs(in: message))
        let tickets = tagged.union(addressed)
        let ticketID = tickets.count == 1 ? tickets.first : (tickets.isEmpty ? threadTicket : nil)
        let (text, attachments, isTruncated) = noteContent(MessageContent(message))
        let note = text == nil && attachments.isEmpty ? nil
            : NoteComposer(maximumBytes: configuration.maximumNoteBytes)
                .compose(message: message, text: text, attachments: attachments, textIsIncomplete: isTruncated)

        func skip(_ reason: SkipReason, _ detail: String?) -> NoteDecision {
            NoteDecision(action: .skip(reason, detail: detail), ticketID: ticketID,
                         messageID: message.messageID, text: text, draftNote: note)
        }

        if let automated = AutomatedMail.skipReason(for: message) {
            return skip(automated, nil)
        }
        if let refusal = configuration.senderPolicy.refusal(for: message) {
            return skip(refusal.reason, refusal.detail)
        }
        if tickets.count > 1 {
            let numbers = tickets.sorted().map { "#\($0)" }.joined(separator: ", ")
            let source = addressed.isEmpty ? "the subject names" : "the subject tag and the recipient address name"
            return skip(.ambiguousTicket, "\(source) more than one ticket: \(numbers)")
        }
        guard let ticketID else {
            return skip(.noTicket, "no ticket tag like [#143] in the subject")
        }
        guard let note else {
            return skip(.noText, "the message has no text and no attachments")
        }
        return NoteDecision(action: .post(ticketID: ticketID, note: note), ticketID: ticketID,
                            messageID: message.messageID, text: text, draftNote: note)
    }

    /// The sender's own words (quotes and signature trimmed, unless that leaves nothing), followed
    /// by every forwarded message (nil when there is no text at all), and every attachment,
    /// forwarded ones included, and whether any text was cut by the budget. Each embedded message is read once.
    private func noteContent(_ content: MessageContent) -> (text: String?, attachments: [Attachment], isTruncated: Bool) {
        var blocks: [String] = []
        var attachments = content.attachments
        let body = content.ownText(limits: htmlLimits, trimmer: trimmer)
        var isTruncated = body.isTruncated
        let own = body.text
        if !own.isEmpty { blocks.append(own) }
        for embedded in content.forwarded {
            let inner = noteContent(MessageContent(embedded))
            blocks.append(forwardedHeader(embedded) + (inner.text.map { "\n\n" + $0 } ?? ""))
            attachments += inner.attachments
            isTruncated = isTruncated || inner.isTruncated
        }
        return (blocks.isEmpty ? nil : blocks.joined(separator: "\n\n"), attachments, isTruncated)
    }

    private func forwardedHeader(_ message: ParsedMessage) -> String {
        var lines = ["---------- Forwarded message ----------"]
        if let from = message.from.first { lines.append("From: \(from)") }
        if let date = message.date { lines.append("Date: \(date)") }
        if let subject = message.subject { lines.append("Subject: \(subject)") }
        if !message.to.isEmpty { lines.append("To: " + message.to.map(\.description).joined(separator: ", ")) }
        return lines.joined(separator: "\n")
    }
}

extension String {
    /// Without leading and trailing blank lines and trailing whitespace; inner text untouched.
    func trimmingBlankLines() -> String {
        // The first character that is not white space, and the start of its line (after the last "\n" before it).
        var start = startIndex
        var index = startIndex
        while index < endIndex, self[index].isWhitespace {
            if self[index] == "\n" { start = self.index(after: index) }
            index = self.index(after: index)
        }
        guard index < endIndex else { return "" }
        // The last character that is not white space ends the text: blank lines after its line go, and so
        // does the white space after it on its own line.
        var end = endIndex
        while self[self.index(before: end)].isWhitespace { end = self.index(before: end) }
        return String(self[start..<end])
    }
}
