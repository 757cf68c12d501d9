import NoteExtraction

extension ExplainCommand {
    /// What `explain --trimmed` prints below a note: each stretch of the body that trimming cut, in body
    /// order, under the name of the rule that cut it (see README, "The rules" → Trimming).
    static func trimReport(_ trimmed: TrimmedText) -> String {
        guard !trimmed.cuts.isEmpty else { return "   Trimmed:    nothing (the body is the sender's text as written)\n" }
        var lines = ["   Trimmed (\(trimmed.cuts.count) cut\(trimmed.cuts.count == 1 ? "" : "s")):"]
        for cut in trimmed.cuts {
            lines.append("   ✂ \(cut.rule):")
            lines += cut.text.split(separator: "\n", omittingEmptySubsequences: false).map { "   - \($0)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
