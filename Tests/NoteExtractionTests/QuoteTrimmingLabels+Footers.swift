/// Replies that end with the line a phone or mail app adds.
extension LabeledReply {
    static let footers: [LabeledReply] = [
        ("iPhone", "Sent from my iPhone"),
        ("iPad", "Sent from my iPad"),
        ("Android", "Sent from my Android"),
        ("BlackBerry", "Sent from my BlackBerry 10 smartphone."),
        ("Samsung", "Sent from my Samsung Galaxy smartphone."),
        ("Huawei", "Sent from my Huawei phone"),
        ("Outlook for iOS", "Get Outlook for iOS"),
        ("Outlook for Android with link", "Get Outlook for Android<https://aka.ms/ghei36>"),
        ("Airmail", "Sent with Airmail"),
        ("Spark", "Sent with Spark"),
        ("Mail for Windows", "Sent from Mail for Windows 10"),
        ("Mail for Windows as a Markdown link", "Sent from [Mail](https://go.microsoft.com/fwlink/?LinkId=550986) for Windows 10"),
        ("Mail for Windows as an HTML link", "Sent from Mail<https://go.microsoft.com/fwlink/?LinkId=550986> for Windows 10"),
        ("Yahoo Mail on Android", "Sent from Yahoo Mail on Android"),
        ("Yahoo Mail for iPhone as a link", "Sent from Yahoo Mail for iPhone<https://overview.mail.yahoo.com/?.src=iOS>"),
        ("TypeApp with link", "Sent from TypeApp<http://www.typeapp.com/r?b=2621>"),
        ("French iPhone", "Envoyé de mon iPhone"),
        ("French Outlook", "Télécharger Outlook pour iOS<https://aka.ms/o0ukef>"),
        ("German iPhone", "Von meinem iPhone gesendet"),
        ("German Samsung", "Von meinem Samsung Galaxy Smartphone gesendet."),
        ("Spanish iPhone", "Enviado desde mi iPhone"),
        ("Portuguese iPhone", "Enviado do meu iPhone"),
        ("Italian iPhone", "Inviato da iPhone"),
        ("Dutch iPhone", "Verzonden vanaf mijn iPhone"),
        ("Dutch BlackBerry Work", "Verzonden met BlackBerry Work"),
        ("Danish iPad", "Sendt fra min iPad"),
        ("Norwegian iPhone", "Sendt fra min iPhone"),
        ("Swedish iPhone", "Skickat från min iPhone"),
        ("Finnish iPhone", "Lähetetty iPhonesta"),
        ("Polish iPhone", "Wysłane z iPhone'a"),
        ("Russian iPhone", "Отправлено с iPhone"),
        ("Chinese simplified iPhone", "从我的iPhone发送"),
        ("Chinese traditional iPhone", "從我的 iPhone 傳送"),
        ("Japanese iPhone", "iPhoneから送信"),
        ("Korean iPhone", "나의 iPhone에서 보냄"),
    ].enumerated().map { number, footer in
        let text = footerReplies[number % footerReplies.count]
        return LabeledReply(kind: "Footer, \(footer.0)", body: "\(text)\n\n\(footer.1)\n", keep: text)
    } + [
        LabeledReply(kind: "Footer set apart by an em dash", body: """
            I'll bring the signed copy tomorrow.

            —
            Sent with Spark
            """, keep: "I'll bring the signed copy tomorrow."),
        LabeledReply(kind: "Footer between the reply and a quoted history", body: """
            Yes, please go ahead.

            Sent from my iPhone

            > On 3 Mar 2026, at 10:21, Acme Support <support@acme.example> wrote:
            >
            > Shall we replace the unit?
            """, keep: "Yes, please go ahead."),
        LabeledReply(kind: "Footer above an unquoted attribution and history", body: """
            It can happen with any text you type between paragraphs.

            Sent from TypeApp<http://www.typeapp.com/r?b=2621>
            On Jun 17, 2027, at 14:15, Acme Support <support@acme.example<
            mailto:support@acme.example>> wrote:
            Can you send us the text so we can reproduce it?
            """, keep: "It can happen with any text you type between paragraphs."),
        LabeledReply(kind: "Footer after a signature name", body: """
            On my way to the site now.

            Marek

            Sent from my iPhone
            """, keep: "On my way to the site now.\n\nMarek"),
        LabeledReply(kind: "Outlook for Android footer with the history below it unmarked", body: """
            Ich bin ab 14 Uhr erreichbar.

            Gesendet von Outlook für Android<https://aka.ms/AAb9ysg>

            Hallo Herr Weber,
            wann können wir Sie erreichen?
            """, keep: "Ich bin ab 14 Uhr erreichbar."),
        LabeledReply(kind: "iPhone footer with pasted history below it", body: """
            Sounds good to me.

            Sent from my iPhone

            Hi Dana, shall we move the call to Thursday?
            Regards, Acme Scheduling
            """, keep: "Sounds good to me."),
        LabeledReply(kind: "Two footers", body: """
            Photo attached.

            Sent from my iPhone

            Get Outlook for iOS
            """, keep: "Photo attached."),
    ]

    /// The sender's words the footer cases are written under.
    private static let footerReplies = [
        "Thanks, I got the replacement part.",
        "Can you call me back after 4?",
        "The code on the display is E42.",
        "Please add my colleague to the ticket.",
        "Confirmed, see you Monday.",
        "That fixed it.\n\nThank you for the quick help!",
        "The delivery note is missing page 2.",
    ]
}
