/// Crafted messages that attack the parser's resources: deep nesting, huge counts, huge lines and
/// quadratic traps. Built in memory at any size, for the tests (which expect a decision for each)
/// and for `make bench-hostile` (which measures what each costs).
public struct HostileMail: Sendable {
    /// A name for reports, like `nested-rfc822`.
    public let name: String
    /// What the message tries to exhaust.
    public let summary: String
    /// The message, about `targetBytes` long.
    public let make: @Sendable (_ targetBytes: Int) -> [UInt8]

    public init(name: String, summary: String, make: @escaping @Sendable (_ targetBytes: Int) -> [UInt8]) {
        self.name = name
        self.summary = summary
        self.make = make
    }

    /// Every crafted case, in the order the issue lists them, then the others.
    public static let all: [HostileMail] = [
        nestedRFC822, nestedMultipartSpacedBoundary, nestedMultipartFoldedRFC2231, nestedMessageGlobal, nestedDigest,
        blockquoteBomb, encodedWordSubject, hugeSubject, manyHeaderFields, hugeHeaderLine, flatParts,
        nestedHTMLTables, nestedHTMLLists, nestedHTMLDivs, encodedWordFrom, hugeBase64Line, nulBytes,
        invalidUTF8Headers, hugePlainText, manyAttachments, nestingAtBudget, delimiterSearchAtBudget, partsAtBudget, headerAtBudget,
        hugeAddressList, manyForwarded, nestedComments, commentsAtBudget,
    ]

    /// The header every case starts with; `[#7]` makes a posting message.
    static func header(subject: String = "[#7] Hostile", from: String = "Mallory <mallory@attacker.example>",
                       extra: String = "") -> String {
        "From: \(from)\r\nTo: notes@support.example\r\nSubject: \(subject)\r\nDate: Tue, 24 Nov 2026 09:15:00 +0100\r\n"
            + "Message-ID: <hostile@attacker.example>\r\nMIME-Version: 1.0\r\n\(extra)"
    }

    /// `unit` repeated to about `targetBytes`, between `prefix` and `suffix`.
    static func repeated(_ unit: String, toFill targetBytes: Int, prefix: String = "", suffix: String = "") -> [UInt8] {
        let count = max(1, (targetBytes - prefix.utf8.count - suffix.utf8.count) / max(1, unit.utf8.count))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(prefix.utf8.count + count * unit.utf8.count + suffix.utf8.count)
        bytes += prefix.utf8
        let unitBytes = Array(unit.utf8)
        for _ in 0..<count { bytes += unitBytes }
        bytes += suffix.utf8
        return bytes
    }

    /// The header, then `level(0)`, `level(1)`, … until about `targetBytes`, then `bottom`.
    static func nested(toFill targetBytes: Int, bottom: String = "Content-Type: text/plain\r\n\r\nbottom\r\n",
                       _ level: (Int) -> String) -> [UInt8] {
        var text = header()
        var index = 0
        while text.utf8.count < targetBytes {
            text += level(index)
            index += 1
        }
        return Array((text + bottom).utf8)
    }

    /// Levels of `message/rfc822` with no boundary at all: libetpan recurses once per level.
    public static let nestedRFC822 = HostileMail(name: "nested-rfc822", summary: "message/rfc822 nested to the end") {
        repeated("Content-Type: message/rfc822\r\n\r\n", toFill: $0, prefix: header(), suffix: "\r\nbottom\r\n")
    }

    /// Multiparts nested with `boundary ="bN"`, a space before `=` that an exact scan misses.
    public static let nestedMultipartSpacedBoundary = HostileMail(
        name: "nested-multipart-spaced", summary: "multipart nested with boundary =\"b\""
    ) {
        nested(toFill: $0) { "Content-Type: multipart/mixed; boundary =\"b\($0)\"\r\n\r\n--b\($0)\r\n" }
    }

    /// Multiparts nested with the Content-Type folded over lines, the parameter name in capitals,
    /// comments, and RFC 2231 `boundary*0*=` continuations after a plain `boundary`.
    public static let nestedMultipartFoldedRFC2231 = HostileMail(
        name: "nested-multipart-folded", summary: "folded Content-Type, BOUNDARY, comments, boundary*0*="
    ) {
        nested(toFill: $0) { level in
            level.isMultiple(of: 2)
                ? "CONTENT-TYPE (c) :\r\n multipart/mixed;\r\n\tBOUNDARY (x) = \"f\(level)\"\r\n\r\n--f\(level)\r\n"
                : "Content-type: multipart/mixed; boundary*0*=us-ascii''f%\(String(level % 256, radix: 16)); boundary=\"f\(level)\"\r\n\r\n--f\(level)\r\n"
        }
    }

    /// Levels of `message/global` (RFC 6532), nested like message/rfc822.
    public static let nestedMessageGlobal = HostileMail(name: "nested-message-global", summary: "message/global nested") {
        repeated("Content-Type: message/global\r\n\r\n", toFill: $0, prefix: header(), suffix: "\r\nbottom\r\n")
    }

    /// `multipart/digest` nested through parts without a Content-Type, which default to message/rfc822.
    public static let nestedDigest = HostileMail(name: "nested-digest", summary: "multipart/digest default parts") {
        nested(toFill: $0, bottom: "Subject: bottom\r\n\r\nbottom\r\n") {
            "Content-Type: multipart/digest; boundary=\"d\($0)\"\r\n\r\n--d\($0)\r\n\r\n"
        }
    }

    /// HTML only: 250 nested blockquotes, then `x<br>` to the end: every line quoted 250 times.
    public static let blockquoteBomb = HostileMail(name: "blockquote-bomb", summary: "250 blockquotes, then x<br> lines") {
        repeated("x<br>", toFill: $0,
                 prefix: header(extra: "Content-Type: text/html; charset=utf-8\r\n") + "\r\n"
                    + String(repeating: "<blockquote>", count: 250))
    }

    /// A subject of `=?x?q?a ` repeated: encoded words that never close.
    public static let encodedWordSubject = HostileMail(name: "encoded-word-subject", summary: "=?x?q?a repeated in Subject") {
        let subject = String(decoding: repeated("=?x?q?a ", toFill: $0, prefix: "[#7] "), as: UTF8.self)
        return Array((header(subject: subject) + "\r\nbody\r\n").utf8)
    }

    /// One enormous subject line.
    public static let hugeSubject = HostileMail(name: "huge-subject", summary: "one Subject line of the whole size") {
        let subject = String(decoding: repeated("Lorem ipsum ", toFill: $0, prefix: "[#7] "), as: UTF8.self)
        return Array((header(subject: subject) + "\r\nbody\r\n").utf8)
    }

    /// Header fields to the end, no body.
    public static let manyHeaderFields = HostileMail(name: "many-header-fields", summary: "X-H: v fields to the end") {
        repeated("X-H: v\r\n", toFill: $0, prefix: header(), suffix: "\r\nbody\r\n")
    }

    /// One header field (not the subject) as long as the message.
    public static let hugeHeaderLine = HostileMail(name: "huge-header-line", summary: "one X-Long header line") {
        repeated("abcdefgh", toFill: $0, prefix: header() + "X-Long: ", suffix: "\r\n\r\nbody\r\n")
    }

    /// One flat multipart with as many tiny parts as fit.
    public static let flatParts = HostileMail(name: "flat-parts", summary: "one multipart, tiny parts to the end") {
        repeated("--p\r\n\r\nx\r\n", toFill: $0,
                 prefix: header(extra: "Content-Type: multipart/mixed; boundary=p\r\n") + "\r\n", suffix: "--p--\r\n")
    }

    static func html(_ unit: String, _ target: Int) -> [UInt8] {
        repeated(unit, toFill: target, prefix: header(extra: "Content-Type: text/html; charset=utf-8\r\n") + "\r\n",
                 suffix: "deep")
    }

    /// Tables nested in table cells.
    public static let nestedHTMLTables = HostileMail(name: "nested-html-tables", summary: "nested <table><tr><td>") {
        html("<table><tr><td>a", $0)
    }

    /// Lists nested in list items: each bullet indents further.
    public static let nestedHTMLLists = HostileMail(name: "nested-html-lists", summary: "nested <ul><li>") {
        html("<ul><li>a", $0)
    }

    /// Divs nested in divs.
    public static let nestedHTMLDivs = HostileMail(name: "nested-html-divs", summary: "nested <div>") {
        html("<div>", $0)
    }

    /// A From of `=?` to the end.
    public static let encodedWordFrom = HostileMail(name: "encoded-word-from", summary: "=? repeated in From") {
        let from = String(decoding: repeated("=?", toFill: $0, suffix: " <m@attacker.example>"), as: UTF8.self)
        return Array((header(from: from) + "\r\nbody\r\n").utf8)
    }

    /// A base64 text body in one line with no line break.
    public static let hugeBase64Line = HostileMail(name: "huge-base64-line", summary: "base64 text body, no line breaks") {
        repeated("SGVsbG8gd29ybGQh", toFill: $0,
                 prefix: header(extra: "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n")
                    + "\r\n", suffix: "\r\n")
    }

    /// NUL bytes in header values and all through the body.
    public static let nulBytes = HostileMail(name: "nul-bytes", summary: "NUL bytes in headers and body") {
        var bytes = Array(header(subject: "[#7] N\u{0}UL", from: "N\u{0}ul <n\u{0}@attacker.example>").utf8)
        bytes += Array("X-Nul: \u{0}\u{0}\r\n\r\n".utf8)
        bytes += repeated("a\u{0}b\u{0}\r\n", toFill: max(0, $0 - bytes.count))
        return bytes
    }

    /// Invalid UTF-8 in every header field, and a body that is not UTF-8 either.
    public static let invalidUTF8Headers = HostileMail(name: "invalid-utf8-headers", summary: "invalid UTF-8 in every header") {
        let junk: [UInt8] = [0xC3, 0x28, 0xFF, 0xFE, 0xE2, 0x82]
        var bytes: [UInt8] = []
        for name in ["From: ", "To: ", "Subject: [#7] ", "Date: ", "Message-ID: <", "Content-Type: text/plain; charset="] {
            bytes += Array(name.utf8) + junk + junk + Array("\r\n".utf8)
        }
        bytes += Array("\r\n".utf8)
        let line = junk + Array(" text\r\n".utf8)
        while bytes.count < $0 { bytes += line }
        return bytes
    }

    /// A plain text body of the whole size: far over any note.
    public static let hugePlainText = HostileMail(name: "huge-plain-text", summary: "plain text body of the whole size") {
        repeated("All work and no play makes Jack a dull boy.\r\n", toFill: $0,
                 prefix: header(extra: "Content-Type: text/plain; charset=utf-8\r\n") + "\r\n")
    }

    /// Just under the part budget of named attachments: a long attachment line.
    public static let manyAttachments = HostileMail(name: "many-attachments", summary: "900 named attachments") { target in
        var text = header(extra: "Content-Type: multipart/mixed; boundary=a\r\n") + "\r\n--a\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n"
        let filler = String(repeating: "QUFB", count: max(1, target / 900 / 4))
        for index in 0..<900 {
            text += "--a\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Disposition: attachment; filename=\"attachment-with-a-long-name-\(index).bin\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n\(filler)\r\n"
        }
        return Array((text + "--a--\r\n").utf8)
    }

    /// 30 levels of multipart, just within the nesting budget, over a body of the whole size: each
    /// level's parser searches the rest of the message for its delimiter.
    public static let nestingAtBudget = HostileMail(name: "nesting-at-budget", summary: "30 nested multiparts over a big body") {
        nestedMultiparts(30, $0)
    }

    /// 7 levels of multipart over a body of the whole size: the most delimiter searching the budget lets through at 25 MiB.
    public static let delimiterSearchAtBudget = HostileMail(
        name: "delimiter-search-at-budget", summary: "7 nested multiparts over a big body"
    ) {
        nestedMultiparts(7, $0)
    }

    static func nestedMultiparts(_ levels: Int, _ target: Int) -> [UInt8] {
        var prefix = header()
        for level in 0..<levels { prefix += "Content-Type: multipart/mixed; boundary=\"n\(level)\"\r\n\r\n--n\(level)\r\n" }
        prefix += "Content-Type: text/plain\r\n\r\n"
        let suffix = (0..<levels).reversed().map { "\r\n--n\($0)--" }.joined() + "\r\n"
        return repeated("- not a delimiter --n1 --n2\r\n", toFill: target, prefix: prefix, suffix: suffix)
    }

    /// 999 text parts, just within the part budget, sharing the whole size.
    public static let partsAtBudget = HostileMail(name: "parts-at-budget", summary: "999 text/html parts") { target in
        let body = String(repeating: "<p>text <b>bold</b></p>\r\n", count: max(1, target / 999 / 24))
        var text = header(extra: "Content-Type: multipart/mixed; boundary=p\r\n") + "\r\n"
        for _ in 0..<999 { text += "--p\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\(body)" }
        return Array((text + "--p--\r\n").utf8)
    }

    /// Just under 10,000 header fields and 1 MiB of header, each an encoded word, then a body.
    public static let headerAtBudget = HostileMail(name: "header-at-budget", summary: "9,900 encoded header fields, < 1 MiB") {
        let field = "X-Encoded: =?utf-8?q?M=C3=A4rz?= =?iso-8859-1?q?caf=E9?= =?x?q?a =?utf-8?b?w6Q=?= end\r\n"
        var text = header()
        for _ in 0..<9_900 where text.utf8.count + field.utf8.count < (1 << 20) - 256 { text += field }
        return repeated("body line\r\n", toFill: $0, prefix: text + "\r\n")
    }

    /// A To field of tiny addresses filling the header budget: every one parsed by libetpan.
    public static let hugeAddressList = HostileMail(name: "huge-address-list", summary: "To: 1 MiB of addresses") {
        let addresses = String(repeating: "\"=?utf-8?q?A?=\" <a@b.c>, ", count: ((1 << 20) - 1024) / 27)
        return repeated("body line\r\n", toFill: $0, prefix: header(extra: "To: \(addresses)x@y.z\r\n") + "\r\n")
    }

    /// 999 forwarded messages, each with a long To list: every embedded header is parsed, addresses too.
    public static let manyForwarded = HostileMail(name: "many-forwarded", summary: "999 message/rfc822 parts, long headers") { target in
        let to = String(repeating: "\"Some One\" <someone@example.com>, ", count: max(1, target / 999 / 36))
        var text = header(extra: "Content-Type: multipart/mixed; boundary=f\r\n") + "\r\n--f\r\n\r\nSee below.\r\n"
        for index in 0..<999 {
            text += "--f\r\nContent-Type: message/rfc822\r\n\r\nFrom: sender\(index)@example.com\r\nTo: \(to)last@example.com\r\n"
                + "Subject: forwarded \(index)\r\n\r\nForwarded body \(index).\r\n"
        }
        return Array((text + "--f--\r\n").utf8)
    }

    /// A From of open parentheses: libetpan reads nested comments by recursion.
    public static let nestedComments = HostileMail(name: "nested-comments", summary: "From: (((… 900,000 deep") { target in
        let from = String(repeating: "(", count: 900_000) + " m@attacker.example"
        return repeated("body line\r\n", toFill: target, prefix: header(from: from) + "\r\n")
    }

    /// Comments nested 9,000 deep in the From, a part's Content-Type and a forwarded message's To.
    public static let commentsAtBudget = HostileMail(name: "comments-at-budget", summary: "9,000 nested comments in 3 headers") {
        let comment = String(repeating: "(", count: 9_000) + String(repeating: ")", count: 9_000)
        let prefix = header(from: "\(comment) m@attacker.example", extra: "Content-Type: multipart/mixed; boundary=c\r\n")
            + "\r\n--c\r\nContent-Type: text/plain \(comment)\r\n\r\nSee below.\r\n--c\r\nContent-Type: message/rfc822\r\n\r\n"
            + "From: f@example.com\r\nTo: \(comment) t@example.com\r\nSubject: forwarded\r\n\r\n"
        return repeated("forwarded line\r\n", toFill: $0, prefix: prefix, suffix: "--c--\r\n")
    }
}
