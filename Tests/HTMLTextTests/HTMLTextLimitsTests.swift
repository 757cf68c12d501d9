import HTMLText
import Testing

private func render(_ html: String, _ limits: HTMLText.Limits = .init()) -> HTMLText.Rendering {
    HTMLText.render(fromUTF8HTML: Array(html.utf8), limits: limits)
}

@Suite("Limits: what one document may cost")
struct HTMLTextLimitsTests {
    @Test func quotesDeeperThanTheCapGetNoMorePrefixes() {
        let html = String(repeating: "<blockquote>", count: 250) + String(repeating: "x<br>", count: 3)
        let rendering = render(html, .init(maximumQuoteDepth: 4))
        #expect(rendering.text == "> > > > x\n> > > > x\n> > > > x")
        #expect(!rendering.isTruncated)
    }

    @Test func shallowQuotesAreUnchanged() {
        #expect(render("<blockquote>a<blockquote>b</blockquote></blockquote>").text == "> a\n>\n> > b")
    }

    @Test func listsDeeperThanTheCapIndentNoFurther() {
        let html = String(repeating: "<ul><li>a", count: 40)
        let lines = render(html, .init(maximumListIndent: 3)).text.split(separator: "\n")
        #expect(lines.count == 40)
        #expect(lines.first == "- a")
        #expect(lines.last == "      - a")
    }

    @Test func renderingStopsAtTheOutputCap() {
        let html = String(repeating: "<p>0123456789</p>", count: 10_000)
        let rendering = render(html, .init(maximumOutputBytes: 1_000))
        #expect(rendering.isTruncated)
        #expect(rendering.text.utf8.count <= 1_000)
        #expect(rendering.text.hasPrefix("0123456789\n\n0123456789"))
        #expect(!render(html).isTruncated)
    }

    @Test func oneHugeTextNodeIsCutToo() {
        let rendering = render("<pre>" + String(repeating: "ä\n", count: 100_000) + "</pre>", .init(maximumOutputBytes: 999))
        #expect(rendering.isTruncated)
        #expect(rendering.text.utf8.count <= 999)
        #expect(rendering.text.hasSuffix("ä"), "the cut falls between characters")
    }

    @Test func theBlockquoteBombIsBounded() {
        let html = String(repeating: "<blockquote>", count: 250) + String(repeating: "x<br>", count: 200_000)
        let rendering = render(html, .init(maximumOutputBytes: 256 << 10))
        #expect(rendering.isTruncated)
        #expect(rendering.text.utf8.count <= 256 << 10)
        #expect(rendering.text.hasPrefix(String(repeating: "> ", count: 16) + "x\n"))
    }
}
