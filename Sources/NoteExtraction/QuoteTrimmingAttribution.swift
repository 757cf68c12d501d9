/// The line a mail client writes above the history it quotes, "On <date>, <name> <email> wrote:",
/// in English, German, French, Spanish, Dutch, Portuguese, Italian and Russian.
///
/// Every form ends with a colon and contains a date, so a line must have both: that keeps sentences
/// a person writes ("On Monday Bob wrote the fix") from being taken for one.
enum Attribution {
    /// Whether the line by itself is an attribution. With `aboveQuote` (the line is directly above
    /// quoted lines), any line ending with a colon that names a date and a mail address counts, as
    /// Yandex and Mail.ru write them: `26.06.2014, 14:41, "Bob" <bob@example.com>:`.
    static func matches(_ line: ReplyLine, aboveQuote: Bool = false) -> Bool {
        line.endsWithColon && line.text.utf8.count <= maximumLength * 2
            && matches(text: line.trimmed, aboveQuote: aboveQuote)
    }

    /// Whether two lines are one attribution wrapped in two (Gmail wraps long ones, often inside the
    /// `<email>`). The first line must not end with a colon: then it is a sentence of its own. Only the
    /// language forms count here, so that a line of the sender's own cannot be taken in.
    static func matches(wrapped first: ReplyLine, _ second: ReplyLine) -> Bool {
        guard second.endsWithColon, first.text.utf8.count + second.text.utf8.count <= maximumLength * 2 else {
            return false
        }
        let head = first.trimmed
        let tail = second.trimmed
        guard !head.isEmpty, !tail.isEmpty, !head.hasSuffix(":"), !first.isQuoted, !second.isQuoted,
              head.utf8.count + tail.utf8.count <= maximumLength
        else { return false }
        return matches(text: head + " " + tail, aboveQuote: false)
    }

    /// Longer lines are text, not attributions (and are not worth lower-casing).
    private static let maximumLength = 400

    /// How a language opens an attribution, and the verbs for "wrote" it ends with.
    private struct Form {
        /// The first word; nil when the line starts with the date itself.
        let opening: String?
        let verbs: [String]
    }

    private static let forms = [
        Form(opening: "On", verbs: ["wrote", "writes"]),
        Form(opening: "Am", verbs: ["schrieb"]),
        Form(opening: "Le", verbs: ["a écrit"]),
        Form(opening: "El", verbs: ["escribió", "escribio"]),
        Form(opening: "Op", verbs: ["schreef", "geschreven"]),
        Form(opening: "Em", verbs: ["escreveu"]),
        Form(opening: "Il", verbs: ["ha scritto"]),
        Form(opening: nil, verbs: ["написал"]),
    ]

    private static func matches(text: some StringProtocol, aboveQuote: Bool) -> Bool {
        // Yahoo writes "--- On Wed, 4/4/12, Bob <bob@example.com> wrote:".
        let line = text.drop { $0 == "-" || $0.isWhitespace }
        guard line.utf8.count <= maximumLength, line.hasSuffix(":"), line.contains(where: \.isNumber) else {
            return false
        }
        if aboveQuote, line.contains("@") {
            return true
        }
        let openedForms = forms.filter { form in
            form.opening.map { line.hasPrefix($0 + " ") } ?? (line.first?.isNumber ?? false)
        }
        guard !openedForms.isEmpty else { return false }
        let lowercased = line.lowercased()
        return openedForms.contains { form in form.verbs.contains { lowercased.contains($0) } }
    }
}
