/// Whether a block of history is a reply's quoted past (cut) or a forwarded message (kept).
enum HistoryKind {
    case reply
    case forward
}

/// A field line of the header block clients write above history: "From: …", "Gesendet: …", "Objet : …".
struct HistoryHeaderField {
    enum Name {
        case from, sent, to, cc, subject
    }

    let name: Name
    let value: Substring

    init?(_ line: ReplyLine) {
        // Some plain-text renderings keep Outlook's bold as "*From:* …".
        let text = line.text.drop { $0.isWhitespace || $0 == "*" }
        guard let colon = text.prefix(Self.longestName + 2).firstIndex(of: ":") else { return nil }
        var key = text[..<colon]
        while let last = key.last, last.isWhitespace || last == "*" {
            key.removeLast()
        }
        guard let name = Self.names[key.lowercased()] else { return nil }
        self.name = name
        value = text[text.index(after: colon)...].drop { $0.isWhitespace || $0 == "*" }
    }

    private static let longestName = 12

    private static let names: [String: Name] = [
        // English, German, French / Spanish / Portuguese, Dutch, Italian, Russian
        "from": .from, "von": .from, "de": .from, "van": .from, "da": .from, "от": .from,
        "sent": .sent, "date": .sent, "gesendet": .sent, "datum": .sent, "envoyé": .sent, "enviado": .sent,
        "enviada": .sent, "enviado el": .sent, "fecha": .sent, "data": .sent, "verzonden": .sent, "inviato": .sent,
        "отправлено": .sent, "дата": .sent,
        "to": .to, "an": .to, "à": .to, "para": .to, "aan": .to, "a": .to, "кому": .to,
        "cc": .cc, "kopie": .cc, "копия": .cc,
        "subject": .subject, "betreff": .subject, "objet": .subject, "asunto": .subject, "assunto": .subject,
        "onderwerp": .subject, "oggetto": .subject, "тема": .subject,
    ]
}

/// A run of header field lines, as Outlook, Yahoo, AOL and Thunderbird write above history.
struct HistoryHeaderBlock {
    /// The line after the block.
    let end: Int
    let firstField: HistoryHeaderField.Name
    let subject: Substring?
    private let names: Set<HistoryHeaderField.Name>

    /// The block that starts at `start`, or nil if that line is no header field.
    init?(_ lines: [ReplyLine], startingAt start: Int) {
        guard start < lines.count, let first = HistoryHeaderField(lines[start]) else { return nil }
        var names: Set = [first.name]
        var subject = first.name == .subject ? first.value : nil
        var end = start + 1
        while end < lines.count {
            if let field = HistoryHeaderField(lines[end]) {
                names.insert(field.name)
                if field.name == .subject, subject == nil {
                    subject = field.value
                }
            } else if !lines[end].isContinuation {
                break
            }
            end += 1
        }
        self.end = end
        firstField = first.name
        self.subject = subject
        self.names = names
    }

    /// A sender and at least two of date, recipient and subject: what mail clients write, and more than
    /// a person typing "From: the warehouse" would.
    var isComplete: Bool {
        names.contains(.from) && [.sent, .to, .subject].filter(names.contains).count >= 2
    }

    /// A reply unless the subject is a forward's ("FW:", "Fwd:", "WG:", "TR:", "RV:", "Doorst:", "ENC:"),
    /// or the block follows an "Original Message" line and starts with the subject, as Thunderbird
    /// writes inline forwards.
    func kind(afterOriginalMessageLine: Bool) -> HistoryKind {
        if afterOriginalMessageLine, firstField == .subject {
            return .forward
        }
        guard let subject, let colon = subject.prefix(8).firstIndex(of: ":") else { return .reply }
        let prefix = subject[..<colon].filter { !$0.isWhitespace }.lowercased()
        return Self.forwardPrefixes.contains(prefix) ? .forward : .reply
    }

    private static let forwardPrefixes: Set = ["fw", "fwd", "wg", "tr", "rv", "doorst", "enc"]
}
