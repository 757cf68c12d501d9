import Foundation
import HTMLText
import Testing

/// Real HTML reply bodies from mailgun/talon's fixtures, kept in the shared corpus next to the repository.
private let talonHTMLDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("../shared/corpus/talon-html").standardizedFileURL

private func talonReply(_ name: String) throws -> String {
    let bytes = try Data(contentsOf: talonHTMLDirectory.appendingPathComponent(name))
    return HTMLText.plainText(fromUTF8HTML: Array(bytes))
}

@Suite("Mail client HTML: the structure the quote trimmer needs stays visible")
struct HTMLTextMailClientTests {
    @Test func gmailQuoteKeepsAttributionAndQuotesTheHistory() throws {
        #expect(try talonReply("gmail.html") == """
            Hi. I am fine.

            Thanks,
            Alex

            On Thu, Jun 26, 2014 at 2:14 PM, Alexander L <a@example.com (abc@example.com)> wrote:

            > Hello! How are you?
            >
            > Thanks,
            > Sasha.
            """)
    }

    @Test func thunderbirdCitePrefixAndBlockquote() throws {
        #expect(try talonReply("thunderbird.html") == """
            Hi. I am fine.

            Thanks,
            Alex
            On 26.06.2014 14:41, Alexander L wrote:

            > Hello! How are you?
            >
            > Thanks,
            > Sasha.
            """)
    }

    @Test func outlookParagraphsAreSingleLinesAndTheHeaderBlockIsPlain() throws {
        #expect(try talonReply("ms_outlook_2003.html") == """
            Hi. I am fine.

            Thanks,
            Alex

            From: Alexander L [mailto:abc@example.com]
            Sent: Friday, June 27, 2014 12:06 PM
            To: Alexander
            Subject: Test message

            Hello! How are you?

            Thanks,
            Sasha.
            """)
    }

    @Test func outlookWebReplyHeaderInDivRplyFwdMsg() {
        let html = """
            <div dir="ltr">Thanks, that fixed it.</div><div id="appendonsend"></div>
            <hr style="display:inline-block;width:98%" tabindex="-1">
            <div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt" color="#000000">\
            <b>From:</b> Support &lt;support@example.com&gt;<br><b>Sent:</b> Monday, March 2, 2026 10:00 AM<br>\
            <b>To:</b> Bob &lt;bob@example.com&gt;<br><b>Subject:</b> RE: [#143] Printer</font><div>&nbsp;</div></div>
            <div>Please restart the spooler.</div>
            """
        #expect(plainText(html) == """
            Thanks, that fixed it.

            From: Support <support@example.com>
            Sent: Monday, March 2, 2026 10:00 AM
            To: Bob <bob@example.com>
            Subject: RE: [#143] Printer

            Please restart the spooler.
            """)
    }

    @Test(arguments: [
        "gmail.html", "hotmail.html", "mail_ru.html", "ms_outlook_2003.html", "ms_outlook_2007.html",
        "ms_outlook_2010.html", "thunderbird.html", "windows_mail.html", "yandex_ru.html",
    ])
    func everyTalonReplyStartsWithTheReplyAndHasNoMarkup(file: String) throws {
        let text = try talonReply(file)
        #expect(text.split(separator: "\n").first == "Hi. I am fine.")
        #expect(text.contains("Hello! How are you?"))
        for markup in ["</", "<!--", "<div", "<p>", "<br", "<span", "<html", "<style", "<blockquote", "<o:p"] {
            #expect(!text.contains(markup), "\(file) still contains \(markup)")
        }
    }

    @Test func theCorpusListIsComplete() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: talonHTMLDirectory.path)
        #expect(files.filter { $0.hasSuffix(".html") }.count == 9)
    }
}
