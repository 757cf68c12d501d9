import Testing
@testable import MailParsing

@Suite struct TextDecodingTests {
    @Test func declaredLatin1WithC1BytesIsReadAsWindows1252() {
        #expect(CharsetDecoder.decode([0x93, 0x68, 0x69, 0x94, 0x20, 0x80], charset: "iso-8859-1") == "“hi” €")
        #expect(CharsetDecoder.decode([0xE9], charset: "ISO-8859-1") == "é")
    }

    @Test func undecodableBytesBecomeReplacementCharacters() {
        #expect(CharsetDecoder.decode([0x61, 0xFF, 0x62], charset: "utf-8") == "a\u{FFFD}b")
        // 0x81 is not a valid Shift_JIS sequence on its own at the end.
        #expect(CharsetDecoder.decode([0x61, 0x81], charset: "shift_jis") == "a\u{FFFD}")
    }

    @Test func unknownCharsetFallsBackWithoutLosingText() {
        #expect(CharsetDecoder.decode(Array("plain".utf8), charset: "x-no-such-charset") == "plain")
    }

    @Test func missingCharsetIsUTF8WhenValidElseWindows1252() {
        #expect(CharsetDecoder.decode(Array("Grüße".utf8), charset: nil) == "Grüße")
        #expect(CharsetDecoder.decode([0x47, 0x72, 0xFC, 0xDF, 0x65], charset: nil) == "Grüße")
    }

    @Test func encodedWordsAreJoinedAcrossSplitCharacters() {
        // "ä" (C3 A4) split over two encoded words.
        #expect(EncodedWords.decode(Array("=?UTF-8?Q?M=C3?= =?UTF-8?Q?=A4rz?= report".utf8)) == "März report")
        #expect(EncodedWords.decode(Array("=?iso-8859-1?b?Q2Fm6Q==?=".utf8)) == "Café")
        #expect(EncodedWords.decode(Array("plain =?bogus".utf8)) == "plain =?bogus")
    }

    @Test func flowedLinesAreUnwrappedPerQuoteDepth() {
        let text = "one \ntwo\n> quoted \n> more\n-- \nsig"
        #expect(FlowedText.unwrap(text, deletesSpace: false) == "one two\n> quoted more\n-- \nsig")
        #expect(FlowedText.unwrap("ab \ncd", deletesSpace: true) == "abcd")
    }

    @Test func lineBreaksBecomeLF() {
        #expect(LineBreaks.normalize("a\r\nb\rc\n") == "a\nb\nc\n")
    }
}
