/// The line a phone or mail app adds below what the sender wrote: "Sent from my iPhone", "Get Outlook
/// for iOS", "Sent with Airmail", in the languages the apps write it in, also when the app's name is a
/// link ("Sent from [Mail](https://go.microsoft.com/…) for Windows", "Sent from Mail<https://…>").
///
/// Only a short line counts (a sentence that happens to start "Sent from my phone, the photos…" has
/// more words after the opening than a footer does), and only at the end of the sender's text.
enum ClientFooter {
    /// A footer: how it starts (lower-cased), or how it ends where the language puts the verb last, and
    /// how many words may follow the opening (the device or app name).
    struct Form {
        let opening: String
        var ending: String = ""
        var wordsAfter = 5
    }

    static let forms = [
        // English
        Form(opening: "sent from my "), Form(opening: "sent from mail for windows"), Form(opening: "sent from yahoo mail"),
        Form(opening: "sent from outlook"), Form(opening: "sent from "), Form(opening: "sent with "),
        Form(opening: "sent via "), Form(opening: "sent using "), Form(opening: "sent on my "),
        Form(opening: "get outlook for "), Form(opening: "get outlook mobile"),
        // German
        Form(opening: "von meinem ", ending: "gesendet"), Form(opening: "gesendet von "), Form(opening: "gesendet mit "),
        Form(opening: "outlook für "),
        // French
        Form(opening: "envoyé de mon "), Form(opening: "envoyé depuis "), Form(opening: "envoyé avec "),
        Form(opening: "télécharger outlook pour "), Form(opening: "obtenir outlook pour "),
        // Spanish, Portuguese, Italian
        Form(opening: "enviado desde "), Form(opening: "enviado con "), Form(opening: "obtener outlook para "),
        Form(opening: "enviado do meu "), Form(opening: "enviado de meu "), Form(opening: "enviado a partir do "),
        Form(opening: "enviado do "), Form(opening: "obter o outlook para "),
        Form(opening: "inviato da "), Form(opening: "inviato con "), Form(opening: "scarica outlook per "),
        // Dutch
        Form(opening: "verzonden vanaf mijn "), Form(opening: "verstuurd vanaf mijn "), Form(opening: "verzonden met "),
        Form(opening: "verzonden vanuit "), Form(opening: "verstuurd met "), Form(opening: "outlook voor "),
        // Danish, Norwegian, Swedish, Finnish, Polish, Czech
        Form(opening: "sendt fra min "), Form(opening: "sendt fra "), Form(opening: "sendt med "),
        Form(opening: "skickat från min "), Form(opening: "skickat från "), Form(opening: "skickat med "),
        Form(opening: "lähetetty ", wordsAfter: 4), Form(opening: "wysłane z ", wordsAfter: 4),
        Form(opening: "odesláno z ", wordsAfter: 4),
        // Russian, Ukrainian
        Form(opening: "отправлено с "), Form(opening: "отправлено из "), Form(opening: "надіслано з "),
        // Chinese, Japanese, Korean
        Form(opening: "从我的", ending: "发送", wordsAfter: 3), Form(opening: "從我的", ending: "傳送", wordsAfter: 3),
        Form(opening: "发自我的", wordsAfter: 3), Form(opening: "寄自我的", wordsAfter: 3),
        Form(opening: "", ending: "から送信", wordsAfter: 3), Form(opening: "", ending: "에서 보냄", wordsAfter: 3),
    ]

    /// Whether the line is an app's footer.
    static func matches(_ line: ReplyLine) -> Bool {
        footerText(line) != nil
    }

    /// Whether the line is a footer that names a phone or a mail app ("Sent from my iPhone", "Gesendet
    /// von Outlook für Android"): apps write it right below what the sender wrote, so whatever follows
    /// it is the history the app appended, even without an attribution.
    static func endsTheSendersText(_ line: ReplyLine) -> Bool {
        guard line.text.utf8.count <= 300, line.text.utf8.count >= 8, !line.isQuoted, let text = footerText(line)
        else { return false }
        return appNames.contains { text.contains($0) }
    }

    /// Words naming a device or mail app, lower-cased.
    static let appNames = [
        "iphone", "ipad", "android", "blackberry", "samsung", "galaxy", "huawei", "xiaomi", "pixel", "outlook",
        "yahoo", "mail for windows", "airmail", "spark", "typeapp", "bluemail", "aol", "gmail", "proton",
        "superhuman", "smartphone", "mobile", "phone", "手机", "手機", "携帯", "휴대폰",
    ]

    /// The footer's words, lower-cased and without links, when the line is one.
    private static func footerText(_ line: ReplyLine) -> String? {
        guard line.text.utf8.count <= 300, mayBeFooter(line.text.utf8) else { return nil }
        var words = withoutLinks(line.text.utf8)
        guard !words.isEmpty, words.count <= 80 else { return nil }
        if let first = words.first, first >= 0x80 {
            // "Отправлено с iPhone": only a first letter outside ASCII is capitalised.
            let text = String(decoding: words, as: UTF8.self)
            words = Array((text.prefix(1).lowercased() + text.dropFirst()).utf8)
        }
        if words.last == UInt8(ascii: ".") { words.removeLast() }
        return isFooter(words) ? String(decoding: words, as: UTF8.self) : nil
    }

    /// A cheap look at the line's length, its first two letters and its last bytes (for the forms that
    /// only end alike): most lines of a message are ruled out here. Read in the line's contiguous UTF-8.
    private static func mayBeFooter(_ bytes: Substring.UTF8View) -> Bool {
        bytes.withContiguousStorageIfAvailable(mayBeFooter) ?? Array(bytes).withUnsafeBufferPointer(mayBeFooter)
    }

    private static func mayBeFooter(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") }
        guard let start = bytes.firstIndex(where: { !isSpace($0) }), let end = bytes.lastIndex(where: { !isSpace($0) })
        else { return false }
        let second = start + 1 <= end ? bytes[start + 1] : 0
        let prefix = Int(lowercased(bytes[start])) << 8 | Int(second)
        let opens = openingPrefixBits[prefix >> 6] >> (prefix & 63) & 1 != 0
        let ends = !opens && bytes[end] >= 0x80 && endingBytes.contains { ending in
            var index = end
            for byte in ending.reversed() {
                guard bytes[index] == byte else { return false }
                guard index > start else { return byte == ending.first }
                index -= 1
            }
            return true
        }
        guard opens || ends else { return false }
        // Longer than a footer can be, unless a link makes it so.
        return end - start <= 80 || bytes.contains(UInt8(ascii: "<")) || bytes.contains(UInt8(ascii: "("))
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }

    /// The first two bytes of every opening, also with its first letter capitalised ("От", "Ä").
    private static let openingPrefixes = Set(forms.flatMap { form -> [UInt16] in
        let capitalised = form.opening.prefix(1).uppercased() + form.opening.dropFirst()
        return [form.opening, capitalised].compactMap { opening in
            let bytes = Array(opening.utf8)
            return bytes.count >= 2 ? UInt16(lowercased(bytes[0])) << 8 | UInt16(bytes[1]) : nil
        }
    })

    /// `openingPrefixes` as 65,536 bits, one per pair of bytes: looked up for every line without hashing.
    private static let openingPrefixBits: [UInt64] = openingPrefixes.reduce(into: [UInt64](repeating: 0, count: 1024)) { bits, prefix in
        bits[Int(prefix) >> 6] |= 1 << (UInt64(prefix) & 63)
    }

    /// The endings of the forms that have one: "gesendet", "から送信", …
    private static let endingBytes = forms.map { Array($0.ending.utf8) }.filter { !$0.isEmpty }

    /// The forms as UTF-8, compared byte by byte: most lines are ruled out by their first bytes.
    private static let formBytes = forms.map { (opening: Array($0.opening.utf8), ending: Array($0.ending.utf8), wordsAfter: $0.wordsAfter) }

    private static func isFooter(_ words: [UInt8]) -> Bool {
        formBytes.contains { form in
            // The first byte rules out most forms before the opening is compared.
            guard form.opening.first.map({ $0 == words.first }) ?? true,
                  words.count >= form.opening.count + form.ending.count, words.starts(with: form.opening),
                  words.suffix(form.ending.count).elementsEqual(form.ending)
            else { return false }
            let name = words[form.opening.count..<(words.count - form.ending.count)]
            let spaces = name.filter { $0 == UInt8(ascii: " ") }.count
            let wordCount = name.isEmpty ? 0 : spaces + 1 - (name.first == UInt8(ascii: " ") ? 1 : 0)
                - (name.last == UInt8(ascii: " ") && name.count > 1 ? 1 : 0)
            // A sentence goes on after a comma or a full stop; a device name does not.
            return wordCount <= form.wordsAfter && !name.contains { [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "!"),
                                                                      UInt8(ascii: "?"), UInt8(ascii: ".")].contains($0) }
        }
    }

    /// The line's bytes, ASCII lower-cased, with link targets and Markdown's brackets left out and spaces
    /// collapsed: "Sent from [Mail](https://…) for Windows" and "Sent from Mail<https://…> for Windows"
    /// both become "sent from mail for windows".
    private static func withoutLinks(_ text: Substring.UTF8View) -> [UInt8] {
        var words: [UInt8] = []
        var skipping: UInt8?
        var previous: UInt8 = 0
        for byte in text {
            defer { previous = byte }
            if let end = skipping {
                if byte == end { skipping = nil }
                continue
            }
            switch byte {
            case UInt8(ascii: "<"): skipping = UInt8(ascii: ">")
            case UInt8(ascii: "(") where previous == UInt8(ascii: "]"): skipping = UInt8(ascii: ")")
            case UInt8(ascii: "["), UInt8(ascii: "]"): continue
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                if let last = words.last, last != UInt8(ascii: " ") { words.append(UInt8(ascii: " ")) }
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): words.append(byte + 32)
            default: words.append(byte)
            }
        }
        while words.last == UInt8(ascii: " ") { words.removeLast() }
        return words
    }
}
