import HTMLText
import Testing

/// The text of an HTML snippet, as the note would show it.
func plainText(_ html: String) -> String {
    HTMLText.plainText(fromUTF8HTML: Array(html.utf8))
}

@Suite("Layout: blocks, whitespace, lists, tables, quotes")
struct HTMLTextLayoutTests {
    @Test func emptyInputGivesEmptyText() {
        #expect(HTMLText.plainText(fromUTF8HTML: []) == "")
        #expect(plainText("<html><body></body></html>") == "")
    }

    @Test func invisibleElementsAndCommentsAreDropped() {
        let html = """
            <html><head><title>Ticket</title><style>p { color: red }</style>
            <script>track()</script></head><body><noscript>Enable scripts</noscript>
            <template><p>later</p></template><!-- a comment -->Hello<script>more()</script></body></html>
            """
        #expect(plainText(html) == "Hello")
    }

    @Test func blockElementsBecomeLines() {
        #expect(plainText("<div>one</div><div>two</div>three<center>four</center>") == "one\ntwo\nthree\nfour")
    }

    @Test func paragraphsAreSeparatedByOneBlankLine() {
        #expect(plainText("<p>one</p><p>two</p><br><br><br><h1>Title</h1><p>three</p><hr><p>four</p>")
            == "one\n\ntwo\n\nTitle\n\nthree\n\nfour")
    }

    @Test func lineBreaksEndLinesAndTwoMakeABlankLine() {
        #expect(plainText("a<br>b<br><br>c<br><br><br><br>d<br>") == "a\nb\n\nc\n\nd")
        #expect(plainText("<div>a<br></div><div>b</div><div><br></div><div>c</div>") == "a\nb\n\nc")
    }

    @Test func leadingAndTrailingBlankLinesAreDropped() {
        #expect(plainText("<br><br><p> </p><div>text</div><br><p></p><br>") == "text")
    }

    @Test func inlineWhitespaceCollapsesLikeABrowser() {
        #expect(plainText("  Hello \n\t <b>big</b>   <i>wide</i>\n world  ") == "Hello big wide world")
        #expect(plainText("<span>no</span><span>space</span>") == "nospace")
    }

    @Test func noBreakSpacesKeepTheirWidthAndMakeBlankLines() {
        #expect(plainText("a&nbsp;&nbsp;b") == "a  b")
        #expect(plainText("<div>a</div><div>&nbsp;</div><div>&nbsp;</div><div>b</div>") == "a\n\nb")
    }

    @Test func preformattedTextKeepsItsSpacing() {
        #expect(plainText("<p>x</p><pre>\n  a  b\n    c\n</pre>y") == "x\n\n  a  b\n    c\n\ny")
    }

    @Test func entitiesAreDecoded() {
        #expect(plainText("&lt;tag&gt; &amp; &eacute;&#233;&#x20AC; &quot;q&quot; &copy;") == "<tag> & éé€ \"q\" ©")
    }

    @Test func metaCharsetIsIgnoredBecauseTheInputIsUTF8() {
        let declaringLatin1 = "<html><head><meta charset=\"iso-8859-1\"></head><body>Café ü €</body></html>"
        let declaringCyrillic = """
            <meta http-equiv="Content-Type" content="text/html; charset=windows-1251"><p>Привет</p>
            """
        #expect(plainText(declaringLatin1) == "Café ü €")
        #expect(plainText(declaringCyrillic) == "Привет")
    }

    @Test func listItemsGetBulletsAndNumbers() {
        let html = """
            <p>Steps:</p><ul><li>one</li><li>two<ul><li>inner</li></ul></li><li></li></ul>
            <ol><li>first</li><li><div>second</div></li></ol>done
            """
        #expect(plainText(html) == "Steps:\n\n- one\n- two\n  - inner\n\n1. first\n2. second\n\ndone")
    }

    @Test func tableCellsAreSeparatedAndRowsAreLines() {
        let html = """
            <table><tr><th>Item</th><th>Qty</th></tr>
            <tr><td><div>Widget</div></td><td><p>3</p></td></tr>
            <tr><td></td><td>only second</td></tr>
            <tr><td>only first</td><td></td></tr>
            <tr><td>left</td><td>&nbsp;</td><td>right</td></tr></table>
            """
        #expect(plainText(html) == "Item | Qty\nWidget | 3\nonly second\nonly first\nleft | right")
    }

    @Test func blockquoteLinesAreQuoted() {
        let html = "Hi<blockquote>quoted<br>two<blockquote>deeper</blockquote></blockquote>after"
        #expect(plainText(html) == "Hi\n\n> quoted\n> two\n>\n> > deeper\n\nafter")
    }

    @Test func preformattedTextInsideAQuoteIsQuoted() {
        #expect(plainText("<blockquote><pre>a\n  b</pre></blockquote>") == "> a\n>   b")
    }
}
