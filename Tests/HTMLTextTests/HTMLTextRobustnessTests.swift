import HTMLText
import Testing

@Suite("Robustness: any bytes give text, never a crash")
struct HTMLTextRobustnessTests {
    @Test func unclosedAndMisnestedTagsAreRepaired() {
        #expect(plainText("<div><p>one<b>bold<i>both</b> after<p>two<a href='https://x.example") == "oneboldboth after\n\ntwo")
        #expect(plainText("<p>one<b>bold</p><p>two</i></div></table>") == "onebold\n\ntwo")
    }

    @Test func invalidUTF8AndNulBytesDoNotStopTheText() {
        let bytes = Array("<p>a".utf8) + [0xFF, 0x00] + Array(" b</p><p>c</p>".utf8)
        #expect(HTMLText.plainText(fromUTF8HTML: bytes) == "a\u{FFFD} b\n\nc")
    }

    @Test func binaryJunkGivesSomeTextWithoutCrashing() {
        var state: UInt32 = 2_463_534_242
        let junk = (0..<200_000).map { _ -> UInt8 in
            state ^= state << 13
            state ^= state >> 17
            state ^= state << 5
            return UInt8(truncatingIfNeeded: state)
        }
        let text = HTMLText.plainText(fromUTF8HTML: junk)
        #expect(text.contains { !$0.isWhitespace }, "200 KB of junk holds text between its tag-like bytes")
        #expect(!text.unicodeScalars.contains("\u{0}"), "NUL bytes are dropped")
        // Each input byte becomes at most one U+FFFD (3 bytes) plus the line breaks its block ends add.
        #expect(text.utf8.count <= 4 * junk.count, "\(text.utf8.count) bytes of text from \(junk.count) bytes")

        let capped = HTMLText.render(fromUTF8HTML: junk, limits: .init(maximumOutputBytes: 4096))
        #expect(capped.text.utf8.count <= 4096, "\(capped.text.utf8.count) bytes past the 4096-byte output cap")
        #expect(capped.isTruncated == (text.utf8.count > 4096))
        #expect(text.hasPrefix(capped.text.prefix(1024)), "the capped text is the beginning of the whole text")
    }

    @Test func enormousNestingIsCutByTheParserNotTheStack() {
        let quotes = String(repeating: "<blockquote>x", count: 100_000)
        let divs = String(repeating: "<div>", count: 100_000) + "deep"
        let tables = String(repeating: "<table><tr><td>a", count: 100_000)
        for html in [quotes, divs, tables] {
            _ = plainText(html)
        }
        #expect(plainText(String(repeating: "<div>", count: 200) + "deep") == "deep")
    }

    @Test func largeDocumentConvertsEveryParagraph() {
        let paragraph = "<p>Lorem <b>ipsum</b> dolor <a href=\"https://example.com/a\">sit</a> amet&nbsp;&amp;</p>\n"
        let text = plainText(String(repeating: paragraph, count: 50_000))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.count == 50_000)
        #expect(lines.first == "Lorem ipsum dolor sit (https://example.com/a) amet &")
    }
}
