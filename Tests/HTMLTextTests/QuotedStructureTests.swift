import HTMLText
import Testing

/// HTML replies lose the history their markup marks as quoted, before conversion to text.
@Suite("HTML text: quoted history cut on its structure")
struct QuotedStructureTests {
    private func reply(_ html: String) -> HTMLText.Rendering {
        HTMLText.render(fromUTF8HTML: Array(html.utf8), limits: .init(), cuttingQuotedHistory: true)
    }

    @Test func gmailQuoteIsCutWithItsAttribution() {
        let rendering = reply("""
            <div dir="ltr">Fixed, thanks.</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon,
            Mar 2, 2026 at 10:00 AM Support &lt;support@example.com&gt; wrote:<br></div><blockquote class="gmail_quote">
            Please restart.</blockquote></div>
            """)
        #expect(rendering.text == "Fixed, thanks.")
        #expect(rendering.quotedHistory?.rule == "html:gmail_quote")
        #expect(rendering.quotedHistory?.text.contains("Please restart.") == true)
    }

    @Test func gmailForwardIsKept() {
        let rendering = reply("""
            <div dir="ltr">FYI<br><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">---------- Forwarded
            message ---------<br>From: Carol &lt;carol@example.com&gt;<br></div><br>The invoice is wrong.</div></div>
            """)
        #expect(rendering.quotedHistory == nil)
        #expect(rendering.text.contains("The invoice is wrong."))
    }

    @Test func appleMailCiteIsCutButAnInlineAnswerKeepsIt() {
        let bottom = reply("""
            <div>Works now.</div><div><br><blockquote type="cite"><div>On 2 Mar 2026, at 10:00, Support
            &lt;support@example.com&gt; wrote:</div><br><div>Try again.</div></blockquote></div>
            """)
        #expect(bottom.text == "Works now.")
        #expect(bottom.quotedHistory?.rule == "html:blockquote-cite")

        let inline = reply("""
            <blockquote type="cite">Which model?</blockquote><div>A LaserJet 4.</div>
            """)
        #expect(inline.quotedHistory == nil)
        #expect(inline.text.hasPrefix("> Which model?") && inline.text.hasSuffix("A LaserJet 4."))
    }

    @Test func appleForwardIsKept() {
        let rendering = reply("""
            <div>See below.</div><div><br><div>Begin forwarded message:</div><br><blockquote type="cite"><div>
            <b>From: </b>Carol &lt;carol@example.com&gt;</div><div>Wrong amount.</div></blockquote></div>
            """)
        #expect(rendering.quotedHistory == nil)
        #expect(rendering.text.contains("Wrong amount."))
    }

    @Test func thunderbirdCitePrefixGoesWithItsBlockquote() {
        let rendering = reply("""
            <p>Done.</p><div class="moz-cite-prefix">On 02/03/2026 10:00, Support wrote:<br></div>
            <blockquote type="cite" cite="mid:1@example.com">Please check.</blockquote>
            """)
        #expect(rendering.text == "Done.")
        #expect(rendering.quotedHistory?.rule == "html:blockquote-cite")
        #expect(rendering.quotedHistory?.text.contains("Support wrote:") == true)
    }

    @Test func outlookOnTheWebHistoryRunsFromAppendOnSendToTheEnd() {
        let rendering = reply("""
            <div>Approved.</div><div id="appendonsend"></div><hr style="display:inline-block;width:98%">
            <div id="divRplyFwdMsg" dir="ltr"><b>From:</b> Support &lt;support@example.com&gt;<br><b>Sent:</b>
            Monday, March 2, 2026 10:00<br><b>Subject:</b> Order</div><div>Please approve the order.</div>
            """)
        #expect(rendering.text == "Approved.")
        #expect(rendering.quotedHistory?.rule == "html:appendonsend")
        #expect(rendering.quotedHistory?.text.contains("Please approve the order.") == true)
    }

    @Test func outlookDesktopHeaderAfterBorderTopIsCutUnlessItForwards() {
        func outlook(subject: String) -> String {
            """
            <div class="WordSection1"><p class="MsoNormal">Agreed.</p><div><div style="border:none;border-top:solid
            #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p class="MsoNormal"><b>From:</b> Support
            &lt;support@example.com&gt;<br><b>Sent:</b> Monday, March 2, 2026 10:00<br><b>To:</b> Bob<br>
            <b>Subject:</b> \(subject)</p></div></div><p class="MsoNormal">Old text.</p></div>
            """
        }
        let replied = reply(outlook(subject: "RE: Plan"))
        #expect(replied.text == "Agreed.")
        #expect(replied.quotedHistory?.rule == "html:border-top")
        let forwarded = reply(outlook(subject: "FW: Plan"))
        #expect(forwarded.quotedHistory == nil)
        #expect(forwarded.text.contains("Old text."))
    }

    /// Text that is not all ASCII is searched character by character (ASCII text by its bytes first).
    @Test func outlookHeaderInGermanWithUmlautsIsCutUnlessItForwards() {
        func outlook(subject: String) -> String {
            """
            <div class="WordSection1"><p class="MsoNormal">Einverstanden.</p><div><div style="border:none;border-top:solid
            #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p class="MsoNormal"><b>Von:</b> Jürgen Müller
            &lt;support@example.com&gt;<br><b>Gesendet:</b> Montag, 2. März 2026 10:00<br><b>An:</b> Bob<br>
            <b>Betreff:</b> \(subject)</p></div></div><p class="MsoNormal">Alter Text.</p></div>
            """
        }
        let replied = reply(outlook(subject: "AW: Übergabe"))
        #expect(replied.text == "Einverstanden.")
        #expect(replied.quotedHistory?.rule == "html:border-top")
        let forwarded = reply(outlook(subject: "WG: Übergabe"))
        #expect(forwarded.quotedHistory == nil)
        #expect(forwarded.text.contains("Alter Text."))
    }

    @Test func yahooAndOutlookMobileHistoryIsCut() {
        let yahoo = reply("""
            <div>On my way.</div><div id="yahoo_quoted_123" class="yahoo_quoted"><div>On Monday, March 2, 2026,
            10:00, Support &lt;support@example.com&gt; wrote:</div><blockquote>Where are you?</blockquote></div>
            """)
        #expect(yahoo.text == "On my way.")
        #expect(yahoo.quotedHistory?.rule == "html:yahoo_quoted")
        let mobile = reply("""
            <div dir="auto">Yes.</div><div id="mail-editor-reference-message-container"><b>From:</b> Support<br>
            Can you come?</div>
            """)
        #expect(mobile.text == "Yes.")
        #expect(mobile.quotedHistory?.rule == "html:mail-editor-reference-message-container")
    }

    @Test func withoutTheOptionNothingIsCut() {
        let html = #"<div>Fixed.</div><div class="gmail_quote">On Mon wrote:<blockquote>Old</blockquote></div>"#
        let rendering = HTMLText.render(fromUTF8HTML: Array(html.utf8), limits: .init())
        #expect(rendering.quotedHistory == nil)
        #expect(rendering.text.contains("Old"))
    }

    @Test func deeplyNestedCitesAreWalkedWithoutRecursion() {
        let depth = 20_000
        let html = "<p>Top.</p>" + String(repeating: #"<blockquote type="cite">"#, count: depth) + "deep"
            + String(repeating: "</blockquote>", count: depth)
        let rendering = reply(html)
        #expect(rendering.text == "Top.")
    }
}
