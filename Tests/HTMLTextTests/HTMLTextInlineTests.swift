import Testing

@Suite("Inline content: links and images")
struct HTMLTextInlineTests {
    @Test(arguments: [
        ("Read <a href=\"https://example.com/kb/42\">the article</a>.", "Read the article (https://example.com/kb/42)."),
        ("<a href=\"http://example.com/a\">http://example.com/a</a>", "http://example.com/a"),
        ("<a href=\"http://www.example.com/\">www.example.com</a>", "www.example.com"),
        ("<a href=\"HTTPS://Example.com\">example.com</a>", "example.com"),
        ("<a href=\"mailto:bob@example.com\">bob@example.com</a>", "bob@example.com"),
        ("<a href=\"mailto:bob@example.com?subject=Hi\">Bob</a>", "Bob (bob@example.com)"),
        ("<a href=\"#section-2\">below</a>", "below"),
        ("<a href=\"/relative/path\">relative</a>", "relative"),
        ("<a href=\"javascript:track()\">script</a>", "script"),
        ("<a href=\"cid:logo@1\">inline</a>", "inline"),
        ("<a name=\"top\">anchor</a>", "anchor"),
        ("<a href=\"https://example.com/x\"><img src=\"logo.png\"></a>", ""),
        ("<a href=\"https://example.com/x\"><img src=\"logo.png\" alt=\"ACME\"></a>", "ACME (https://example.com/x)"),
        ("<a href=\"https://example.com/x\"> spaced  <b>text</b> </a>!", "spaced text (https://example.com/x)!"),
    ])
    func linkTargetsAreKeptWhenTheyAddInformation(html: String, expected: String) {
        #expect(plainText(html) == expected)
    }

    @Test func imagesAreShownAsTheirAltText() {
        #expect(plainText("<p>Logo: <img src=\"x.png\" alt=\"ACME Corp\"> <img src=\"spacer.gif\"> end</p>")
            == "Logo: ACME Corp end")
    }
}
