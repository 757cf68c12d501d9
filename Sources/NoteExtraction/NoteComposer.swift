import MailParsing

/// Writes the note text: a short header (From, Date, Subject), the body, and a line naming the
/// attachments. A note never exceeds `maximumBytes`: an over-long header line or attachment line is
/// cut, the body takes what room is left, and whatever was cut is announced by a visible marker that
/// names what was cut: the text, a header line (`8 KB of the Subject line omitted`), or both.
struct NoteComposer {
    var maximumBytes: Int

    /// The most a header line may take of the note, and the least (for very small limits).
    private var headerLineBytes: Int { max(maximumBytes / 8, 64) }
    private var attachmentLineBytes: Int { max(maximumBytes / 4, 128) }

    /// `textIsIncomplete`: the text is only the beginning of the message's text (the parser's text
    /// budget cut it), so the note is marked truncated even when it fits.
    func compose(message: ParsedMessage, text: String?, attachments: [Attachment], textIsIncomplete: Bool = false) -> String {
        var lineCuts = LineCuts()
        var header: [String] = []
        func add(_ name: String, _ value: String) {
            let line = "\(name): \(value)"
            let cut = Self.cut(line, toFit: headerLineBytes)
            lineCuts.record(name, omitted: line.utf8.count - cut.keptBytes)
            header.append(cut.text)
        }
        if let from = message.from.first { add("From", "\(from)") }
        if let date = message.date, !date.isEmpty { add("Date", date) }
        if let subject = message.subject, !subject.isEmpty { add("Subject", subject) }
        let headerBlock = header.joined(separator: "\n")
        var attachmentLine = ""
        if !attachments.isEmpty {
            let line = "Attachments: " + attachments.map { "\($0.name) (\(Self.formatSize($0.size)))" }.joined(separator: ", ")
            let cut = Self.cut(line, toFit: attachmentLineBytes)
            lineCuts.record("Attachments", omitted: line.utf8.count - cut.keptBytes)
            attachmentLine = cut.text
        }

        let fixedBytes = headerBlock.utf8.count + attachmentLine.utf8.count + 4
        var body = text ?? ""
        if !lineCuts.names.isEmpty || textIsIncomplete || fixedBytes + body.utf8.count > maximumBytes {
            body = truncate(body, toFit: maximumBytes - fixedBytes, lineCuts: lineCuts, isIncomplete: textIsIncomplete)
        }
        let note = [headerBlock, body, attachmentLine].filter { !$0.isEmpty }.joined(separator: "\n\n")
        // Only a limit far below any configurable one (1 KiB) can leave too little room for the body.
        return note.utf8.count <= maximumBytes ? note : Self.cut(note, toFit: maximumBytes).text
    }

    /// Cuts `text` at a line (or character) boundary so that it and the marker fit in `budget` bytes.
    /// The marker counts the text left out here (when any was, or the text is incomplete) and, apart,
    /// the bytes cut from header or attachment lines, naming those lines.
    private func truncate(_ text: String, toFit budget: Int, lineCuts: LineCuts, isIncomplete: Bool) -> String {
        let total = text.utf8.count
        let marker = { (omitted: Int) -> String in
            var parts: [String] = []
            if omitted > 0 || isIncomplete || lineCuts.names.isEmpty {
                parts.append("\(isIncomplete ? "more than " : "")\(Self.formatSize(omitted)) of text")
            }
            if let lines = lineCuts.description { parts.append(lines) }
            return "[notegate: note truncated, \(parts.joined(separator: " and ")) omitted]"
        }
        let available = max(0, budget - marker(max(total, 1)).utf8.count - 12)
        var kept = Self.cut(text, toFit: available, marker: "").text[...]
        // Ends at its last line break when that is among its last 199 characters (looked for only there).
        if kept.utf8.count < total {
            var index = kept.endIndex
            for _ in 0..<199 where index > kept.startIndex {
                index = kept.index(before: index)
                if kept[index] == "\n" {
                    kept = kept[..<index]
                    break
                }
            }
        }
        let rest = marker(total - kept.utf8.count)
        return kept.isEmpty ? rest : kept + "\n\n" + rest
    }

    /// The note's lines that were cut and how many bytes they lost together.
    private struct LineCuts {
        private(set) var names: [String] = []
        private(set) var omittedBytes = 0

        mutating func record(_ name: String, omitted: Int) {
            guard omitted > 0 else { return }
            names.append(name)
            omittedBytes += omitted
        }

        /// `8 KB of the Subject line`, `9 KB of the From and Subject lines`; nil when no line was cut.
        var description: String? {
            guard let last = names.last else { return nil }
            let list = names.count == 1 ? last : names.dropLast().joined(separator: ", ") + " and " + last
            return "\(NoteComposer.formatSize(omittedBytes)) of the \(list) line\(names.count == 1 ? "" : "s")"
        }
    }

    /// `text` itself when it fits in `limit` bytes, else its longest prefix (whole Unicode scalars)
    /// that fits together with `marker`; and how many bytes of `text` were kept.
    private static func cut(_ text: String, toFit limit: Int, marker: String = "…") -> (text: String, keptBytes: Int) {
        let total = text.utf8.count
        guard total > limit else { return (text, total) }
        let available = max(0, limit - marker.utf8.count)
        // The last scalar boundary at or before `available` bytes: back from there past UTF-8 continuation
        // bytes (10xxxxxx), which never start a scalar.
        let utf8 = text.utf8
        var cut = utf8.index(utf8.startIndex, offsetBy: available)
        while cut > utf8.startIndex, utf8[cut] & 0xC0 == 0x80 { cut = utf8.index(before: cut) }
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
