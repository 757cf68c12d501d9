import MailParsing

/// Writes the note text: a short header (From, Date, Subject), the body, and a line naming the
/// attachments, capped at a size with a visible marker.
struct NoteComposer {
    var maximumBytes: Int

    func compose(message: ParsedMessage, text: String?, attachments: [Attachment]) -> String {
        var header: [String] = []
        if let from = message.from.first { header.append("From: \(from)") }
        if let date = message.date, !date.isEmpty { header.append("Date: \(date)") }
        if let subject = message.subject, !subject.isEmpty { header.append("Subject: \(subject)") }
        let headerBlock = header.joined(separator: "\n")
        let attachmentLine = attachments.isEmpty ? "" : "Attachments: " + attachments
            .map { "\($0.name) (\(Self.formatSize($0.size)))" }
            .joined(separator: ", ")

        let fixedBytes = headerBlock.utf8.count + attachmentLine.utf8.count + 4
        var body = text ?? ""
        if fixedBytes + body.utf8.count > maximumBytes {
            body = truncate(body, toFit: maximumBytes - fixedBytes)
        }
        return [headerBlock, body, attachmentLine].filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    /// Cuts `text` at a line (or character) boundary so that it and the marker fit in `budget` bytes.
    private func truncate(_ text: String, toFit budget: Int) -> String {
        let total = text.utf8.count
        let marker = { (omitted: Int) in "\n\n[notegate: note truncated, \(Self.formatSize(omitted)) of text omitted]" }
        let available = max(0, budget - marker(total).utf8.count)
        var used = 0
        var cut = text.startIndex
        for scalar in text.unicodeScalars.indices {
            used += UTF8.width(text.unicodeScalars[scalar])
            if used > available { break }
            cut = text.unicodeScalars.index(after: scalar)
        }
        var kept = text[..<cut]
        if let lastBreak = kept.lastIndex(of: "\n"), kept.distance(from: lastBreak, to: kept.endIndex) < 200 {
            kept = kept[..<lastBreak]
        }
        return String(kept) + marker(total - kept.utf8.count)
    }

    /// `512 bytes`, `21 KB`, `1.2 MB` (powers of 1024).
    static func formatSize(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) bytes" }
        if bytes < 1024 * 1024 { return "\((bytes + 512) / 1024) KB" }
        let tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024)
        return "\(tenths / 10).\(tenths % 10) MB"
    }
}
