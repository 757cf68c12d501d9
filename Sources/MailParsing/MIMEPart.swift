/// A MIME media type with its parameters (names lower-cased; RFC 2231 and RFC 2047 values decoded).
public struct ContentType: Sendable, Equatable {
    public var type: String
    public var subtype: String
    public var parameters: [String: String]

    public init(type: String, subtype: String, parameters: [String: String] = [:]) {
        self.type = type.lowercased()
        self.subtype = subtype.lowercased()
        self.parameters = parameters
    }

    /// `type/subtype`, lower-cased.
    public var mimeType: String { "\(type)/\(subtype)" }
    public var charset: String? { parameters["charset"] }

    public static let textPlain = ContentType(type: "text", subtype: "plain")
}

/// How a part asks to be shown (RFC 2183).
public enum Disposition: Sendable, Equatable {
    case inline
    case attachment
    case other(String)
}

/// A decoded text body: its bytes after transfer decoding, in their declared charset.
public struct TextBody: Sendable, Equatable {
    public var bytes: [UInt8]
    public var charset: String?
    /// `format=flowed` (RFC 3676), and whether `delsp=yes`.
    public var isFlowed: Bool
    public var deletesSpace: Bool
    /// True when the part holds more text than the message's text budget let through: `bytes` is
    /// only its beginning.
    public var isTruncated: Bool

    public init(bytes: [UInt8], charset: String?, isFlowed: Bool = false, deletesSpace: Bool = false,
                isTruncated: Bool = false) {
        self.bytes = bytes
        self.charset = charset
        self.isFlowed = isFlowed
        self.deletesSpace = deletesSpace
        self.isTruncated = isTruncated
    }

    /// The text as UTF-8, with CRLF turned into LF and format=flowed lines unwrapped.
    public var text: String {
        let decoded = CharsetDecoder.decode(bytes, charset: charset)
        let normalized = LineBreaks.normalize(decoded)
        return isFlowed ? FlowedText.unwrap(normalized, deletesSpace: deletesSpace) : normalized
    }
}

/// One node of a message's MIME tree.
public struct MIMEPart: Sendable {
    public indirect enum Content: Sendable {
        /// A text part that is not an attachment, decoded.
        case text(TextBody)
        case multipart([MIMEPart])
        /// An embedded message (message/rfc822), parsed the same way.
        case message(ParsedMessage)
        /// Anything else: only its size is kept.
        case opaque
    }

    public var contentType: ContentType
    public var disposition: Disposition?
    /// The file name from Content-Disposition `filename` or Content-Type `name`, decoded.
    public var filename: String?
    public var content: Content
    /// The decoded size in bytes (for parts whose body was not downloaded, the size the server reported).
    public var size: Int
    /// True when the body was left out on purpose (IMAP partial fetch): only its headers are here.
    public var isOmitted: Bool

    public init(contentType: ContentType, disposition: Disposition?, filename: String?, content: Content,
                size: Int, isOmitted: Bool = false) {
        self.contentType = contentType
        self.disposition = disposition
        self.filename = filename
        self.content = content
        self.size = size
        self.isOmitted = isOmitted
    }

    /// Whether the part is meant as an attachment rather than as the message's body.
    public var isAttachment: Bool {
        if disposition == .attachment { return true }
        return filename != nil && contentType.type != "text" && contentType.type != "multipart"
    }

    public var children: [MIMEPart] {
        if case .multipart(let parts) = content { return parts }
        return []
    }
}

enum LineBreaks {
    /// CRLF and lone CR become LF.
    static func normalize(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "\r")) else { return text }
        var text = text
        return text.withUTF8 { input in
            String(unsafeUninitializedCapacity: input.count) { output in
                var written = 0
                var index = 0
                while index < input.count {
                    let byte = input[index]
                    index += 1
                    if byte == UInt8(ascii: "\r") {
                        output[written] = UInt8(ascii: "\n")
                        if index < input.count, input[index] == UInt8(ascii: "\n") { index += 1 }
                    } else {
                        output[written] = byte
                    }
                    written += 1
                }
                return written
            }
        }
    }
}
