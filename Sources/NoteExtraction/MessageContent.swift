import MailParsing
import HTMLText

/// A file attached to a message, as the note names it.
public struct Attachment: Sendable, Equatable {
    public var name: String
    public var size: Int

    public init(name: String, size: Int) {
        self.name = name
        self.size = size
    }
}

/// What a message carries for a note: its body text parts, the messages forwarded inside it
/// (message/rfc822 parts) and its attachments.
struct MessageContent {
    var plainParts: [TextBody] = []
    var htmlParts: [TextBody] = []
    var forwarded: [ParsedMessage] = []
    var attachments: [Attachment] = []

    init(_ message: ParsedMessage) {
        collect(message.body)
    }

    /// The body as text: the text/plain parts, or, when there are none or all are blank, the text/html
    /// parts converted within `limits`; and whether any of it was cut by the parser's text budget or those limits.
    func bodyText(limits: HTMLText.Limits) -> (text: String, isTruncated: Bool) {
        if !plainParts.isEmpty, htmlParts.isEmpty || plainParts.contains(where: { !Self.isBlank($0) }) {
            return (plainParts.map(\.text).joined(separator: "\n\n"), plainParts.contains(where: \.isTruncated))
        }
        let renderings = htmlParts.map { HTMLText.render(fromUTF8HTML: Array($0.text.utf8), limits: limits) }
        return (renderings.map(\.text).joined(separator: "\n\n"),
                htmlParts.contains(where: \.isTruncated) || renderings.contains(where: \.isTruncated))
    }

    private static let signatureTypes: Set<String> = [
        "application/pgp-signature", "application/pkcs7-signature", "application/x-pkcs7-signature",
        "application/pgp-keys",
    ]

    private mutating func collect(_ part: MIMEPart) {
        switch part.content {
        case .multipart(let children):
            if part.contentType.subtype == "alternative", let preferred = Self.preferredAlternative(children) {
                collect(preferred)
            } else {
                children.forEach { collect($0) }
            }
        case .message(let embedded):
            forwarded.append(embedded)
        case .text(let body):
            // A named text part after the body is a text file someone attached, not more body.
            if part.filename != nil, !(plainParts.isEmpty && htmlParts.isEmpty) {
                attachments.append(Attachment(name: part.filename!, size: part.size))
            } else if part.contentType.subtype == "html" {
                htmlParts.append(body)
            } else {
                plainParts.append(body)
            }
        case .opaque:
            guard !Self.signatureTypes.contains(part.contentType.mimeType) else { return }
            if let name = part.filename {
                attachments.append(Attachment(name: name, size: part.size))
            } else if part.contentType.type != "text", part.contentType.type != "message" {
                attachments.append(Attachment(name: "unnamed \(part.contentType.mimeType)", size: part.size))
            }
        }
    }

    /// In multipart/alternative: the child holding text/plain, else the one holding text/html, else the last.
    /// A text/plain twin that is empty or only white space is passed over for the HTML one.
    private static func preferredAlternative(_ children: [MIMEPart]) -> MIMEPart? {
        children.first { containsBodyText($0, subtype: "plain") }
            ?? children.first { containsBodyText($0, subtype: "html") }
            ?? children.last
    }

    private static func containsBodyText(_ part: MIMEPart, subtype: String) -> Bool {
        switch part.content {
        case .text(let body): return part.contentType.subtype == subtype && !isBlank(body)
        case .multipart(let children): return children.contains { containsBodyText($0, subtype: subtype) }
        case .message, .opaque: return false
        }
    }

    /// Whether a text body holds nothing but spaces, tabs and line breaks (read from its bytes: the charsets
    /// mail uses write these in ASCII).
    private static func isBlank(_ body: TextBody) -> Bool {
        body.bytes.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }
    }
}
