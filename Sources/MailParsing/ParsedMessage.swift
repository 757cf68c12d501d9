/// A mailbox address: an optional display name (decoded to UTF-8) and the address itself.
public struct MailAddress: Sendable, Equatable, CustomStringConvertible {
    public var name: String?
    public var address: String

    public init(name: String?, address: String) {
        self.name = name
        self.address = address
    }

    /// The local part, before the last `@`.
    public var localPart: Substring {
        address.lastIndex(of: "@").map { address[..<$0] } ?? Substring(address)
    }

    /// `Name <address>`, or the bare address when there is no name.
    public var description: String {
        guard let name, !name.isEmpty else { return address }
        return "\(name) <\(address)>"
    }
}

/// A message parsed from RFC 5322 bytes: the header fields notegate reads, decoded, and the MIME tree.
public struct ParsedMessage: Sendable {
    public var headers: HeaderFields
    /// The subject with RFC 2047 encoded words decoded.
    public var subject: String?
    public var from: [MailAddress]
    public var to: [MailAddress]
    public var cc: [MailAddress]
    public var deliveredTo: [MailAddress]
    /// The Date header as written (not reformatted).
    public var date: String?
    /// The Message-ID without angle brackets.
    public var messageID: String?
    public var inReplyTo: [String]
    public var references: [String]
    public var body: MIMEPart

    public init(headers: HeaderFields, body: MIMEPart) {
        self.headers = headers
        self.subject = headers.value("Subject")
        self.from = MailAddress.list(headers.all("From"))
        self.to = MailAddress.list(headers.all("To"))
        self.cc = MailAddress.list(headers.all("Cc"))
        self.deliveredTo = MailAddress.list(headers.all("Delivered-To") + headers.all("X-Original-To"))
        self.date = headers.value("Date")
        self.messageID = headers["Message-ID"].flatMap { MessageIdentifiers.parse($0.rawValue).first }
        self.inReplyTo = headers["In-Reply-To"].map { MessageIdentifiers.parse($0.rawValue) } ?? []
        self.references = headers["References"].map { MessageIdentifiers.parse($0.rawValue) } ?? []
        self.body = body
    }
}

/// Reads `<id@host>` tokens from Message-ID, In-Reply-To and References values.
enum MessageIdentifiers {
    static func parse(_ raw: [UInt8]) -> [String] {
        raw.allSatisfy({ $0 < 0x80 }) ? parseASCII(raw) : parseCharacters(raw)
    }

    /// Reads the value character by character.
    static func parseCharacters(_ raw: [UInt8]) -> [String] {
        let text = String(decoding: raw, as: UTF8.self)
        var identifiers: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { break }
            let identifier = rest[rest.index(after: open)..<close].filter { !$0.isWhitespace }
            if !identifier.isEmpty { identifiers.append(String(identifier)) }
            rest = rest[rest.index(after: close)...]
        }
        if identifiers.isEmpty {
            // Some senders omit the brackets; take the value as one identifier.
            let bare = text.trimmingWhitespace()
            if !bare.isEmpty, !bare.contains(where: \.isWhitespace) { identifiers.append(bare) }
        }
        return identifiers
    }

    /// The same reading of a value that is all ASCII (as identifiers nearly always are), byte by byte: each
    /// character is one byte there but CR LF, and both of its bytes are white space as it is.
    static func parseASCII(_ raw: [UInt8]) -> [String] {
        let isWhitespace = { (byte: UInt8) in byte == 0x20 || (0x09...0x0D).contains(byte) }
        var identifiers: [String] = []
        var index = 0
        while let open = raw[index...].firstIndex(of: UInt8(ascii: "<")) {
            guard let close = raw[open...].firstIndex(of: UInt8(ascii: ">")) else { break }
            let identifier = raw[(open + 1)..<close].filter { !isWhitespace($0) }
            if !identifier.isEmpty { identifiers.append(String(decoding: identifier, as: UTF8.self)) }
            index = close + 1
        }
        if identifiers.isEmpty, let first = raw.firstIndex(where: { !isWhitespace($0) }) {
            // Some senders omit the brackets; take the value as one identifier.
            let last = raw.lastIndex(where: { !isWhitespace($0) })!
            if !raw[first...last].contains(where: isWhitespace) {
                identifiers.append(String(decoding: raw[first...last], as: UTF8.self))
            }
        }
        return identifiers
    }
}
