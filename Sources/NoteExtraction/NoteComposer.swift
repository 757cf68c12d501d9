import MailParsing

/// Writes the note text: a short header (From, Date, Subject), the body, and a line naming the
/// attachments. A note never exceeds `maximumBytes`: an over-long header line or attachment line is
/// cut, the body takes what room is left, and whatever was cut is announced by a visible marker.
struct NoteComposer {
    var maximumBytes: Int

    /// The most a header line may take of the note, and the least (for very small limits).
    private var headerLineBytes: Int { max(maximumBytes / 8, 64) }
    private var attachmentLineBytes: Int { max(maximumBytes / 4, 128) }

    /// `textIsIncomplete`: the text is only the beginning of the message's text (the parser's text
    /// budget cut it), so the note is marked truncated even when it fits.
    func compose(message: ParsedMessage, text: String?, attachments: [Attachment], textIsIncomplete: Bool = false) -> String {
        var omitted = 0
        var header: [String] = []
        func add(_ line: String, limit: Int) {
            let cut = Self.cut(line, toFit: limit)
            omitted += line.utf8.count - cut.keptBytes
            header.append(cut.text)
        }
        if let from = message.from.first { add("From: \(from)", limit: headerLineBytes) }
        if let date = message.date, !date.isEmpty { add("Date: \(date)", limit: headerLineBytes) }
        if let subject = message.subject, !subject.isEmpty { add("Subject: \(subject)", limit: headerLineBytes) }
        let headerBlock = header.joined(separator: "\n")
        var attachmentLine = ""
        if !attachments.isEmpty {
            let line = "Attachments: " + attachments.map { "\($0.name) (\(Self.formatSize($0.size)))" }.joined(separator: ", ")
            let cut = Self.cut(line, toFit: attachmentLineBytes)
            omitted += line.utf8.count - cut.keptBytes
            attachmentLine = cut.text
        }

        let fixedBytes = headerBlock.utf8.count + attachmentLine.utf8.count + 4
        var body = text ?? ""
        if omitted > 0 || textIsIncomplete || fixedBytes + body.utf8.count > maximumBytes {
            body = truncate(body, toFit: maximumBytes - fixedBytes, alsoOmitted: omitted, isIncomplete: textIsIncomplete)
        }
        let note = [headerBlock, body, attachmentLine].filter { !$0.isEmpty }.joined(separator: "\n\n")
        // Only a limit far below any configurable one (1 KiB) can leave too little room for the body.
        return note.utf8.count <= maximumBytes ? note : Self.cut(note, toFit: maximumBytes).text
    }

    /// Cuts `text` at a line (or character) boundary so that it and the marker fit in `budget` bytes.
    /// The marker counts the text left out here and `alsoOmitted` bytes cut from header lines.
    private func truncate(_ text: String, toFit budget: Int, alsoOmitted: Int, isIncomplete: Bool) -> String {
        let total = text.utf8.count
        let marker = { (omitted: Int) in
            "[notegate: note truncated, \(isIncomplete ? "more than " : "")\(Self.formatSize(omitted)) of text omitted]"
        }
        let available = max(0, budget - marker(total + alsoOmitted).utf8.count - 12)
        var kept = Self.cut(text, toFit: available, marker: "").text[...]
        if kept.utf8.count < total, let lastBreak = kept.lastIndex(of: "\n"), kept.distance(from: lastBreak, to: kept.endIndex) < 200 {
            kept = kept[..<lastBreak]
        }
        let rest = marker(total - kept.utf8.count + alsoOmitted)
        return kept.isEmpty ? rest : kept + "\n\n" + rest
    }

    /// `text` itself when it fits in `limit` bytes, else its longest prefix (whole Unicode scalars)
    /// that fits together with `marker`; and how many bytes of `text` were kept.
    private static func cut(_ text: String, toFit limit: Int, marker: String = "…") -> (text: String, keptBytes: Int) {
        let total = text.utf8.count
        guard total > limit else { return (text, total) }
        let available = max(0, limit - marker.utf8.count)
        var used = 0
        var cut = text.unicodeScalars.startIndex
        for scalar in text.unicodeScalars.indices {
            used += UTF8.width(text.unicodeScalars[scalar])
            if used > available { break }
            cut = text.unicodeScalars.index(after: scalar)
        }
        let kept = String(text.unicodeScalars[..<cut])
        return (kept + marker, kept.utf8.count)
    }

    /// `512 bytes`, `21 KB`, `1.2 MB` (powers of 1024).
    static func formatSize(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) bytes" }
        if bytes < 1024 * 1024 { return "\((bytes + 512) / 1024) KB" }
        let tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024)
        return "\(tenths / 10).\(tenths % 10) MB"
    }
}
