import NoteExtraction
import Testing

/// HTML-only replies through the whole extractor: history cut on its markup, then by the text rules,
/// and never an empty note.
@Suite("Quote trimming: HTML-only bodies")
struct QuoteTrimmingHTMLBodyTests {
    private func message(html: String) -> [UInt8] {
        Array("""
            From: Dana Reyes <dana@vendor.example>\r
            To: notes@support.example\r
            Subject: Re: [#901] Scanner\r
            Message-ID: <html-body@vendor.example>\r
            MIME-Version: 1.0\r
            Content-Type: text/html; charset=utf-8\r
            \r
            \(html)\r

            """.utf8)
    }

    @Test func gmailHistoryIsCutAndNamedByItsMarkup() throws {
        let raw = message(html: """
            <div dir="ltr">The scanner works again.</div><div class="gmail_quote"><div class="gmail_attr">On Mon,
            Mar 2, 2026 at 10:00 AM Support &lt;support@support.example&gt; wrote:</div><blockquote class="gmail_quote">
            Please restart the scanner.</blockquote></div>
            """)
        let extractor = NoteExtractor()
        #expect(extractor.decide(rawMessage: raw).text == "The scanner works again.")
        let trimmed = extractor.trimmedBody(of: try extractor.parse(raw))
        #expect(trimmed.cuts.map(\.rule) == ["html:gmail_quote"])
        #expect(trimmed.cuts.first?.text.contains("Please restart the scanner.") == true)
    }

    @Test func outlookFooterAndHeaderAreCutByTheTextRulesAfterTheStructure() {
        let raw = message(html: """
            <div>On site at 10.</div><div>Get Outlook for iOS</div><hr><div><b>From:</b> Support
            &lt;support@support.example&gt;<br><b>Sent:</b> Monday, March 2, 2026 10:00<br><b>To:</b> Dana<br>
            <b>Subject:</b> Visit</div><div>When can we come?</div>
            """)
        #expect(NoteExtractor().decide(rawMessage: raw).text == "On site at 10.")
    }

    @Test func aBodyThatIsAllQuoteIsPostedWhole() {
        let raw = message(html: #"<blockquote type="cite">Is the scanner still offline?</blockquote>"#)
        #expect(NoteExtractor().decide(rawMessage: raw).text?.contains("Is the scanner still offline?") == true)
    }
}
