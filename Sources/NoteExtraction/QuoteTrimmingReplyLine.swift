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

    /// Whether the last character that is not a space is a colon; cheap, to rule lines out early.
    var endsWithColon: Bool {
        text.utf8.last { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") && $0 != UInt8(ascii: "\r") }
            == UInt8(ascii: ":")
    }

    /// Empty or whitespace only.
    var isBlank: Bool { text.allSatisfy(\.isWhitespace) }

    /// A line of quoted history: starts with ">" (after indentation).
    var isQuoted: Bool { text.drop { $0 == " " || $0 == "\t" }.first == ">" }

    /// Indented, not blank: continues the header field above it.
    var isContinuation: Bool { (text.first == " " || text.first == "\t") && !isBlank }

    /// The signature delimiter: "-- " by convention (RFC 3676), "--" as often written.
    var isSignatureDelimiter: Bool { text.hasPrefix("--") && trimmed == "--" }

    /// A one-line signature added by a phone or webmail app: "Sent from my iPhone", "Get Outlook for iOS", …
    var isMobileSignature: Bool {
        guard text.utf8.count <= 100 else { return false }
        let line = trimmed
        let lowercased = line.lowercased()
        return Self.mobileSignatureOpenings.contains { lowercased.hasPrefix($0) }
    }

    private static let mobileSignatureOpenings = [
        "sent from my ", "sent from mail for windows", "sent from yahoo mail", "sent from outlook",
        "get outlook for ", "von meinem ", "gesendet von meinem ", "envoyé de mon ", "envoyé depuis mon ",
        "enviado desde mi ", "enviado do meu ", "enviado de meu ", "verzonden vanaf mijn ",
        "verstuurd vanaf mijn ", "inviato da ",
    ]
}
