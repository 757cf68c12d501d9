import Foundation

/// Builds the skeleton RFC 5322 message described on `FetchedMessage.raw` from the real top-level
/// header, the structure, and the sections that were downloaded.
///
/// A text part fetched short (`truncated`) keeps its complete lines and ends in a visible marker,
/// `[notegate: note truncated, 12.3 MB of text not fetched]`, written in the part's own transfer
/// encoding so that it survives decoding; its header gets `X-Notegate-Truncated-Size` with the
/// part's size on the server.
struct SkeletonMessage {
    let structure: MessagePart
    /// Downloaded sections by name (`HEADER`, `1.1`, `2.HEADER`...).
    let sections: [String: [UInt8]]
    /// Text parts fetched short or not at all, by section, with their size on the server in octets.
    let truncated: [String: Int]
    /// Makes boundaries unique to this message so that no text part can contain one.
    let boundaryToken: String

    init(structure: MessagePart, sections: [String: [UInt8]], truncated: [String: Int] = [:],
         boundaryToken: String = UUID().uuidString) {
        self.structure = structure
        self.sections = sections
        self.truncated = truncated
        self.boundaryToken = boundaryToken
    }

    /// The skeleton, written into one buffer.
    var bytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(sections.values.reduce(4096) { $0 + $1.count })
        writeMessage(header: sections["HEADER"] ?? [], body: structure, into: &bytes)
        return bytes
    }

    /// A header block with its own content fields replaced by those of `body`, then `body`.
    private func writeMessage(header: [UInt8], body: MessagePart, into bytes: inout [UInt8]) {
        writeFieldsWithoutContentDescription(header, into: &bytes)
        writeEntity(body, into: &bytes)
    }

    private func writeEntity(_ part: MessagePart, into bytes: inout [UInt8]) {
        for line in contentHeaders(of: part) {
            bytes += line.utf8
            bytes += crlf
        }
        bytes += crlf
        writeContent(of: part, into: &bytes)
    }

    private func writeContent(of part: MessagePart, into bytes: inout [UInt8]) {
        switch part.content {
        case .leaf:
            if let size = truncated[part.section] {
                bytes += TruncatedText(part: part, fetched: sections[part.section] ?? [], size: size).bytes
            } else if let section = sections[part.section] {
                bytes += section
            }
        case .multipart(let children):
            let boundary = self.boundary(part)
            for child in children {
                bytes += "--\(boundary)\r\n".utf8
                writeEntity(child, into: &bytes)
                bytes += crlf
            }
            bytes += "--\(boundary)--\r\n".utf8
        case .message(let inner):
            writeMessage(header: sections["\(part.section).HEADER"] ?? [], body: inner, into: &bytes)
        }
    }

    private func contentHeaders(of part: MessagePart) -> [String] {
        var parameters = part.parameters.filter { $0.name != "boundary" }
        if case .multipart = part.content {
            parameters.append(MIMEParameter(name: "boundary", value: boundary(part)))
        }
        var lines = ["Content-Type: \(part.type)/\(part.subtype)" + render(parameters)]
        if let encoding = part.encoding, case .leaf = part.content {
            lines.append("Content-Transfer-Encoding: \(encoding)")
        }
        if let disposition = part.disposition {
            lines.append("Content-Disposition: \(disposition)" + render(part.dispositionParameters))
        }
        if case .leaf = part.content {
            if let size = truncated[part.section] {
                lines.append("X-Notegate-Truncated-Size: \(size)")
            } else if sections[part.section] == nil {
                lines.append("X-Notegate-Omitted-Size: \(Self.decodedSize(part))")
            }
        }
        return lines
    }

    /// The size of a part's content once decoded, as the note names it: for base64 estimated from
    /// the size on the server, assuming 76-character lines (what mail programs write).
    static func decodedSize(_ part: MessagePart) -> Int {
        guard part.encoding == "base64" else { return part.size }
        let lines = (part.size + 77) / 78
        return max(0, (part.size - 2 * lines) * 3 / 4)
    }

    private func boundary(_ part: MessagePart) -> String {
        "=_notegate_\(boundaryToken)_\(part.section.isEmpty ? "0" : part.section)"
    }

    private func render(_ parameters: [MIMEParameter]) -> String {
        parameters.map { parameter in
            // RFC 2231 extended values (`filename*=utf-8''...`) must stay unquoted.
            if parameter.name.hasSuffix("*") { return "; \(parameter.name)=\(parameter.value)" }
            let escaped = parameter.value.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"")
            return "; \(parameter.name)=\"\(escaped)\""
        }.joined()
    }

    /// The header's lines (continuations kept with their field), each ended by CRLF, minus Content-Type and
    /// Content-Transfer-Encoding, which describe the original MIME tree rather than the skeleton; blank
    /// lines are left out. Works on bytes: header fields may carry 8-bit text in any charset.
    private func writeFieldsWithoutContentDescription(_ header: [UInt8], into bytes: inout [UInt8]) {
        // A header fetched short (a forwarded message's, past the budget) ends in a cut line: drop it.
        let header = completeLines(header[...])
        var dropping = false
        var lineStart = header.startIndex
        while true {
            let lineEnd = header[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? header.endIndex
            var end = lineEnd
            if end > lineStart && header[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            if end > lineStart {
                let first = header[lineStart]
                if first != UInt8(ascii: " ") && first != UInt8(ascii: "\t") {
                    let name = header[lineStart..<(header[lineStart..<end].firstIndex(of: UInt8(ascii: ":")) ?? end)]
                    dropping = Self.isContentDescription(name)
                }
                if !dropping {
                    bytes += header[lineStart..<end]
                    bytes += crlf
                }
            }
            guard lineEnd < header.endIndex else { return }
            lineStart = lineEnd + 1
        }
    }

    /// Whether a header field's name is Content-Type or Content-Transfer-Encoding, in any case.
    private static func isContentDescription(_ name: ArraySlice<UInt8>) -> Bool {
        func equalsIgnoringASCIICase(_ lowercase: String.UTF8View) -> Bool {
            guard name.count == lowercase.count else { return false }
            for (byte, expected) in zip(name, lowercase) {
                let folded: UInt8 = byte >= 65 && byte <= 90 ? byte | 0x20 : byte
                if folded != expected { return false }
            }
            return true
        }
        return equalsIgnoringASCIICase("content-type".utf8) || equalsIgnoringASCIICase("content-transfer-encoding".utf8)
    }
}

private let crlf: [UInt8] = [13, 10]

/// The part of a text section that was fetched, cut after its last complete line, with the
/// truncation marker appended in the part's transfer encoding.
struct TruncatedText {
    let part: MessagePart
    let fetched: [UInt8]
    /// The part's size on the server.
    let size: Int

    var bytes: [UInt8] {
        let isBase64 = part.encoding == "base64"
        let kept = isBase64 ? Self.wholeQuanta(Array(completeLines(fetched[...]))) : Array(completeLines(fetched[...]))
        let note = "[notegate: note truncated, \(Self.formatSize(max(0, size - kept.count))) of text not fetched]"
        if isBase64 {
            return kept + crlf + Array(Data("\n\n\(note)\n".utf8).base64EncodedString().utf8) + crlf
        }
        let line = part.subtype == "html" ? "<p>\(note)</p>" : note
        return kept + crlf + crlf + Array(line.utf8) + crlf
    }

    /// Base64 text without the characters past its last whole 4-character group, so that more
    /// base64 can follow it.
    private static func wholeQuanta(_ text: [UInt8]) -> [UInt8] {
        let isAlphabet = { (byte: UInt8) in
            (65...90).contains(byte) || (97...122).contains(byte) || (48...57).contains(byte) || byte == 43 || byte == 47
        }
        var extra = text.filter(isAlphabet).count % 4
        var end = text.count
        while extra > 0, end > 0 {
            end -= 1
            if isAlphabet(text[end]) { extra -= 1 }
        }
        return Array(text[..<end])
    }

    /// `512 bytes`, `21 KB`, `1.2 MB` (powers of 1024), as the note composer writes sizes.
    static func formatSize(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) bytes" }
        if bytes < 1024 * 1024 { return "\((bytes + 512) / 1024) KB" }
        let tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024)
        return "\(tenths / 10).\(tenths % 10) MB"
    }
}
