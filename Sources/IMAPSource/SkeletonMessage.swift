import Foundation

/// Builds the skeleton RFC 5322 message described on `FetchedMessage.raw` from the real top-level
/// header, the structure, and the sections that were downloaded.
struct SkeletonMessage {
    let structure: MessagePart
    /// Downloaded sections by name (`HEADER`, `1.1`, `2.HEADER`...).
    let sections: [String: [UInt8]]
    /// Makes boundaries unique to this message so that no text part can contain one.
    let boundaryToken: String

    init(structure: MessagePart, sections: [String: [UInt8]], boundaryToken: String = UUID().uuidString) {
        self.structure = structure
        self.sections = sections
        self.boundaryToken = boundaryToken
    }

    var bytes: [UInt8] {
        message(header: sections["HEADER"] ?? [], body: structure)
    }

    /// A header block with its own content fields replaced by those of `body`, then `body`.
    private func message(header: [UInt8], body: MessagePart) -> [UInt8] {
        fieldsWithoutContentDescription(header).flatMap { $0 + crlf } + entity(body)
    }

    private func entity(_ part: MessagePart) -> [UInt8] {
        contentHeaders(of: part).flatMap { Array($0.utf8) + crlf } + crlf + content(of: part)
    }

    private func content(of part: MessagePart) -> [UInt8] {
        switch part.content {
        case .leaf:
            return sections[part.section] ?? []
        case .multipart(let children):
            let boundary = self.boundary(part)
            var bytes: [UInt8] = []
            for child in children {
                bytes += Array("--\(boundary)\r\n".utf8) + entity(child) + Array("\r\n".utf8)
            }
            return bytes + Array("--\(boundary)--\r\n".utf8)
        case .message(let inner):
            return message(header: sections["\(part.section).HEADER"] ?? [], body: inner)
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
        if case .leaf = part.content, sections[part.section] == nil {
            lines.append("X-Notegate-Omitted-Size: \(part.size)")
        }
        return lines
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

    /// The header's lines (continuations kept with their field), minus Content-Type and
    /// Content-Transfer-Encoding, which describe the original MIME tree rather than the skeleton.
    /// Works on bytes: header fields may carry 8-bit text in any charset.
    private func fieldsWithoutContentDescription(_ header: [UInt8]) -> [[UInt8]] {
        var kept: [[UInt8]] = []
        var dropping = false
        for rawLine in header.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            let line = Array(rawLine.last == UInt8(ascii: "\r") ? rawLine.dropLast() : rawLine)
            guard let first = line.first else { continue }
            if first != UInt8(ascii: " ") && first != UInt8(ascii: "\t") {
                let name = String(decoding: line.prefix { $0 != UInt8(ascii: ":") }, as: UTF8.self).lowercased()
                dropping = name == "content-type" || name == "content-transfer-encoding"
            }
            if !dropping { kept.append(line) }
        }
        return kept
    }
}

private let crlf: [UInt8] = [13, 10]
