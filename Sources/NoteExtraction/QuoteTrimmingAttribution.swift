/// The line a mail client writes above the history it quotes: "On <date>, <name> <email> wrote:" and its
/// forms in other languages and clients, on one line or wrapped over two or three.
///
/// A line counts when it ends with a colon (or, as Zoho writes it, is set in dashes:
/// `---- On <date> <name> wrote ----`), names a "wrote" verb of one of the languages below, and either
/// opens the way that language does, starts with the date, or names a mail address; or, without a
/// date, when it ends with the verb right after an address (`Bob <bob@example.com> schrieb:`). That
/// keeps sentences a person writes ("On Monday Bob wrote the fix") from being taken for one.
///
/// Directly above quoted lines, a line that starts with a date and names an address counts without a
/// verb, as Gmail writes it in Japanese and Chinese (`2013/7/20 Bob <bob@example.com>`) and with a time
/// zone (`2016-03-03 17:21 GMT+01:00 Bob <bob@example.com>:`), and so does any line ending with a colon
/// that names a date and an address, as Yandex and Mail.ru write them.
enum Attribution {
    /// How one language writes an attribution: the words it opens with (also the weekdays Gmail starts
    /// with; none: it starts with the date or the name) and its verbs for "wrote", lower-cased.
    struct Language {
        let name: String
        let openings: [String]
        let verbs: [String]
    }

    static let languages = [
        Language(name: "English", openings: ["On"], verbs: ["wrote", "writes"]),
        Language(name: "German", openings: ["Am"], verbs: ["schrieb", "geschrieben"]),
        Language(name: "French", openings: ["Le"], verbs: ["a écrit", "écrit"]),
        Language(name: "Spanish", openings: ["El"], verbs: ["escribió", "escribio"]),
        Language(name: "Portuguese", openings: ["Em", "Às", "Na"], verbs: ["escreveu"]),
        Language(name: "Italian", openings: ["Il"], verbs: ["ha scritto"]),
        Language(name: "Dutch", openings: ["Op"], verbs: ["schreef", "geschreven"]),
        Language(name: "Danish, Norwegian, Swedish", openings: [
            "Den", "På", "man.", "tir.", "ons.", "tor.", "fre.", "lør.", "søn.", "mån", "tis", "ons", "tors", "fre", "lör", "sön",
        ], verbs: ["skrev"]),
        Language(name: "Finnish", openings: ["ma", "ti", "ke", "to", "pe", "la", "su"], verbs: ["kirjoitti"]),
        Language(name: "Polish", openings: ["W dniu", "Dnia"], verbs: ["napisał", "pisze"]),
        Language(name: "Czech", openings: ["Dne", "po", "út", "st", "čt", "pá", "so", "ne"], verbs: ["napsal"]),
        Language(name: "Russian, Ukrainian", openings: ["пн,", "вт,", "ср,", "чт,", "пт,", "сб,", "вс,"],
                 verbs: ["написал", "пишет", "написав"]),
        Language(name: "Turkish", openings: [], verbs: ["yazdı"]),
        Language(name: "Chinese", openings: ["在", "於"], verbs: ["写道", "寫道"]),
        Language(name: "Japanese", openings: [], verbs: ["のメッセージ", "書きました"]),
        Language(name: "Korean", openings: [], verbs: ["작성"]),
    ]

    /// Whether the line by itself is an attribution; `aboveQuote`: it is directly above quoted lines.
    static func matches(_ line: ReplyLine, aboveQuote: Bool = false) -> Bool {
        guard line.text.utf8.count <= maximumLength * 2, line.endsWithColon || line.isDashed || aboveQuote
        else { return false }
        return matches(text: line.trimmed, aboveQuote: aboveQuote)
    }

    /// Whether two or three lines are one attribution wrapped (Gmail and Outlook wrap long ones, often
    /// inside the `<email>` or its `<mailto:…>`). Only the last line may end with a colon: a line before
    /// it that ends with one is a sentence of its own.
    static func matches(wrapped lines: ArraySlice<ReplyLine>, aboveQuote: Bool = false) -> Bool {
        guard lines.count >= 2, let last = lines.last, last.endsWithColon || last.isDashed || aboveQuote,
              lines.reduce(0, { $0 + $1.text.utf8.count }) <= maximumLength * 2
        else { return false }
        guard let first = lines.first, startsLikeOne(first) || first.text.utf8.contains(UInt8(ascii: "@")) else { return false }
        var joined = ""
        for line in lines {
            let text = line.trimmed
            guard !text.isEmpty, !line.isQuoted else { return false }
            if line.text.endIndex != last.text.endIndex, line.endsWithColon { return false }
            // A wrap inside an address ("<\nbob@example.com>") or a link joins without a space.
            if !joined.isEmpty, !(joined.hasSuffix("<") || joined.hasSuffix("<mailto:") || text.hasPrefix(">")) {
                joined += " "
            }
            joined += text
        }
        return joined.utf8.count <= maximumLength && matches(text: joined[...], aboveQuote: aboveQuote)
    }

    /// Whether the line opens the way an attribution does: with a date, or a language's opening word.
    /// Such a line is an attribution's first line, never the end of a wrapped one.
    static func startsLikeOne(_ line: ReplyLine) -> Bool {
        let text = line.trimmed.drop { $0 == "-" || $0 == ">" || $0 == "*" || $0.isWhitespace }
        guard let first = text.utf8.first else { return false }
        if first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9") { return true }
        // A first character that is one ASCII byte (the next byte ASCII too) opens only the openings that
        // start with that byte: most lines are ruled out without comparing characters.
        if first < 0x80, text.utf8.dropFirst().first.map({ $0 < 0x80 }) ?? true, !openingFirstBytes[Int(first)] {
            return false
        }
        return languages.contains { !$0.openings.isEmpty && opens(text, in: $0) }
    }

    /// The first byte of every opening, as a table by byte value.
    private static let openingFirstBytes: [Bool] = {
        let bytes = Set(languages.flatMap(\.openings).compactMap(\.utf8.first))
        return (0...255).map { bytes.contains(UInt8($0)) }
    }()

    /// Longer lines are text, not attributions (and are not worth lower-casing).
    private static let maximumLength = 400

    private static func matches(text: Substring, aboveQuote: Bool) -> Bool {
        // Yahoo writes "--- On Wed, 4/4/12, Bob <bob@example.com> wrote:", Zoho sets it in dashes.
        var line = text.drop { $0 == "-" || $0 == "*" || $0.isWhitespace }
        let dashed = line.last == "-"
        while let last = line.last, last == "-" || last == "*" || last.isWhitespace {
            line.removeLast()
        }
        guard !line.isEmpty, line.utf8.count <= maximumLength else { return false }
        let bytes = line.utf8
        let colon = line.last == ":" || line.last == "："
        let hasDate = bytes.contains { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        let hasAddress = bytes.contains(UInt8(ascii: "@"))
        let startsWithDate = bytes.first.map { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } ?? false
        if aboveQuote, hasAddress, (startsWithDate && (colon || line.last == ">")) || (colon && hasDate) {
            return true
        }
        guard colon || dashed, hasDate || hasAddress else { return false }
        // Mail.ru, Yandex and others: `30.09.2017, 18.30, "Bob" <bob@example.com>:`, no verb, any language.
        if hasDate, hasAddress, line.hasSuffix(">:"), bytes.contains(UInt8(ascii: "<")) {
            return true
        }
        // ASCII is lower-cased byte by byte (what `lowercased()` does to it), other scripts through `lowercased()`.
        let lowercased = bytes.allSatisfy({ $0 < 0x80 })
            ? bytes.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 + 32 : $0 }
            : Array(line.lowercased().utf8)
        for (language, verbs) in verbBytes {
            for verb in verbs {
                guard let verbEnd = endOfFirst(verb, in: lowercased) else { continue }
                if hasDate, startsWithDate || hasAddress || dashed || opens(line, in: language) {
                    return true
                }
                if hasAddress || (aboveQuote && hasDate), endsWithVerb(lowercased[verbEnd...]) {
                    return true
                }
            }
        }
        return false
    }

    /// Each language's verbs as lower-case UTF-8, searched byte by byte.
    private static let verbBytes = languages.map { ($0, $0.verbs.map { Array($0.utf8) }) }

    private static func opens(_ line: Substring, in language: Language) -> Bool {
        language.openings.isEmpty || language.openings.contains { opening in
            line.hasPrefix(opening) && (opening.unicodeScalars.first!.properties.isIdeographic
                || line.dropFirst(opening.count).first == " ")
        }
    }

    /// Where the first occurrence of `needle` in `haystack` ends.
    private static func endOfFirst(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var start = 0
        while start <= haystack.count - needle.count {
            if haystack[start] == first, haystack[start..<(start + needle.count)].elementsEqual(needle) {
                return start + needle.count
            }
            start += 1
        }
        return nil
    }

    /// What follows the verb is only the colon, perhaps after a gender ending: "написал(а):".
    private static func endsWithVerb(_ rest: ArraySlice<UInt8>) -> Bool {
        guard rest.count <= 16 else { return false }
        let tail = String(decoding: rest, as: UTF8.self).filter { !$0.isWhitespace }
        return [":", "：", "(а):", "(a):", "(a)："].contains(tail)
    }
}
