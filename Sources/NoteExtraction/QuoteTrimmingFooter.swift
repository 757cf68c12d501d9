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
        guard line.text.utf8.count <= 300 else { return false }
        let text = withoutLinks(line.trimmed)
        guard !text.isEmpty, text.utf8.count <= 80 else { return false }
        var lowercased = text.lowercased()
        if lowercased.last == "." { lowercased.removeLast() }
        return forms.contains { form in
            guard lowercased.hasPrefix(form.opening), lowercased.hasSuffix(form.ending),
                  lowercased.count >= form.opening.count + form.ending.count
            else { return false }
            let name = lowercased.dropFirst(form.opening.count).dropLast(form.ending.count)
            return name.split(whereSeparator: \.isWhitespace).count <= form.wordsAfter
                && !name.contains { ".,;!?".contains($0) && $0 != name.last }
        }
    }

    /// The words of the line with link targets and Markdown's brackets left out:
    /// "Sent from [Mail](https://…) for Windows" and "Sent from Mail<https://…> for Windows" both become
    /// "Sent from Mail for Windows".
    private static func withoutLinks(_ text: Substring) -> String {
        var words = ""
        var skipping: Character?
        var previous: Character?
        for character in text {
            if let end = skipping {
                if character == end { skipping = nil }
            } else if character == "<" {
                skipping = ">"
            } else if character == "(", previous == "]" {
                skipping = ")"
            } else if character != "[", character != "]" {
                words.append(character)
            }
            previous = character
        }
        return words.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
