import Foundation
import HTMLText
import Testing

private let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Three of mailgun/talon's real HTML reply bodies, copied into the repository (Apache-2.0, see its README).
private let fixtureHTMLDirectory = packageRoot.appendingPathComponent("fixtures/talon-html")

/// All nine, in the shared corpus next to the repository (`NOTEGATE_CORPUS_DIR` points elsewhere).
private let corpusHTMLDirectory = (ProcessInfo.processInfo.environment["NOTEGATE_CORPUS_DIR"]
    .map { URL(fileURLWithPath: $0) } ?? packageRoot.appendingPathComponent("../shared/corpus").standardizedFileURL)
    .appendingPathComponent("talon-html")

private func talonReply(_ name: String, in directory: URL = fixtureHTMLDirectory) throws -> String {
    let bytes = try Data(contentsOf: directory.appendingPathComponent(name))
    return HTMLText.plainText(fromUTF8HTML: Array(bytes))
}

/// What the markup checks look for in a rendered reply.
private func expectReplyFirstAndNoMarkup(_ text: String, _ file: String) {
    #expect(text.split(separator: "\n").first == "Hi. I am fine.")
    #expect(text.contains("Hello! How are you?"))
    for markup in ["</", "<!--", "<div", "<p>", "<br", "<span", "<html", "<style", "<blockquote", "<o:p"] {
        #expect(!text.contains(markup), "\(file) still contains \(markup)")
    }
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

    @Test(arguments: ["gmail.html", "ms_outlook_2003.html", "thunderbird.html"])
    func everyCopiedReplyStartsWithTheReplyAndHasNoMarkup(file: String) throws {
        expectReplyFirstAndNoMarkup(try talonReply(file), file)
    }
}

/// All nine talon HTML replies of the shared corpus; skipped, with one line naming the folder, in a clone without
/// `../shared` (the three copied into fixtures/talon-html still run above).
@Suite("Mail client HTML: every talon reply of the shared corpus",
       .enabled(if: FileManager.default.fileExists(atPath: corpusHTMLDirectory.path),
                Comment(rawValue: "no corpus at \(corpusHTMLDirectory.path) (a clone without ../shared): skipped; "
                    + "fixtures/talon-html covers these cases")))
struct HTMLTextMailClientCorpusTests {
    @Test(arguments: [
        "gmail.html", "hotmail.html", "mail_ru.html", "ms_outlook_2003.html", "ms_outlook_2007.html",
        "ms_outlook_2010.html", "thunderbird.html", "windows_mail.html", "yandex_ru.html",
    ])
    func everyTalonReplyStartsWithTheReplyAndHasNoMarkup(file: String) throws {
        expectReplyFirstAndNoMarkup(try talonReply(file, in: corpusHTMLDirectory), file)
    }

    @Test func theCorpusListIsComplete() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: corpusHTMLDirectory.path)
        #expect(files.filter { $0.hasSuffix(".html") }.count == 9)
    }

    @Test(arguments: ["gmail.html", "ms_outlook_2003.html", "thunderbird.html"])
    func theCopiesInFixturesAreTheCorpusFiles(file: String) throws {
        #expect(try Data(contentsOf: corpusHTMLDirectory.appendingPathComponent(file))
            == Data(contentsOf: fixtureHTMLDirectory.appendingPathComponent(file)))
    }
}
