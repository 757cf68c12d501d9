/// One node of a message's MIME structure as the server's BODYSTRUCTURE describes it, with the IMAP
/// section number used to fetch it.
struct MessagePart: Sendable, Equatable {
    indirect enum Content: Sendable, Equatable {
        /// A part with a body of its own.
        case leaf
        case multipart([MessagePart])
        /// A message/rfc822 part: `section.HEADER` is its header, the inner part its body.
        case message(MessagePart)
    }

    /// IMAP section number (`1.2`); empty for a top-level multipart.
    var section: String
    /// Lowercased media type and subtype.
    var type: String
    var subtype: String
    var parameters: [MIMEParameter] = []
    /// Content-Transfer-Encoding, lowercased; nil for multiparts.
    var encoding: String? = nil
    /// Body size in octets as the server counts it.
    var size: Int = 0
    /// Lowercased disposition type (`attachment`, `inline`), when the part has one.
    var disposition: String? = nil
    var dispositionParameters: [MIMEParameter] = []
    var content: Content = .leaf

    var isAttachment: Bool { disposition == "attachment" }

    /// The sections that carry the text of this message: its inline text/plain parts (else its
    /// inline text/html parts), then for every forwarded message/rfc822 part its header and, the
    /// same way, its text.
    var textSections: [String] { textParts.map(\.section) }

    /// The sections of `textSections` with what the structure says about them, in the same order.
    var textParts: [TextSection] {
        var leaves: [MessagePart] = []
        var forwards: [MessagePart] = []
        collect(leaves: &leaves, forwards: &forwards)
        let inlineText = leaves.filter { $0.type == "text" && !$0.isAttachment }
        let plain = inlineText.filter { $0.subtype == "plain" }
        let chosen = plain.isEmpty ? inlineText.filter { $0.subtype == "html" } : plain
        return chosen.map { TextSection(section: $0.section, body: $0) } + forwards.flatMap { forward -> [TextSection] in
            guard case .message(let inner) = forward.content else { return [] }
            return [TextSection(section: "\(forward.section).HEADER", body: nil)] + inner.textParts
        }
    }

    private func collect(leaves: inout [MessagePart], forwards: inout [MessagePart]) {
        switch content {
        case .leaf: leaves.append(self)
        case .multipart(let parts): parts.forEach { $0.collect(leaves: &leaves, forwards: &forwards) }
        case .message: forwards.append(self)
        }
    }
}

/// A section notegate fetches for the text of a message.
struct TextSection: Sendable, Equatable {
    /// The IMAP section name (`1.1`, `3.HEADER`).
    var section: String
    /// The text part, or nil for the header of a forwarded message (whose size the structure does not give).
    var body: MessagePart?
}

/// A `name=value` parameter of a Content-Type or Content-Disposition header.
struct MIMEParameter: Sendable, Equatable {
    var name: String
    var value: String
}
